import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  chainThumbprint,
  createPossessionProof,
  POSSESSION_PROOF_TYPE,
  verifyPossessionProof,
  type PossessionContext,
  type VerifyPossessionOptions,
} from '../../src/capability/possession.js';
import { ManualClock } from '../../src/core/clock.js';
import { isVerificationCode, MassError } from '../../src/core/errors.js';
import { canonicalJson } from '../../src/core/json.js';
import { AgentRegistry } from '../../src/identity/registry.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { handSign, hasCode } from '../identity/fixture.js';
import { buildChain, newCapMesh, signer, START_MS, type CapMesh } from './fixture.js';

// Proofs of possession (capability/possession.ts): a capability chain is not a secret — every
// agent along it holds it — so a request under it is accepted only with a proof signed by the
// holder's registered key, bound to the method, URL, moment and chain, and accepted once.

const URL_ = 'https://gw.example:8443/mcp/fs';
const SKEW = 30;

function setup(mesh: CapMesh) {
  const chain = buildChain(mesh, ['alice', 'bob']); // owner → alice → bob: bob holds it, alice issued it
  const context: PossessionContext = { holder: 'bob', chain, method: 'POST', url: `${URL_}?x=1` };
  const options: VerifyPossessionOptions = { keys: mesh.registry, ids: mesh.store.replay, clock: mesh.clock, clockSkewSeconds: SKEW };
  const prove = (as = 'bob', overrides: { method?: string; url?: string; chain?: string; clock?: ManualClock } = {}) =>
    createPossessionProof(signer(mesh, as), {
      method: overrides.method ?? 'POST',
      url: overrides.url ?? URL_,
      chain: overrides.chain ?? chain,
      clock: overrides.clock ?? mesh.clock,
    });
  return { chain, context, options, prove };
}

