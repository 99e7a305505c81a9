import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { delegate, issueRoot } from '../../src/capability/issue.js';
import { verifyChain } from '../../src/capability/verify.js';
import { hasCode } from '../identity/fixture.js';
import { buildChain, claimsOf, newCapMesh, signer, TRANSFER } from './fixture.js';

// delegate() refuses, before signing anything, what the verifier would refuse later.

describe('delegate-time refusals', () => {
  test('a delegated link never outlives its parent (exp is clamped)', async () => {
    const mesh = await newCapMesh();
    const root = issueRoot(mesh.owner, { to: 'alice', att: [TRANSFER], ttlSeconds: 60, clock: mesh.clock });
    const chain = delegate(root, { as: signer(mesh, 'alice'), to: 'bob', att: [TRANSFER], ttlSeconds: 3600, clock: mesh.clock });
    assert.equal(claimsOf(chain, 1).exp, claimsOf(chain, 0).exp);
    await verifyChain(chain, mesh.options);
  });

  test('delegating more than held is CAPABILITY_EXCEEDED, before anything is signed', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice']);
    const as = signer(mesh, 'alice');
    for (const att of [
      [{ action: 'call', resource: 'transfer', max: { amount: 101 } }],
      [{ action: 'call', resource: 'transfer' }],
      [{ action: 'call', resource: 'transfer*', max: { amount: 1 } }],
      [{ action: 'send', resource: 'transfer', max: { amount: 1 } }],
      [TRANSFER, { action: 'call', resource: 'refund', max: { amount: 1 } }],
    ]) {
      assert.throws(() => delegate(chain, { as, to: 'bob', att, clock: mesh.clock }), hasCode('CAPABILITY_EXCEEDED'), JSON.stringify(att));
    }
    const narrower = delegate(chain, {
      as,
      to: 'bob',
      att: [{ action: 'call', resource: 'transfer', max: { amount: 100, fee: 1 }, oneOf: { currency: ['EUR'] } }],
      clock: mesh.clock,
    });
    await verifyChain(narrower, mesh.options);
  });

  test('delegating a chain one does not hold is DELEGATOR_SPOOFED', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice', 'bob']);
    assert.throws(() => delegate(chain, { as: signer(mesh, 'alice'), to: 'carol', att: [TRANSFER], clock: mesh.clock }), hasCode('DELEGATOR_SPOOFED'));
  });

  test('caller mistakes are TypeErrors', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice']);
    const as = signer(mesh, 'alice');
    assert.throws(
      () => delegate(chain, { as, to: 'bob', att: [{ action: 'call', resource: 'transfer', max: { amount: 'all' } }], clock: mesh.clock }),
      TypeError,
    );
    assert.throws(() => delegate(chain, { as, to: 'not a name', att: [TRANSFER], clock: mesh.clock }), TypeError);
    assert.throws(() => delegate(chain, { as, to: 'bob', att: [TRANSFER], ttlSeconds: 0, clock: mesh.clock }), TypeError);
    assert.throws(() => delegate(chain, { as: { ...as, id: 'bob' }, to: 'carol', att: [TRANSFER], clock: mesh.clock }), TypeError);
    assert.throws(() => issueRoot(as, { to: 'bob', att: [TRANSFER], clock: mesh.clock }), TypeError);
    assert.throws(() => issueRoot(mesh.owner, { to: 'bob', att: [], clock: mesh.clock }), TypeError);
    await assert.rejects(verifyChain(chain, { ...mesh.options, maxDepth: 0 }), TypeError);
  });
});
