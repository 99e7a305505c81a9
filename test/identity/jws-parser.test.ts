import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CAPABILITY_TOKEN_TYPE } from '../../src/capability/link.js';
import { OWNER_PRINCIPAL } from '../../src/capability/owner.js';
import { verifyChain } from '../../src/capability/verify.js';
import { MassError } from '../../src/core/errors.js';
import { hashJson } from '../../src/core/hash.js';
import { canonicalJson } from '../../src/core/json.js';
import { ENVELOPE_TYPE } from '../../src/identity/envelope.js';
import { parseCanonicalPayload, parseCompactJws, signCompactEdDsa, type JwsProfile } from '../../src/identity/jws.js';
import { newCapMesh, TRANSFER } from '../capability/fixture.js';
import { b64url, handSign, hasCode, newMesh, verify, ACTION, AUDIENCE } from './fixture.js';

// One JWS parser for envelopes, capability links and proofs of possession (identity/jws.ts): the
// byte-order-mark drift between the former two parsers, and a fuzz test of the shared parser.

const BOM = '\uFEFF';
const PROFILE: JwsProfile = {
  typ: 'test+jws',
  maxLength: 4096,
  malformed: 'TOKEN_MALFORMED',
  tooLarge: 'TOKEN_TOO_LARGE',
  claimInvalid: 'CLAIM_INVALID',
  what: 'token',
};

describe('a payload or header starting with a byte-order mark is refused on every token type', () => {
  test('envelope payload with a BOM, correctly signed: ENVELOPE_MALFORMED', async () => {
    const mesh = await newMesh();
    const alice = await mesh.registry.signingKey('alice');
    const now = Math.floor(mesh.clock.now() / 1000);
    const body = { text: 'hi' };
    const claims = { act: ACTION, aud: AUDIENCE, bh: hashJson(body), exp: now + 60, iat: now, iss: 'alice', jti: 'j1', v: 1 };
    const header = { alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: alice.kid };
    // The same claims without the BOM verify: the refusal is the BOM's alone.
    await verify(mesh, handSign(header, canonicalJson(claims), alice.privateKey), body);
    const withBom = handSign(header, `${BOM}${canonicalJson({ ...claims, jti: 'j2' })}`, alice.privateKey);
    await assert.rejects(verify(mesh, withBom, body), (e: unknown) => hasCode('ENVELOPE_MALFORMED')(e) && /byte-order mark/.test((e as Error).message));
  });

  test('envelope header with a BOM, correctly signed: ENVELOPE_MALFORMED', async () => {
    const mesh = await newMesh();
    const alice = await mesh.registry.signingKey('alice');
    const input = `${b64url(`${BOM}${JSON.stringify({ alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: alice.kid })}`)}.${b64url('{}')}`;
    const jws = `${input}.${b64url(sign(null, Buffer.from(input, 'ascii'), alice.privateKey))}`;
    await assert.rejects(verify(mesh, jws, {}), (e: unknown) => hasCode('ENVELOPE_MALFORMED')(e) && /byte-order mark/.test((e as Error).message));
  });

  test('capability link payload with a BOM, correctly signed: TOKEN_MALFORMED', async () => {
    const mesh = await newCapMesh();
    const now = mesh.clock.now() / 1000;
    const claims = { v: 1, iss: OWNER_PRINCIPAL, aud: 'alice', att: [TRANSFER], nbf: now, exp: now + 60, prf: null, dep: 0, jti: 'x' };
    const header = { alg: 'EdDSA', typ: CAPABILITY_TOKEN_TYPE, kid: mesh.owner.kid };
    await verifyChain(handSign(header, canonicalJson(claims), mesh.owner.privateKey), mesh.options);
    const withBom = handSign(header, `${BOM}${canonicalJson(claims)}`, mesh.owner.privateKey);
    await assert.rejects(verifyChain(withBom, mesh.options), (e: unknown) => hasCode('TOKEN_MALFORMED')(e) && /byte-order mark/.test((e as Error).message));
  });
});

