import { randomBytes } from 'node:crypto';

/**
 * A 128-bit random identifier, base64url: for envelope `jti`s, capability link ids and action ids.
 * It starts with a letter or digit: ids are typed on command lines (`mass cap revoke JTI`,
 * `mass log trace ID`), where a leading `-` reads as an option. Drawn again when it would not (1 in
 * 32 draws), so every id is uniform over the ids that qualify.
 */
export function randomId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    const first = id.charCodeAt(0);
    if (first !== 0x2d && first !== 0x5f) return id; // not '-' or '_'
  }
}

/** Agent, role, tool and namespace names: a letter or digit first, then letters, digits, `_ - . /`. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,127}$/;

export function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME_PATTERN.test(value);
}
