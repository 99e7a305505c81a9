import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCapabilityBench } from '../../bench/capability.js';

// The benchmark runs in full with `npm run bench`; this short version keeps it from rotting.
// It asserts what was measured, never how fast.
test('capability benchmark runs every case (short version)', async () => {
  const rows = await runCapabilityBench({ iterations: 20 });
  assert.deepEqual(
    rows.map((r) => r.name),
    [
      'capability chain verify, depth 1',
      'capability chain verify, depth 3',
      'capability chain verify, depth 8',
      'capability delegate (extend a depth-3 chain by one link)',
    ],
  );
  for (const r of rows) assert.ok(Number.isFinite(r.medianUs) && Number.isFinite(r.p99Us), r.name);
});
