import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEntry } from '../../src/audit/entry.js';
import { traceAction } from '../../src/audit/trace.js';
import { delegate, issueRoot } from '../../src/capability/issue.js';
import { loadOwnerSigningKey } from '../../src/capability/owner.js';
import { systemClock } from '../../src/core/clock.js';
import { isMassError } from '../../src/core/errors.js';
import { TRUSTED } from '../../src/flow/label.js';
import { signEnvelope } from '../../src/identity/envelope.js';
import { createMesh, MediationError } from '../../src/mesh/mesh.js';
import { exampleConfig } from '../support/fixtures.js';
import { logRows } from '../store/log-rows.js';

const REFUND_UP_TO_100 = { action: 'call', resource: 'refund', max: { amount: 100 } };

async function setup(extraPolicy = '') {
  const { config, policies } = exampleConfig();
  const mesh = await createMesh(config, { policies: [...policies, { name: 'extra.cedar', text: extraPolicy }] });
  const refunds: number[] = [];
  mesh.tool('refund', ({ amount }) => (refunds.push(Number(amount)), 'refunded'));
  const owner = await loadOwnerSigningKey(mesh.store);
  const agentSigner = async (id: string) => ({ ...(await mesh.registry.signingKey(id)), id });
  return { mesh, refunds, owner, agentSigner };
}

const code = (expected: string) => (error: unknown) => isMassError(error) && error.code === expected;

test('an action under a capability chain runs only within it (CAPABILITY_EXCEEDED beyond, even where policy would allow)', async () => {
  const { mesh, refunds, owner } = await setup();
  try {
    const chain = issueRoot(owner, { to: 'billing', att: [{ action: 'call', resource: 'refund', max: { amount: 50 } }] });
    const billing = mesh.agent('billing');
    assert.equal(await billing.task((ctx) => ctx.call('refund', { customer_id: 'C-1', amount: 40 }), { capability: chain }), 'refunded');
    await assert.rejects(
      billing.task((ctx) => ctx.call('refund', { customer_id: 'C-1', amount: 80 }), { capability: chain }),
      code('CAPABILITY_EXCEEDED'),
    );
    assert.deepEqual(refunds, [40]);
  } finally {
    await mesh.close();
  }
});

test('a delegated chain: effective trust is the minimum along it, the chain reaches policy, and revoking the delegator invalidates it', async () => {
  const { mesh, refunds, owner, agentSigner } = await setup(
    'forbid (principal, action, resource) when { context.chain.contains("support") && context.trust < 100 };',
  );
  try {
    const root = issueRoot(owner, { to: 'router', att: [REFUND_UP_TO_100] });
    const chain = delegate(root, { as: await agentSigner('router'), to: 'billing', att: [{ action: 'call', resource: 'refund', max: { amount: 30 } }] });
    const billing = mesh.agent('billing');
    const run = (amount: number) => billing.task((ctx) => ctx.call('refund', { customer_id: 'C-1', amount }), { capability: chain });
    assert.equal(await run(25), 'refunded');
    await assert.rejects(run(31), code('CAPABILITY_EXCEEDED'));
    const intent = (await logRows(mesh.store, 0, mesh.log.size))
      .map((r) => decodeEntry(r.entry))
      .filter((e) => e.kind === 'intent')
      .at(-1);
    assert.ok(intent?.kind === 'intent');
    assert.deepEqual(intent.chain, ['router', 'billing']);
    await mesh.registry.revoke('router', 'compromised');
    await assert.rejects(run(10), code('AGENT_REVOKED'));
    assert.deepEqual(refunds, [25]);
  } finally {
    await mesh.close();
  }
});

test('delegating more than one holds is refused at delegate time', async () => {
  const { mesh, owner, agentSigner } = await setup();
  try {
    const root = issueRoot(owner, { to: 'router', att: [REFUND_UP_TO_100] });
    const router = await agentSigner('router');
    assert.throws(
      () => delegate(root, { as: router, to: 'billing', att: [{ action: 'call', resource: 'refund', max: { amount: 500 } }] }),
      code('CAPABILITY_EXCEEDED'),
    );
  } finally {
    await mesh.close();
  }
});

test('the envelope binds its capability chain: another chain beside it is refused (CLAIM_INVALID)', async () => {
  const { mesh, owner, refunds } = await setup();
  try {
    const small = issueRoot(owner, { to: 'billing', att: [{ action: 'call', resource: 'refund', max: { amount: 1 } }] });
    const large = issueRoot(owner, { to: 'billing', att: [REFUND_UP_TO_100] });
    const body = { customer_id: 'C-1', amount: 90 };
    const key = await mesh.registry.signingKey('billing');
    const envelope = await signEnvelope(key, { iss: 'billing', aud: 'tool:refund', act: 'tool', body, label: TRUSTED, capability: small }, systemClock);
    const verdict = await mesh.mediator.mediate({ kind: 'tool', target: 'refund', body, envelope, capability: large }, { run: () => Promise.resolve('ran') });
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.equal(verdict.code, 'CLAIM_INVALID');
    const stripped = await mesh.mediator.mediate({ kind: 'tool', target: 'refund', body, envelope }, { run: () => Promise.resolve('ran') });
    assert.equal(stripped.ok, false);
    assert.deepEqual(refunds, []);
  } finally {
    await mesh.close();
  }
});

test('derived actions carry their parents’ path; the log traces who delegated what to whom', async () => {
  const { mesh } = await setup();
  try {
    mesh.agent('billing').on('message', (_m, ctx) => ctx.call('refund', { customer_id: 'C-1', amount: 10 }));
    let messageId = '';
    mesh.events.on((e) => {
      if (e.type === 'completed' && e.kind === 'message') messageId = e.actionId;
    });
    await mesh.agent('router').send('billing', { text: 'refund 10 please' });
    await mesh.mediator.settled(); // outcomes (and their "completed" events) are recorded after the result returns
    await mesh.log.flush();
    const refund = (await logRows(mesh.store, 0, mesh.log.size)).map((r) => decodeEntry(r.entry)).find((e) => e.kind === 'intent' && e.resource === 'refund');
    assert.ok(refund?.kind === 'intent');
    assert.deepEqual(refund.path, [{ agent: 'router', action: messageId }]);
    const trace = await traceAction(mesh.store, mesh.log.size, messageId);
    assert.ok(trace);
    assert.equal(trace.root.actor, 'router');
    assert.equal(trace.root.children.length, 1);
    assert.equal(trace.root.children[0]?.resource, 'refund');
    assert.equal(trace.root.children[0]?.actor, 'billing');
  } finally {
    await mesh.close();
  }
});

test('a chain held by another agent cannot be used (the holder must be the actor)', async () => {
  const { mesh, owner } = await setup();
  try {
    const chain = issueRoot(owner, { to: 'router', att: [REFUND_UP_TO_100] });
    await assert.rejects(
      mesh.agent('billing').task((ctx) => ctx.call('refund', { customer_id: 'C-1', amount: 1 }), { capability: chain }),
      (e: unknown) => e instanceof MediationError && e.verdict.stage === 'provenance',
    );
  } finally {
    await mesh.close();
  }
});
