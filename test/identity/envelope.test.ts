import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactSign } from 'jose';
import { ManualClock } from '../../src/core/clock.js';
import { MassError } from '../../src/core/errors.js';
import { hashJson } from '../../src/core/hash.js';
import { canonicalJson } from '../../src/core/json.js';
import { ENVELOPE_TYPE, MAX_ENVELOPE_LENGTH, signEnvelope, type EnvelopeRequest } from '../../src/identity/envelope.js';
import { agentKeyName } from '../../src/identity/registry.js';
import { generateEd25519Key } from '../../src/identity/keys.js';
import { MemoryReplayGuard } from '../../src/identity/replay.js';
import { untrusted } from '../../src/flow/label.js';
import { ACTION, AUDIENCE, MAX_LIFETIME_SECONDS, SKEW_SECONDS, START_MS, b64url, handSign, hasCode, newMesh, verify, type Mesh } from './fixture.js';

const BODY = { text: 'invoice 42 is paid', amount: 1250, tags: ['q1'] };

function request(overrides: Partial<EnvelopeRequest> = {}): EnvelopeRequest {
  return { iss: 'alice', aud: AUDIENCE, act: ACTION, body: BODY, ...overrides };
}

async function signAs(mesh: Mesh, agent: string, overrides: Partial<EnvelopeRequest> = {}, clock = mesh.clock): Promise<string> {
  return signEnvelope(await mesh.registry.signingKey(agent), request({ iss: agent, ...overrides }), clock);
}

/** The decoded claims of an envelope signed by `signEnvelope`, for building variants by hand. */
function claimsOf(jws: string): Record<string, unknown> {
  const payload = jws.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

test('a valid envelope verifies and returns its claims and the signing agent', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice', { label: untrusted('tool:read_file') });
  const { claims, agent } = await verify(mesh, jws, BODY);
  const iat = Math.floor(START_MS / 1000);
  assert.deepEqual(
    { ...claims, jti: typeof claims.jti },
    { v: 1, iss: 'alice', aud: AUDIENCE, act: ACTION, iat, exp: iat + 60, jti: 'string', bh: hashJson(BODY), lbl: untrusted('tool:read_file') },
  );
  assert.equal(agent.id, 'alice');
  assert.equal(agent.status, 'active');
  // The body is bound by its canonical form, not its key order.
  const reordered = { tags: ['q1'], amount: 1250, text: 'invoice 42 is paid' };
  await verify(mesh, await signAs(mesh, 'alice'), reordered);
});

test('wrong audience is AUDIENCE_MISMATCH', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice', { aud: 'agent:payroll' });
  await assert.rejects(verify(mesh, jws, BODY), hasCode('AUDIENCE_MISMATCH'));
});

test('wrong action kind is CLAIM_INVALID', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice', { act: 'tool' });
  await assert.rejects(verify(mesh, jws, BODY), hasCode('CLAIM_INVALID'));
});

test('a changed body is BODY_HASH_MISMATCH', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice');
  await assert.rejects(verify(mesh, jws, { ...BODY, amount: 1251 }), hasCode('BODY_HASH_MISMATCH'));
  await assert.rejects(verify(mesh, jws, { ...BODY, extra: true }), hasCode('BODY_HASH_MISMATCH'));
  await assert.rejects(verify(mesh, jws, undefined), hasCode('BODY_HASH_MISMATCH'));
  await assert.rejects(verify(mesh, jws, { ...BODY, amount: Number.NaN }), hasCode('BODY_HASH_MISMATCH'));
});

test('expiry: accepted up to exp + skew, ENVELOPE_EXPIRED from exp + skew on', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice', { ttlSeconds: 60 });
  // exp = iat + 60; refused once now - skew >= exp.
  mesh.clock.advance((60 + SKEW_SECONDS - 1) * 1000);
  await verify(mesh, jws, BODY);
  mesh.clock.advance(1000);
  await assert.rejects(verify(mesh, jws, BODY), hasCode('ENVELOPE_EXPIRED'));
  mesh.clock.advance(3_600_000);
  await assert.rejects(verify(mesh, jws, BODY), hasCode('ENVELOPE_EXPIRED'));
});

test('a signer clock ahead beyond the skew is ENVELOPE_NOT_YET_VALID', async () => {
  const mesh = await newMesh();
  const signerClock = new ManualClock(START_MS + (SKEW_SECONDS + 1) * 1000);
  const jws = await signAs(mesh, 'alice', {}, signerClock);
  await assert.rejects(verify(mesh, jws, BODY), hasCode('ENVELOPE_NOT_YET_VALID'));
});

