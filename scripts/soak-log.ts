// `npm run soak:log [kills]`: the long version of the audit log crash test (default 1,000 SIGKILLs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashCycles } from '../test/audit/crash/cycles.js';

const kills = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'mass-soak-'));
const started = Date.now();
try {
  const report = await runCrashCycles(dir, kills, (r) =>
    process.stdout.write(
      `… ${r.kills} kills, ${r.acknowledged} acknowledged entries intact, ${r.checkpoints} checkpoints consistent (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    ),
  );
  process.stdout.write(
    `soak:log ok — ${report.kills} SIGKILLs, ${report.acknowledged} acknowledged entries all present, ` +
      `${report.entries} entries without gaps, ${report.checkpoints} checkpoints consistent (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
