import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { ManualClock } from '../../src/core/clock.js';
import { hashJson } from '../../src/core/hash.js';
import { canonicalBytes } from '../../src/core/json.js';
import { ENVELOPE_TYPE, signEnvelope, verifyEnvelope } from '../../src/identity/envelope.js';
import { publicKeyFromJwk } from '../../src/identity/keys.js';
import { AgentRegistry } from '../../src/identity/registry.js';
import { MemoryReplayGuard } from '../../src/identity/replay.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

/**
 * Envelopes are standard JWS (RFC 7515 compact serialization, EdDSA per RFC 8037). jose, an
 * independent implementation, must accept what MASS signs, and MASS must accept what jose signs.
 */

async function setup() {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  const store = await openSqliteStore(':memory:');
  const registry = new AgentRegistry(store, clock);
  const record = await registry.register('alice');
  const key = await registry.signingKey('alice');
  return { clock, store, registry, record, key };
}

test('jose verifies an envelope signed by MASS, and reads the same header and claims', async () => {
  const { clock, store, record, key } = await setup();
  try {
    const body = { amount: 12, note: 'über' };
    const jws = await signEnvelope(key, { iss: 'alice', aud: 'tool:pay', act: 'tool', body }, clock);
    const { payload, protectedHeader } = await compactVerify(jws, publicKeyFromJwk(record.publicJwk), { algorithms: ['EdDSA'] });
    assert.deepEqual(protectedHeader, { alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: record.kid });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    assert.equal(claims.iss, 'alice');
    assert.equal(claims.bh, hashJson(body));
    assert.deepEqual(decodeProtectedHeader(jws), protectedHeader);
  } finally {
    await store.close();
  }
});

test('MASS verifies an envelope signed by jose over the same canonical claims', async () => {
  const { clock, store, registry, record, key } = await setup();
  try {
    const body = { to: 'bob', text: 'hello' };
    const iat = Math.floor(clock.now() / 1000);
    const claims = { v: 1, iss: 'alice', aud: 'agent:bob', act: 'message', iat, exp: iat + 60, jti: 'jose-made-0001', bh: hashJson(body) };
    const jws = await new CompactSign(canonicalBytes(claims)).setProtectedHeader({ alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: record.kid }).sign(key.privateKey);
    const verified = await verifyEnvelope(jws, body, {
      keys: registry,
      replay: new MemoryReplayGuard(),
      clock,
      audience: 'agent:bob',
      action: 'message',
      clockSkewSeconds: 30,
      maxLifetimeSeconds: 300,
    });
    assert.equal(verified.claims.jti, 'jose-made-0001');
    assert.equal(verified.agent.id, 'alice');
  } finally {
    await store.close();
  }
});