test('a signer clock ahead or behind within the skew is accepted', async () => {
  const mesh = await newMesh();
  const ahead = await signAs(mesh, 'alice', {}, new ManualClock(START_MS + SKEW_SECONDS * 1000));
  await verify(mesh, ahead, BODY);
  // Behind by the skew: exp = now - skew + 60 is still in the future.
  const behind = await signAs(mesh, 'alice', {}, new ManualClock(START_MS - SKEW_SECONDS * 1000));
  await verify(mesh, behind, BODY);
});

test('a lifetime over maxLifetimeSeconds, or not positive, is CLAIM_INVALID', async () => {
  const mesh = await newMesh();
  await verify(mesh, await signAs(mesh, 'alice', { ttlSeconds: MAX_LIFETIME_SECONDS }), BODY);
  const tooLong = await signAs(mesh, 'alice', { ttlSeconds: MAX_LIFETIME_SECONDS + 1 });
  await assert.rejects(verify(mesh, tooLong, BODY), hasCode('CLAIM_INVALID'));
  const zero = await signAs(mesh, 'alice', { ttlSeconds: 0 });
  await assert.rejects(verify(mesh, zero, BODY), hasCode('CLAIM_INVALID'));
});

test('replaying an envelope is ENVELOPE_REPLAYED (MemoryReplayGuard)', async () => {
  const mesh = await newMesh();
  const replay = new MemoryReplayGuard();
  const jws = await signAs(mesh, 'alice');
  await verify(mesh, jws, BODY, { replay });
  await assert.rejects(verify(mesh, jws, BODY, { replay }), hasCode('ENVELOPE_REPLAYED'));
  // A different envelope with the same content has its own jti.
  await verify(mesh, await signAs(mesh, 'alice'), BODY, { replay });
});

test('replaying an envelope is ENVELOPE_REPLAYED (SQLite store replay table)', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice');
  await verify(mesh, jws, BODY, { replay: mesh.store.replay });
  await assert.rejects(verify(mesh, jws, BODY, { replay: mesh.store.replay }), hasCode('ENVELOPE_REPLAYED'));
  // Still a replay just before it expires (exp + skew), then refused as expired.
  mesh.clock.advance((60 + SKEW_SECONDS - 1) * 1000);
  await assert.rejects(verify(mesh, jws, BODY, { replay: mesh.store.replay }), hasCode('ENVELOPE_REPLAYED'));
  mesh.clock.advance(1000);
  await assert.rejects(verify(mesh, jws, BODY, { replay: mesh.store.replay }), hasCode('ENVELOPE_EXPIRED'));
  await mesh.store.close();
});

test('a rejected envelope does not consume its jti', async () => {
  const mesh = await newMesh();
  const replay = new MemoryReplayGuard();
  const jws = await signAs(mesh, 'alice');
  await assert.rejects(verify(mesh, jws, { other: 1 }, { replay }), hasCode('BODY_HASH_MISMATCH'));
  await assert.rejects(verify(mesh, jws, BODY, { replay, audience: 'agent:other' }), hasCode('AUDIENCE_MISMATCH'));
  await verify(mesh, jws, BODY, { replay });
});

test('an unknown kid is KEY_UNKNOWN', async () => {
  const mesh = await newMesh();
  const stranger = generateEd25519Key();
  const jws = await signEnvelope({ kid: 'mallory#AAAA', privateKey: stranger.privateKey }, request({ iss: 'mallory' }), mesh.clock);
  await assert.rejects(verify(mesh, jws, BODY), hasCode('KEY_UNKNOWN'));
});

test('a signature by another key under a known kid is SIGNATURE_INVALID', async () => {
  const mesh = await newMesh();
  const alice = await mesh.registry.signingKey('alice');
  const forged = await signEnvelope({ kid: alice.kid, privateKey: generateEd25519Key().privateKey }, request(), mesh.clock);
  await assert.rejects(verify(mesh, forged, BODY), hasCode('SIGNATURE_INVALID'));
  // bob's real key under alice's kid.
  const bobs = await signEnvelope({ kid: alice.kid, privateKey: (await mesh.registry.signingKey('bob')).privateKey }, request(), mesh.clock);
  await assert.rejects(verify(mesh, bobs, BODY), hasCode('SIGNATURE_INVALID'));
});

