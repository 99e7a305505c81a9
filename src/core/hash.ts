import { createHash, timingSafeEqual } from 'node:crypto';
import { canonicalBytes } from './json.js';

export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** base64url (no padding) SHA-256 of the RFC 8785 canonical form of `value`. */
export function hashJson(value: unknown): string {
  return Buffer.from(sha256(canonicalBytes(value))).toString('base64url');
}

/** Constant-time equality of two strings or byte arrays (length is not secret). */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (x.length !== y.length) return false;
  return timingSafeEqual(x, y);
}