describe('the shared parser under fuzzing', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const allowed = new Set([PROFILE.malformed, PROFILE.tooLarge, PROFILE.claimInvalid, 'ALG_NOT_ALLOWED', 'SIGNATURE_INVALID']);

  /** Header objects around the valid one: extra or missing members, other types and algorithms. */
  const headerArb = fc.record(
    {
      alg: fc.constantFrom<unknown>('EdDSA', 'none', 'HS256', 'eddsa', 1, null),
      typ: fc.constantFrom<unknown>(PROFILE.typ, 'JWT', '', ENVELOPE_TYPE),
      kid: fc.oneof(fc.string({ maxLength: 300 }), fc.constant<unknown>(7)),
      jwk: fc.constant({ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) }),
      crit: fc.constant(['exp']),
    },
    { requiredKeys: [] },
  );
  const segmentText = fc.oneof(
    headerArb.map((h) => JSON.stringify(h)),
    headerArb.map((h) => `${BOM}${JSON.stringify(h)}`),
    headerArb.map((h) => ` ${JSON.stringify(h)} `),
    fc.json(),
    fc.string({ maxLength: 64 }),
  );
  const segment = fc.oneof(
    segmentText.map((t) => b64url(t)),
    fc.uint8Array({ maxLength: 96 }).map((b) => b64url(b)),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 96 }).map((b) => Buffer.from(b).toString('base64')),
  );
  const compact = fc.oneof(
    fc.tuple(segment, segment, segment).map((parts) => parts.join('.')),
    fc.array(segment, { maxLength: 5 }).map((parts) => parts.join('.')),
    fc.string({ maxLength: 200 }),
    fc.constantFrom<unknown>(undefined, null, 42, {}, 'a'.repeat(PROFILE.maxLength + 1)),
  );

  test('any input is parsed to exactly {alg: EdDSA, typ, kid} with canonical segments, or refused with a profile code (50,000 runs)', () => {
    fc.assert(
      fc.property(compact, (input) => {
        let parsed;
        try {
          parsed = parseCompactJws(input, PROFILE);
        } catch (error) {
          assert.ok(error instanceof MassError, `not a MassError: ${String(error)}`);
          assert.ok(allowed.has(error.code), `unexpected code ${error.code}`);
          return;
        }
        assert.equal(typeof input, 'string');
        assert.equal(parsed.compact, input);
        assert.equal(`${parsed.headerPart}.${parsed.payloadPart}.${b64url(parsed.signature)}`, input);
        assert.equal(parsed.signature.length, 64);
        const headerBytes = Buffer.from(parsed.headerPart, 'base64url');
        assert.notDeepEqual([...headerBytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
        assert.deepEqual(JSON.parse(headerBytes.toString('utf8')), { alg: 'EdDSA', typ: PROFILE.typ, kid: parsed.kid });
        assert.equal(b64url(parsed.payload), parsed.payloadPart);
      }),
      { numRuns: 50_000 },
    );
  });

  test('a payload is accepted only as the canonical JSON of an object, never with a byte-order mark (20,000 runs)', () => {
    const payloadText = fc.oneof(
      fc.jsonValue().map((v) => canonicalJson(v)),
      fc.jsonValue().map((v) => `${BOM}${canonicalJson(v)}`),
      fc.jsonValue().map((v) => JSON.stringify(v, null, 1) ?? 'null'),
      fc.string({ maxLength: 80 }),
    );
    const payloadBytes = fc.oneof(
      payloadText.map((t) => new Uint8Array(Buffer.from(t, 'utf8'))),
      fc.uint8Array({ maxLength: 64 }),
    );
    fc.assert(
      fc.property(payloadBytes, (bytes) => {
        let value;
        try {
          value = parseCanonicalPayload(bytes, PROFILE);
        } catch (error) {
          assert.ok(error instanceof MassError, `not a MassError: ${String(error)}`);
          assert.ok(allowed.has(error.code), `unexpected code ${error.code}`);
          return;
        }
        assert.deepEqual(Buffer.from(canonicalJson(value), 'utf8'), Buffer.from(bytes));
        assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value));
      }),
      { numRuns: 20_000 },
    );
  });

  test('what signCompactEdDsa produces parses back to the same bytes (2,000 runs)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 256 }), fc.jsonValue(), (kid, claims) => {
        const payload = Buffer.from(canonicalJson({ claims }), 'utf8');
        const parsed = parseCompactJws(signCompactEdDsa({ alg: 'EdDSA', typ: PROFILE.typ, kid }, payload, privateKey), { ...PROFILE, maxLength: 1 << 20 });
        assert.equal(parsed.kid, kid);
        assert.deepEqual(Buffer.from(parsed.payload), payload);
        assert.deepEqual(parseCanonicalPayload(parsed.payload, PROFILE), JSON.parse(payload.toString('utf8')));
      }),
      { numRuns: 2_000 },
    );
  });
});