test('alg "none" and "HS256" headers are ALG_NOT_ALLOWED', async () => {
  const mesh = await newMesh();
  const alice = await mesh.registry.signingKey('alice');
  const payload = (await signAs(mesh, 'alice')).split('.')[1] ?? '';
  const headerFor = (alg: unknown) => b64url(JSON.stringify({ alg, typ: ENVELOPE_TYPE, kid: alice.kid }));
  // With a signature of EdDSA length, so that only the algorithm is wrong.
  const sig64 = b64url(new Uint8Array(64).fill(1));
  for (const alg of ['none', 'HS256', 'ES256', 'Ed25519', 'eddsa', null, undefined]) {
    await assert.rejects(verify(mesh, `${headerFor(alg)}.${payload}.${sig64}`, BODY), hasCode('ALG_NOT_ALLOWED'), `alg ${String(alg)}`);
  }
});

// Regression: the 64-byte EdDSA signature length used to be checked before the algorithm
// allow-list, so these two attacks, as actually sent, were reported as SIGNATURE_INVALID.
test('alg "none" with an empty signature and HS256 with a 32-byte MAC are ALG_NOT_ALLOWED, not SIGNATURE_INVALID', async () => {
  const mesh = await newMesh();
  const alice = await mesh.registry.signingKey('alice');
  const payload = (await signAs(mesh, 'alice')).split('.')[1] ?? '';
  const headerFor = (alg: string) => b64url(JSON.stringify({ alg, typ: ENVELOPE_TYPE, kid: alice.kid }));
  await assert.rejects(verify(mesh, `${headerFor('none')}.${payload}.`, BODY), hasCode('ALG_NOT_ALLOWED'));
  await assert.rejects(verify(mesh, `${headerFor('HS256')}.${payload}.${b64url(new Uint8Array(32).fill(7))}`, BODY), hasCode('ALG_NOT_ALLOWED'));
});

test('extra header parameters (jwk, crit, x5u) are ENVELOPE_MALFORMED even when correctly signed', async () => {
  const mesh = await newMesh();
  const alice = await mesh.registry.signingKey('alice');
  const record = await mesh.registry.get('alice');
  assert.ok(record);
  const claims = canonicalJson(claimsOf(await signAs(mesh, 'alice')));
  const base = { alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: alice.kid };
  const withJwk = await new CompactSign(new TextEncoder().encode(claims))
    .setProtectedHeader({ ...base, jwk: { kty: 'OKP', crv: 'Ed25519', x: String(record.publicJwk.x) } })
    .sign(alice.privateKey);
  await assert.rejects(verify(mesh, withJwk, BODY), hasCode('ENVELOPE_MALFORMED'));
  // jose refuses to sign an unknown `crit`, so this one is signed by hand.
  await assert.rejects(verify(mesh, handSign({ ...base, crit: ['exp'], exp: 1 }, claims, alice.privateKey), BODY), hasCode('ENVELOPE_MALFORMED'));
  await assert.rejects(verify(mesh, handSign({ ...base, x5u: 'https://example.org/k' }, claims, alice.privateKey), BODY), hasCode('ENVELOPE_MALFORMED'));
  // The same hand-signing with the allowed header verifies, so the refusals above are about the header.
  await verify(mesh, handSign(base, claims, alice.privateKey), BODY);
});

test('a missing or wrong typ, or a bad kid, is ENVELOPE_MALFORMED', async () => {
  const mesh = await newMesh();
  const alice = await mesh.registry.signingKey('alice');
  const claims = canonicalJson(claimsOf(await signAs(mesh, 'alice')));
  for (const header of [
    { alg: 'EdDSA', kid: alice.kid },
    { alg: 'EdDSA', typ: 'JWT', kid: alice.kid },
    { alg: 'EdDSA', typ: ENVELOPE_TYPE },
    { alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: '' },
    { alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: 7 },
    { alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: 'k'.repeat(257) },
  ]) {
    await assert.rejects(verify(mesh, handSign(header, claims, alice.privateKey), BODY), hasCode('ENVELOPE_MALFORMED'), JSON.stringify(header));
  }
});

