import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMediationBench } from '../../bench/mediation.js';

// The benchmark itself runs with `npm run bench`; this short version keeps it from rotting.
// It asserts what was measured, never how fast.
test('mediation benchmark runs every case (short version)', async () => {
  const results = await runMediationBench({ iterations: 20, cedarIterations: 8 });
  assert.deepEqual(
    results.map((r) => r.name),
    [
      'Ed25519 verify alone (node:crypto, reference)',
      'direct tool call (no mediation)',
      'mediated, no signature (host-authenticated)',
      'mediated, signed envelope (sign + verify)',
      'envelope sign alone',
      'envelope verify alone',
      'Cedar decision alone, 3 policies',
      'Cedar decision alone, 200 policies',
      'Cedar decision alone, 1000 policies',
    ],
  );
  for (const r of results) assert.ok(Number.isFinite(r.medianUs) && Number.isFinite(r.p99Us), r.name);
});
