import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_CHAIN_LENGTH } from '../../src/capability/chain.js';
import { CAPABILITY_TOKEN_TYPE } from '../../src/capability/link.js';
import { OWNER_PRINCIPAL } from '../../src/capability/owner.js';
import { verifyChain } from '../../src/capability/verify.js';
import { canonicalJson } from '../../src/core/json.js';
import { b64url, handSign, hasCode } from '../identity/fixture.js';
import { buildChain, linksOf, newCapMesh, signer, START_MS, TRANSFER } from './fixture.js';

// The token format: bounds, structure, algorithm and header, checked before key and signature.

const NOW = START_MS / 1000;

describe('structure, algorithm and size (checked before the key and signature)', () => {
  test('alg none and HS256 are ALG_NOT_ALLOWED', async () => {
    const mesh = await newCapMesh();
    const [h, p] = (linksOf(buildChain(mesh, ['alice']))[0] as string).split('.') as [string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>;
    await assert.rejects(verifyChain(`${b64url(JSON.stringify({ ...header, alg: 'none' }))}.${p}.`, mesh.options), hasCode('ALG_NOT_ALLOWED'));
    await assert.rejects(
      verifyChain(`${b64url(JSON.stringify({ ...header, alg: 'HS256' }))}.${p}.${b64url(new Uint8Array(32))}`, mesh.options),
      hasCode('ALG_NOT_ALLOWED'),
    );
  });

  test('an extra header parameter, a wrong typ or a non-canonical payload is TOKEN_MALFORMED', async () => {
    const mesh = await newCapMesh();
    const alice = signer(mesh, 'alice');
    const claims = { v: 1, iss: OWNER_PRINCIPAL, aud: 'alice', att: [TRANSFER], nbf: NOW, exp: NOW + 60, prf: null, dep: 0, jti: 'x' };
    const sign = (header: Record<string, unknown>, payload: string) => handSign(header, payload, mesh.owner.privateKey);
    const good = { alg: 'EdDSA', typ: CAPABILITY_TOKEN_TYPE, kid: mesh.owner.kid };
    await verifyChain(sign(good, canonicalJson(claims)), mesh.options);
    await assert.rejects(verifyChain(sign({ ...good, jwk: { kty: 'OKP' } }, canonicalJson(claims)), mesh.options), hasCode('TOKEN_MALFORMED'));
    await assert.rejects(verifyChain(sign({ ...good, typ: 'JWT' }, canonicalJson(claims)), mesh.options), hasCode('TOKEN_MALFORMED'));
    await assert.rejects(verifyChain(sign(good, JSON.stringify(claims, null, 1)), mesh.options), hasCode('TOKEN_MALFORMED'));
    await assert.rejects(verifyChain(sign(good, `\uFEFF${canonicalJson(claims)}`), mesh.options), hasCode('TOKEN_MALFORMED'));
    await assert.rejects(verifyChain(sign({ ...good, kid: alice.kid }, canonicalJson(claims)), mesh.options), hasCode('SIGNATURE_INVALID'));
    await assert.rejects(verifyChain(sign(good, canonicalJson({ ...claims, extra: 1 })), mesh.options), hasCode('CLAIM_INVALID'));
    await assert.rejects(verifyChain(sign(good, canonicalJson({ ...claims, att: [{ ...TRANSFER, when: 'always' }] })), mesh.options), hasCode('CLAIM_INVALID'));
    await assert.rejects(verifyChain(sign({ ...good, kid: 'mallory#x' }, canonicalJson(claims)), mesh.options), hasCode('KEY_UNKNOWN'));
  });

  test('garbage, empty links and oversized tokens are refused before decoding', async () => {
    const mesh = await newCapMesh();
    const root = buildChain(mesh, ['alice']);
    for (const bad of ['', 'a.b', 'a.b.c.d', `${root}~`, `~${root}`, 'x'.repeat(100), '%%.%%.%%']) {
      await assert.rejects(verifyChain(bad, mesh.options), hasCode('TOKEN_MALFORMED'), JSON.stringify(bad.slice(0, 20)));
    }
    await assert.rejects(verifyChain(42, mesh.options), hasCode('TOKEN_MALFORMED'));
    await assert.rejects(verifyChain('a'.repeat(MAX_CHAIN_LENGTH + 1), mesh.options), hasCode('TOKEN_TOO_LARGE'));
    await assert.rejects(verifyChain(`${'a'.repeat(16 * 1024 + 1)}`, mesh.options), hasCode('TOKEN_TOO_LARGE'));
    await assert.rejects(verifyChain(Array.from({ length: 9 }, () => 'a').join('~'), mesh.options), hasCode('CHAIN_TOO_DEEP'));
  });
});