test('a non-canonical payload (whitespace, reordered keys) signed with the agent key is ENVELOPE_MALFORMED', async () => {
  const mesh = await newMesh();
  const alice = await mesh.registry.signingKey('alice');
  const claims = claimsOf(await signAs(mesh, 'alice'));
  const header = { alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: alice.kid };
  const signPayload = (text: string) => new CompactSign(new TextEncoder().encode(text)).setProtectedHeader(header).sign(alice.privateKey);
  const reordered = Object.fromEntries(Object.entries(claims).reverse());
  for (const text of [JSON.stringify(claims, null, 2), ` ${canonicalJson(claims)}`, `${canonicalJson(claims)}\n`, JSON.stringify(reordered)]) {
    assert.notEqual(text, canonicalJson(claims));
    await assert.rejects(verify(mesh, await signPayload(text), BODY), hasCode('ENVELOPE_MALFORMED'), JSON.stringify(text));
  }
  // Not JSON at all.
  await assert.rejects(verify(mesh, await signPayload('not json'), BODY), hasCode('ENVELOPE_MALFORMED'));
  // The canonical text signed the same way verifies.
  await verify(mesh, await signPayload(canonicalJson(claims)), BODY);
});

test('an unknown claim, a bad version or a malformed claim is CLAIM_INVALID', async () => {
  const mesh = await newMesh();
  const alice = await mesh.registry.signingKey('alice');
  const claims = claimsOf(await signAs(mesh, 'alice'));
  const header = { alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: alice.kid };
  for (const variant of [
    { ...claims, nbf: claims.iat },
    { ...claims, v: 2 },
    { ...claims, act: 'shell' },
    { ...claims, iat: -1 },
    { ...claims, exp: 1.5 },
    { ...claims, jti: '' },
    { ...claims, lbl: { integrity: 'trusted' } },
  ]) {
    await assert.rejects(verify(mesh, handSign(header, canonicalJson(variant), alice.privateKey), BODY), hasCode('CLAIM_INVALID'), JSON.stringify(variant));
  }
  await assert.rejects(verify(mesh, handSign(header, '[1,2]', alice.privateKey), BODY), hasCode('CLAIM_INVALID'));
});

test('iss naming another agent than the key owner is CLAIM_INVALID', async () => {
  const mesh = await newMesh();
  const jws = await signEnvelope(await mesh.registry.signingKey('alice'), request({ iss: 'bob' }), mesh.clock);
  await assert.rejects(verify(mesh, jws, BODY), hasCode('CLAIM_INVALID'));
});

test('revoked agent is AGENT_REVOKED, quarantined is AGENT_QUARANTINED, released verifies again', async () => {
  const mesh = await newMesh();
  const replay = new MemoryReplayGuard();
  const jws = await signAs(mesh, 'alice');
  await mesh.registry.quarantine('alice', 'suspicious output');
  await assert.rejects(verify(mesh, jws, BODY, { replay }), hasCode('AGENT_QUARANTINED'));
  await mesh.registry.release('alice');
  // The refusal did not consume the jti: the same envelope verifies once released.
  await verify(mesh, jws, BODY, { replay });

  const bobs = await signAs(mesh, 'bob');
  await mesh.registry.revoke('bob', 'key leaked');
  await assert.rejects(verify(mesh, bobs, BODY), hasCode('AGENT_REVOKED'));
  await assert.rejects(mesh.registry.release('bob'), hasCode('AGENT_REVOKED'));
  await assert.rejects(mesh.registry.quarantine('bob'), hasCode('AGENT_REVOKED'));
  assert.equal((await mesh.registry.get('bob'))?.status, 'revoked');
  await assert.rejects(verify(mesh, await signAs(mesh, 'bob'), BODY), hasCode('AGENT_REVOKED'));
});

test('an envelope over MAX_ENVELOPE_LENGTH is ENVELOPE_TOO_LARGE', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice');
  await assert.rejects(verify(mesh, jws + 'A'.repeat(MAX_ENVELOPE_LENGTH), BODY), hasCode('ENVELOPE_TOO_LARGE'));
  await assert.rejects(verify(mesh, 'A'.repeat(MAX_ENVELOPE_LENGTH + 1), BODY), hasCode('ENVELOPE_TOO_LARGE'));
  // At exactly the limit the size check passes and the structure check refuses it.
  await assert.rejects(verify(mesh, 'A'.repeat(MAX_ENVELOPE_LENGTH), BODY), hasCode('ENVELOPE_MALFORMED'));
});

test('a non-string envelope is ENVELOPE_MALFORMED', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice');
  for (const value of [undefined, null, 42, {}, [jws], Buffer.from(jws), new String(jws)]) {
    await assert.rejects(verify(mesh, value, BODY), hasCode('ENVELOPE_MALFORMED'), String(value));
  }
});

