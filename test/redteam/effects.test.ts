import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ATTACK_LIBRARY } from '../../src/redteam/attacks/index.js';
import { runOnce } from '../../src/redteam/engine.js';
import { Prng } from '../../src/redteam/prng.js';
import { scenarioById } from '../../src/redteam/scenarios/index.js';
import { ATTACKER_ACCOUNT } from '../../src/redteam/scenarios/support-billing.js';
import { CUSTOMER_MARKER } from '../../src/redteam/scenarios/market-memory.js';
import type { Attack } from '../../src/redteam/types.js';
import type { World } from '../../src/redteam/world.js';

// Success is judged on the world, never on what the mediator said: an attack judged successful has
// really moved the money or delivered the mail, and a verdict alone changes nothing.

function attack(id: string): Attack {
  const found = ATTACK_LIBRARY.find((a) => a.id === id);
  assert.ok(found !== undefined, id);
  return found;
}

async function play(a: Attack, mode: 'undefended' | 'defended'): Promise<{ world: World; achieved: boolean; codes: (string | undefined)[] }> {
  let world: World | undefined;
  const outcome = await runOnce(
    scenarioById(a.scenario),
    mode,
    new Prng(1).fork(a.id),
    (s) => a.run(s),
    (w) => ((world = w), a.succeeded(w)),
  );
  assert.ok(world !== undefined);
  assert.equal(outcome.error, undefined);
  return { world, achieved: outcome.achieved, codes: outcome.actions.map((x) => x.code) };
}

test("a successful injection moved money: the attacker's account was credited by billing's transfer", async () => {
  const a = attack('injection/ticket-hidden-transfer');
  const { world, achieved, codes } = await play(a, 'undefended');
  assert.equal(achieved, true);
  const paid = world.bank.paymentsTo(ATTACKER_ACCOUNT);
  assert.equal(paid.length, 1);
  assert.equal(paid[0]?.by, 'billing');
  assert.equal(paid[0]?.via, 'transfer');
  assert.ok([100, 150, 240].includes(paid[0]?.amount ?? 0));
  // The mediator said no (recorded, not enforced): the effect happened anyway, and that is what counts.
  assert.ok(codes.includes('APPROVAL_REQUIRED'));
});

test('a stopped injection left the ledger without any payment to the attacker', async () => {
  const { world, achieved } = await play(attack('injection/ticket-hidden-transfer'), 'defended');
  assert.equal(achieved, false);
  assert.deepEqual(world.bank.paymentsTo(ATTACKER_ACCOUNT), []);
});

test('a successful leak delivered mail: the customer list is in an outside mailbox', async () => {
  const { world, achieved } = await play(attack('data-leakage/customer-list-to-broker'), 'undefended');
  assert.equal(achieved, true);
  const mail = world.mail.inbox('audit@data-broker.example');
  assert.equal(mail.length, 1);
  assert.equal(mail[0]?.external, true);
  assert.ok(mail[0]?.body.includes(CUSTOMER_MARKER));
});

test('a poisoned entry changed a later answer: the filed recommendation flipped', async () => {
  const { world, achieved } = await play(attack('memory-poisoning/keyword-stuffed-fact'), 'defended');
  assert.equal(achieved, true);
  assert.match(world.files.files.get('reports/copper-recommendation') ?? '', /^Recommendation: SELL/);
  assert.ok(world.kb.entries.some((e) => e.author === 'researcher' && e.text.includes('SELL')));
});
