import { fail } from './link.js';

/**
 * The compact serialization of a capability chain: its links' compact JWSs joined by "~", root
 * first (`~` is outside the base64url and "." alphabet of a JWS, so the split is unambiguous).
 */
export const CHAIN_SEPARATOR = '~';
/** A whole chain longer than this is refused before it is split. */
export const MAX_CHAIN_LENGTH = 64 * 1024;
/** Default limit on the number of links (the chain's depth: a root alone has depth 1). */
export const DEFAULT_MAX_DEPTH = 8;
/** No verifier accepts more links than this, whatever it is configured with. */
export const MAX_DEPTH_LIMIT = 32;

export function joinChain(links: readonly string[]): string {
  return links.join(CHAIN_SEPARATOR);
}

/**
 * Splits a chain into its links. `chain` is attacker-controlled: its type and total length are
 * checked first, then the number of links is counted before any link is split out or decoded.
 * Per-link length is bounded by parseLink.
 */
export function splitChain(chain: unknown, maxDepth: number): string[] {
  if (typeof chain !== 'string') throw fail('TOKEN_MALFORMED', 'capability token must be a string');
  if (chain.length > MAX_CHAIN_LENGTH) throw fail('TOKEN_TOO_LARGE', `capability token is longer than ${MAX_CHAIN_LENGTH} characters`);
  if (chain.length === 0) throw fail('TOKEN_MALFORMED', 'capability token is empty');
  let links = 1;
  for (let i = chain.indexOf(CHAIN_SEPARATOR); i !== -1; i = chain.indexOf(CHAIN_SEPARATOR, i + 1)) links++;
  if (links > maxDepth) throw fail('CHAIN_TOO_DEEP', `chain has ${links} links; at most ${maxDepth} are accepted`);
  const parts = chain.split(CHAIN_SEPARATOR);
  if (parts.some((p) => p.length === 0)) throw fail('TOKEN_MALFORMED', 'capability token has an empty link');
  return parts;
}

/** Checks a caller-supplied depth limit (a caller mistake is a TypeError). */
export function checkMaxDepth(maxDepth: number | undefined): number {
  const value = maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_DEPTH_LIMIT) throw new TypeError(`maxDepth must be an integer from 1 to ${MAX_DEPTH_LIMIT}`);
  return value;
}
