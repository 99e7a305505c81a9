import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRedTeam } from '../../src/redteam/run.js';
import { summaryJson } from '../../src/redteam/report.js';

// Two runs with the same seed give byte-identical figures. A subset keeps this quick: the scenario
// with seeded reviewer draws (the approval flood) and one with identity forgeries (fresh keys and
// ids every run, which must not show).

const SUBSET = { scenarios: ['approval-fatigue', 'delegation-identity-spoofing'] as const };

test('same seed, same JSON, byte for byte', async () => {
  const first = await runRedTeam({ seed: 42, ...SUBSET });
  const second = await runRedTeam({ seed: 42, ...SUBSET });
  assert.deepEqual(first.errors, []);
  assert.equal(summaryJson(second.summary), summaryJson(first.summary));
  assert.deepEqual(
    second.attacks.map((a) => [a.id, a.undefended.achieved, a.defended.achieved, a.defended.approvalsRequested]),
    first.attacks.map((a) => [a.id, a.undefended.achieved, a.defended.achieved, a.defended.approvalsRequested]),
  );
});

test('the per-attack details carry action ids and denial codes for a later report', async () => {
  const report = await runRedTeam({ seed: 1, scenarios: ['delegation-identity-spoofing'], attacks: ['identity-provenance/outsider-key'], benign: false });
  const [result] = report.attacks;
  assert.ok(result !== undefined);
  const refused = result.defended.actions.find((a) => !a.executed);
  assert.ok(refused !== undefined);
  assert.equal(refused.code, 'SIGNATURE_INVALID');
  assert.equal(refused.stage, 'authenticate');
  assert.match(refused.actionId, /^[A-Za-z0-9_-]{22}$/);
  // Undefended, the same forgery was recorded as refused but carried out.
  assert.ok(result.undefended.actions.some((a) => a.code === 'SIGNATURE_INVALID' && a.executed));
});