test('structurally broken envelopes are ENVELOPE_MALFORMED', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice');
  const [h, p, s] = jws.split('.') as [string, string, string];
  for (const broken of [
    '',
    `${h}.${p}`,
    `${jws}.`,
    `${h}=.${p}.${s}`,
    `${h}.${p}+.${s}`,
    `${h}.${p}.${s}=`,
    `${b64url('[]')}.${p}.${s}`,
    `${b64url('{')}.${p}.${s}`,
    ` ${jws}`,
  ]) {
    await assert.rejects(verify(mesh, broken, BODY), hasCode('ENVELOPE_MALFORMED'), broken.slice(0, 40));
  }
});

test('non-canonical base64url (unused low bits of the last signature character set) is ENVELOPE_MALFORMED', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice');
  const signature = jws.split('.')[2] ?? '';
  // 64 bytes take 86 characters; the last carries 2 data bits and 4 unused (zero) bits.
  assert.equal(signature.length, 86);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(signature.at(-1) ?? '');
  const flipped = jws.slice(0, -1) + (alphabet[last ^ 0b0001] ?? '');
  const flippedSignature = flipped.split('.')[2] ?? '';
  assert.notEqual(flipped, jws);
  assert.deepEqual(Buffer.from(flippedSignature, 'base64url'), Buffer.from(signature, 'base64url'), 'decodes to the same signature bytes');
  await assert.rejects(verify(mesh, flipped, BODY), hasCode('ENVELOPE_MALFORMED'));
  // The untouched envelope verifies.
  await verify(mesh, jws, BODY);
});

test('a truncated or padded signature is refused', async () => {
  const mesh = await newMesh();
  const jws = await signAs(mesh, 'alice');
  const [h, p, s] = jws.split('.') as [string, string, string];
  // 63 bytes, canonical base64url: passes structure, fails the 64-byte rule.
  const short = b64url(Buffer.from(s, 'base64url').subarray(0, 63));
  await assert.rejects(verify(mesh, `${h}.${p}.${short}`, BODY), hasCode('SIGNATURE_INVALID'));
  const long = b64url(Buffer.concat([Buffer.from(s, 'base64url'), Buffer.from([0])]));
  await assert.rejects(verify(mesh, `${h}.${p}.${long}`, BODY), hasCode('SIGNATURE_INVALID'));
});

test('private keys never appear in error messages', async () => {
  const mesh = await newMesh();
  const stored = await mesh.store.keys.get(agentKeyName('alice'));
  assert.ok(stored);
  const alice = await mesh.registry.signingKey('alice');
  const jwk = alice.privateKey.export({ format: 'jwk' });
  const secrets = [
    Buffer.from(stored.privatePkcs8).toString('base64'),
    Buffer.from(stored.privatePkcs8).toString('base64url'),
    Buffer.from(stored.privatePkcs8).toString('hex'),
    String(jwk.d),
  ];

  const errors: unknown[] = [];
  const collect = async (p: Promise<unknown>) => {
    try {
      await p;
      assert.fail('expected a rejection');
    } catch (error) {
      errors.push(error);
    }
  };
  const jws = await signAs(mesh, 'alice');
  const claims = canonicalJson(claimsOf(jws));
  await collect(verify(mesh, jws, { tampered: true }));
  await collect(verify(mesh, await signEnvelope({ kid: alice.kid, privateKey: generateEd25519Key().privateKey }, request(), mesh.clock), BODY));
  await collect(verify(mesh, handSign({ alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: alice.kid, jwk }, claims, alice.privateKey), BODY));
  await collect(verify(mesh, jws, BODY, { audience: 'agent:x' }));
  await collect(mesh.registry.register('alice'));
  await collect(mesh.store.keys.insert(stored));
  await mesh.registry.revoke('alice');
  await collect(verify(mesh, jws, BODY));
  await collect(mesh.registry.release('alice'));
  assert.equal(errors.length, 8);

  for (const error of errors) {
    assert.ok(error instanceof MassError, String(error));
    // Walk the cause chain too: a wrapped jose or SQLite error must not carry the key either.
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      for (const secret of secrets) {
        assert.ok(!e.message.includes(secret), `${error.code} message contains private key material`);
        assert.ok(!String(e.stack).includes(secret), `${error.code} stack contains private key material`);
      }
    }
  }
});
