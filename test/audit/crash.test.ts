import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCrashCycles } from './crash/cycles.js';

// The short version of `npm run soak:log` (1,000 kills): 50 SIGKILLs of a writer at random moments.
test('crash safety: 50 SIGKILLs of a writer lose no acknowledged entry, leave no gap, keep every checkpoint consistent', { timeout: 300_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mass-crash-'));
  try {
    const report = await runCrashCycles(dir, Number(process.env.MASS_CRASH_KILLS ?? 50));
    assert.ok(report.acknowledged > 0);
    assert.ok(report.entries >= report.acknowledged);
    assert.ok(report.checkpoints > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
