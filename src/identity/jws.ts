import { sign, verify, type KeyObject } from 'node:crypto';

/**
 * JWS compact serialization (RFC 7515 §7.1) with EdDSA over Ed25519 (RFC 8037), on node:crypto's
 * synchronous Ed25519. (jose 6 runs EdDSA through WebCrypto's thread pool, which costs more than
 * the signature itself; the tests cross-check these bytes against jose both ways.)
 */

export type JwsHeader = Readonly<Record<string, string>>;

/** `BASE64URL(header) . BASE64URL(payload) . BASE64URL(signature)` */
export function signCompactEdDsa(header: JwsHeader, payload: Uint8Array, privateKey: KeyObject): string {
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Checks an Ed25519 signature over the JWS signing input (`<header part>.<payload part>`). */
export function verifyEdDsaSignature(headerPart: string, payloadPart: string, signature: Uint8Array, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(`${headerPart}.${payloadPart}`, 'ascii'), publicKey, signature);
  } catch {
    return false;
  }
}
