// @peculiar/x509 resolves its algorithm providers through tsyringe, which needs the Reflect
// metadata polyfill loaded before the library itself.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, randomBytes, webcrypto } from 'node:crypto';

/**
 * The one place the CA touches @peculiar/x509's global set-up, plus small helpers shared by the CA
 * modules. Every call into the library also passes `crypto` explicitly, so nothing depends on which
 * provider another module may have installed.
 */

/** Node's WebCrypto, the provider every @peculiar/x509 call here is given. */
export const crypto: webcrypto.Crypto = webcrypto;
x509.cryptoProvider.set(crypto);

export { x509 };

/** WebCrypto's name for Ed25519 (supported by Node 20's webcrypto for sign/verify and PKCS#8 import). */
export const ED25519 = { name: 'Ed25519' } as const;

/**
 * Resource limits for parsing DER that did not come from this process: a certificate the CA issued
 * is under 1 KiB and 5 levels deep; these bounds leave room but cut off decompression-bomb-like or
 * deeply nested input before asn1js walks it.
 */
export const UNTRUSTED_PARSE_OPTIONS: x509.ParseOptions = {
  berOptions: { maxDepth: 24, maxNodes: 2_000, maxContentLength: 16 * 1024 },
};

/** Largest certificate (DER) accepted from a peer. */
export const MAX_CERTIFICATE_DER_BYTES = 16 * 1024;

/** Imports the CA's PKCS#8 DER private key as a non-extractable WebCrypto signing key. */
export function importSigningKey(pkcs8: Uint8Array): Promise<webcrypto.CryptoKey> {
  return crypto.subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
}

/**
 * A fresh certificate serial: 16 random bytes (CSPRNG) with the top bit cleared, so the DER INTEGER
 * is positive, and the next bit set, so it has no leading zero and always prints as 32 hex digits.
 * 126 random bits — well above the 64 that RFC 5280 / CA/B practice ask for.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}

const SERIAL_HEX = /^[0-9a-f]{1,40}$/;

/**
 * The canonical spelling of a serial number: lower-case hex, no separators, no leading zeros.
 * Accepts what people paste (`4A:3B:…`, `0x4a3b…`, `serial=4A3B…` from `openssl x509 -serial`).
 * Throws TypeError for anything that is not a positive serial of at most 20 bytes (RFC 5280).
 */
export function normalizeSerial(input: string): string {
  let hex = input.trim().toLowerCase();
  if (hex.startsWith('serial=')) hex = hex.slice('serial='.length);
  if (hex.startsWith('0x')) hex = hex.slice(2);
  hex = hex.replaceAll(':', '');
  if (!SERIAL_HEX.test(hex)) throw new TypeError('a certificate serial is 1 to 40 hexadecimal digits');
  hex = hex.replace(/^0+/, '');
  if (hex.length === 0) throw new TypeError('a certificate serial is a positive number');
  return hex;
}

/** The SHA-256 fingerprint of a DER certificate as `openssl x509 -fingerprint -sha256` prints it. */
export function fingerprintSha256(der: Uint8Array | ArrayBuffer): string {
  const digest = createHash('sha256').update(new Uint8Array(der)).digest('hex').toUpperCase();
  return digest.match(/../g)?.join(':') ?? '';
}

/**
 * PEM (RFC 7468) with the standard labels and a final newline: `CERTIFICATE`, and `X509 CRL` for
 * CRLs (@peculiar/x509 labels CRLs `CRL`, which OpenSSL does not read).
 */
export function toPem(label: 'CERTIFICATE' | 'X509 CRL', der: Uint8Array | ArrayBuffer): string {
  const lines =
    Buffer.from(new Uint8Array(der))
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
