import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ATTACK_LIBRARY } from '../../src/redteam/attacks/index.js';
import { runAttack } from '../../src/redteam/engine.js';
import { Prng } from '../../src/redteam/prng.js';
import { SCENARIOS } from '../../src/redteam/scenarios/index.js';

// Each seed scenario's story, as DESIGN.md tells it, is a real attack: it succeeds against the
// undefended system (mediator in monitor mode). Where the defences exist, the defended run stops
// it with the expected refusal.

const STOPPED_BY: Readonly<Record<string, string>> = {
  'injection/ticket-hidden-transfer': 'APPROVAL_DENIED',
  'data-leakage/kb-poisoned-newsletter': 'POLICY_DENIED',
  'identity-provenance/spoofed-processor-link': 'DELEGATOR_SPOOFED',
};

for (const scenario of SCENARIOS) {
  test(`${scenario.id}: the headline attack ${scenario.headline} succeeds undefended`, async () => {
    const attack = ATTACK_LIBRARY.find((a) => a.id === scenario.headline);
    assert.ok(attack !== undefined);
    const result = await runAttack(attack, scenario, new Prng(1));
    assert.equal(result.undefended.error, undefined);
    assert.equal(result.defended.error, undefined);
    assert.equal(result.undefended.achieved, true);
    // Undefended means unenforced, not unwatched: every action ran, and the would-be denials are on record.
    assert.ok(result.undefended.actions.every((a) => a.executed));
    const code = STOPPED_BY[attack.id];
    if (code !== undefined) {
      assert.equal(result.defended.achieved, false);
      assert.ok(
        result.defended.actions.some((a) => a.code === code && !a.executed),
        `${attack.id}: refused with ${code}`,
      );
      assert.ok(
        result.undefended.actions.some((a) => a.code === code || a.code === 'APPROVAL_REQUIRED'),
        `${attack.id}: the undefended run records what would have stopped it`,
      );
    }
  });
}
