import { createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { sha256 } from '../core/hash.js';
import { canonicalJson } from '../core/json.js';
import type { Ed25519PublicJwk } from '../core/jwk.js';

/** An Ed25519 private key with its key id, ready to sign. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

export interface GeneratedKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: Ed25519PublicJwk;
  readonly privatePkcs8: Uint8Array;
}

export function generateEd25519Key(): GeneratedKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    publicJwk: publicJwkOf(publicKey),
    privatePkcs8: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
  };
}

export function privateKeyFromPkcs8(der: Uint8Array): KeyObject {
  const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('stored key is not an Ed25519 private key');
  return key;
}

function publicJwkOf(publicKey: KeyObject): Ed25519PublicJwk {
  const jwk = publicKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x) };
}

/** Imports an Ed25519 public JWK; throws TypeError for anything else (other curves, private parts). */
export function publicKeyFromJwk(jwk: Ed25519PublicJwk): KeyObject {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(jwk.x) || 'd' in jwk) {
    throw new TypeError('expected an Ed25519 public JWK (kty OKP, crv Ed25519, x)');
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key. */
export function jwkThumbprint(jwk: Ed25519PublicJwk): string {
  const members = { crv: String(jwk.crv), kty: String(jwk.kty), x: String(jwk.x) };
  return Buffer.from(sha256(canonicalJson(members))).toString('base64url');
}

/** The key id MASS puts in envelope headers: `<owner>#<thumbprint>`. */
export function keyIdFor(owner: string, jwk: Ed25519PublicJwk): string {
  return `${owner}#${jwkThumbprint(jwk)}`;
}

/**
 * Raw Ed25519 verification (RFC 8032) of `signature` over `message` with a 32-byte public key.
 * Returns false for any malformed input. The same node:crypto primitive backs envelope verification.
 */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