describe('proof of possession: each attack refused with its code', () => {
  test('the holder’s fresh proof for this request verifies (query and fragment are not part of it)', async () => {
    const mesh = await newCapMesh();
    const { context, options, prove } = setup(mesh);
    const verified = await verifyPossessionProof(prove(), context, options);
    assert.equal(verified.agent.id, 'bob');
    assert.equal(verified.claims.htu, URL_);
  });

  test('the issuer signs a proof with its own key for the delegate’s chain: PROOF_KEY_MISMATCH', async () => {
    const mesh = await newCapMesh();
    const { context, options, prove } = setup(mesh);
    await assert.rejects(verifyPossessionProof(prove('alice'), context, options), hasCode('PROOF_KEY_MISMATCH'));
  });

  test('a proof signed by another agent’s key under the holder’s kid: SIGNATURE_INVALID', async () => {
    const mesh = await newCapMesh();
    const { context, options } = setup(mesh);
    const carol = signer(mesh, 'carol');
    const forged = createPossessionProof(
      { kid: signer(mesh, 'bob').kid, privateKey: carol.privateKey },
      { method: 'POST', url: URL_, chain: context.chain, clock: mesh.clock },
    );
    await assert.rejects(verifyPossessionProof(forged, context, options), hasCode('SIGNATURE_INVALID'));
  });

  test('a proof replayed: PROOF_REPLAYED', async () => {
    const mesh = await newCapMesh();
    const { context, options, prove } = setup(mesh);
    const proof = prove();
    await verifyPossessionProof(proof, context, options);
    await assert.rejects(verifyPossessionProof(proof, context, options), hasCode('PROOF_REPLAYED'));
  });

  test('a proof replayed to another process sharing the store file: PROOF_REPLAYED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mass-pop-'));
    const file = join(dir, 'mass.db');
    const first = await openSqliteStore(file);
    const second = await openSqliteStore(file);
    try {
      const clock = new ManualClock(START_MS);
      const registry = new AgentRegistry(first, clock);
      await registry.register('bob');
      const key = await registry.signingKey('bob');
      const context: PossessionContext = { holder: 'bob', chain: 'a.b.c', method: 'POST', url: URL_ };
      const proof = createPossessionProof(key, { method: 'POST', url: URL_, chain: 'a.b.c', clock });
      await verifyPossessionProof(proof, context, { keys: registry, ids: first.replay, clock, clockSkewSeconds: SKEW });
      const elsewhere = { keys: new AgentRegistry(second, clock), ids: second.replay, clock, clockSkewSeconds: SKEW };
      await assert.rejects(verifyPossessionProof(proof, context, elsewhere), hasCode('PROOF_REPLAYED'));
    } finally {
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a proof for another URL or another method: PROOF_TARGET_MISMATCH', async () => {
    const mesh = await newCapMesh();
    const { context, options, prove } = setup(mesh);
    await assert.rejects(verifyPossessionProof(prove('bob', { url: 'https://gw.example:8443/mcp/other' }), context, options), hasCode('PROOF_TARGET_MISMATCH'));
    await assert.rejects(
      verifyPossessionProof(prove('bob', { url: 'https://elsewhere.example:8443/mcp/fs' }), context, options),
      hasCode('PROOF_TARGET_MISMATCH'),
    );
    await assert.rejects(verifyPossessionProof(prove('bob', { url: 'http://gw.example:8443/mcp/fs' }), context, options), hasCode('PROOF_TARGET_MISMATCH'));
    await assert.rejects(verifyPossessionProof(prove('bob', { method: 'DELETE' }), context, options), hasCode('PROOF_TARGET_MISMATCH'));
  });

  test('a stale proof (or one dated ahead) beyond the clock skew: PROOF_STALE', async () => {
    const mesh = await newCapMesh();
    const { context, options, prove } = setup(mesh);
    await assert.rejects(
      verifyPossessionProof(prove('bob', { clock: new ManualClock(START_MS - (SKEW + 1) * 1000) }), context, options),
      hasCode('PROOF_STALE'),
    );
    await assert.rejects(
      verifyPossessionProof(prove('bob', { clock: new ManualClock(START_MS + (SKEW + 1) * 1000) }), context, options),
      hasCode('PROOF_STALE'),
    );
    await verifyPossessionProof(prove('bob', { clock: new ManualClock(START_MS - SKEW * 1000) }), context, options);
  });

  test('a proof with an embedded jwk (the key must come from the registry): PROOF_MALFORMED', async () => {
    const mesh = await newCapMesh();
    const { context, options } = setup(mesh);
    const bob = signer(mesh, 'bob');
    const claims = { ath: chainThumbprint(context.chain), htm: 'POST', htu: URL_, iat: START_MS / 1000, jti: 'AAAAAAAAAAAAAAAAAAAAAA' };
    const jwk = (await mesh.registry.get('bob'))?.publicJwk;
    const proof = handSign({ alg: 'EdDSA', typ: POSSESSION_PROOF_TYPE, kid: bob.kid, jwk }, canonicalJson(claims), bob.privateKey);
    await assert.rejects(verifyPossessionProof(proof, context, options), hasCode('PROOF_MALFORMED'));
    // The same claims without the jwk verify: the refusal is the embedded key's alone.
    await verifyPossessionProof(handSign({ alg: 'EdDSA', typ: POSSESSION_PROOF_TYPE, kid: bob.kid }, canonicalJson(claims), bob.privateKey), context, options);
  });

  test('a proof whose ath names another chain: PROOF_CHAIN_MISMATCH', async () => {
    const mesh = await newCapMesh();
    const { context, options, prove } = setup(mesh);
    const other = buildChain(mesh, ['carol', 'bob']);
    await assert.rejects(verifyPossessionProof(prove('bob', { chain: other }), context, options), hasCode('PROOF_CHAIN_MISMATCH'));
  });

  test('a proof payload with a byte-order mark: PROOF_MALFORMED', async () => {
    const mesh = await newCapMesh();
    const { context, options } = setup(mesh);
    const bob = signer(mesh, 'bob');
    const claims = { ath: chainThumbprint(context.chain), htm: 'POST', htu: URL_, iat: START_MS / 1000, jti: 'BBBBBBBBBBBBBBBBBBBBBB' };
    const proof = handSign({ alg: 'EdDSA', typ: POSSESSION_PROOF_TYPE, kid: bob.kid }, `\uFEFF${canonicalJson(claims)}`, bob.privateKey);
    await assert.rejects(verifyPossessionProof(proof, context, options), hasCode('PROOF_MALFORMED'));
  });

  test('a proof by a revoked or quarantined holder: AGENT_REVOKED / AGENT_QUARANTINED', async () => {
    const mesh = await newCapMesh();
    const { context, options, prove } = setup(mesh);
    await mesh.registry.quarantine('bob');
    await assert.rejects(verifyPossessionProof(prove(), context, options), hasCode('AGENT_QUARANTINED'));
    await mesh.registry.revoke('bob');
    await assert.rejects(verifyPossessionProof(prove(), context, options), hasCode('AGENT_REVOKED'));
  });

  test('any single-character change of a valid proof is refused with a verification code (1,000 runs)', async () => {
    const mesh = await newCapMesh();
    const { context, options, prove } = setup(mesh);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~= ';
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(alphabet.length - 1), async (at, char) => {
        const proof = prove();
        const i = at % proof.length;
        const mutated = `${proof.slice(0, i)}${alphabet[char]}${proof.slice(i + 1)}`;
        fc.pre(mutated !== proof);
        const error = await verifyPossessionProof(mutated, context, options).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof MassError, `a mutated proof verified (position ${i})`);
        assert.ok(isVerificationCode(error.code), `not a verification code: ${error.code}`);
      }),
      { numRuns: 1_000 },
    );
  });
});
