import { randomBytes } from 'node:crypto';

/** A 128-bit random identifier, base64url: for envelope `jti`s and action ids. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/** Agent, role, tool and namespace names: a letter or digit first, then letters, digits, `_ - . /`. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,127}$/;

export function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME_PATTERN.test(value);
}
