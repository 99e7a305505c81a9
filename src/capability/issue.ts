import { systemClock, unixSeconds, type Clock } from '../core/clock.js';
import { randomId } from '../core/ids.js';
import { isName } from '../core/ids.js';
import type { SigningKey } from '../identity/keys.js';
import { firstExceeding } from './attenuate.js';
import { parseCapabilities } from './capability.js';
import { checkMaxDepth, joinChain, splitChain } from './chain.js';
import { CAPABILITY_TOKEN_VERSION, fail, linkHash, parseLink, parseLinkClaims, signLink, type LinkClaims } from './link.js';
import { OWNER_PRINCIPAL } from './owner.js';

/** Lifetime of a link when none is given. */
export const DEFAULT_TTL_SECONDS = 3600;
/** No link is issued for longer than this (30 days). */
export const MAX_TTL_SECONDS = 30 * 24 * 3600;

export interface IssueRootOptions {
  /** The agent receiving the capabilities. */
  readonly to: string;
  /** Capabilities (validated with parseCapabilities; a bad one is a TypeError). */
  readonly att: readonly unknown[];
  readonly ttlSeconds?: number;
  readonly clock?: Clock;
}

/** An agent's signing key together with the agent id it signs as. */
export interface AgentSigner extends SigningKey {
  readonly id: string;
}

export interface DelegateOptions {
  /** The delegating agent: must be the audience of the chain's last link. */
  readonly as: AgentSigner;
  /** The agent receiving the capabilities. */
  readonly to: string;
  /** Capabilities to delegate: each must be within one the delegator holds. */
  readonly att: readonly unknown[];
  /** Lifetime; the link never outlives its parent (exp is clamped to the parent's). */
  readonly ttlSeconds?: number;
  readonly clock?: Clock;
  readonly maxDepth?: number;
}

function checkTtl(ttl: number | undefined): number {
  const value = ttl ?? DEFAULT_TTL_SECONDS;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_TTL_SECONDS) throw new TypeError(`ttl must be an integer from 1 to ${MAX_TTL_SECONDS} seconds`);
  return value;
}

function checkAudience(to: string): void {
  if (!isName(to)) throw new TypeError(`to ${JSON.stringify(to)}: expected an agent id`);
}

/** Issues a root link (a chain of one) from the mesh owner to an agent. */
export function issueRoot(ownerKey: SigningKey, options: IssueRootOptions): string {
  if (!ownerKey.kid.startsWith(`${OWNER_PRINCIPAL}#`)) throw new TypeError(`the root must be signed by the mesh owner key (kid "${OWNER_PRINCIPAL}#…")`);
  checkAudience(options.to);
  const att = parseCapabilities(options.att);
  const ttl = checkTtl(options.ttlSeconds);
  const now = unixSeconds(options.clock ?? systemClock);
  const claims: LinkClaims = {
    v: CAPABILITY_TOKEN_VERSION,
    iss: OWNER_PRINCIPAL,
    aud: options.to,
    att,
    nbf: now,
    exp: now + ttl,
    prf: null,
    dep: 0,
    jti: randomId(),
  };
  return signLink(ownerKey, claims);
}

/**
 * Extends `chain` with a link from `as` to `to`. Refuses, before signing anything, to delegate
 * from an agent that does not hold the chain (DELEGATOR_SPOOFED), more than it holds
 * (CAPABILITY_EXCEEDED), past the depth limit (CHAIN_TOO_DEEP) or from an expired link
 * (TOKEN_EXPIRED). This is the delegator's local check of its own chain; the chain's signatures
 * and status are the verifier's business (`verifyChain`), which checks all of this again.
 */
export function delegate(chain: string, options: DelegateOptions): string {
  const { as } = options;
  if (!isName(as.id) || !as.kid.startsWith(`${as.id}#`)) throw new TypeError('as: expected an agent signing key with its agent id');
  checkAudience(options.to);
  const att = parseCapabilities(options.att);
  const ttl = checkTtl(options.ttlSeconds);
  const maxDepth = checkMaxDepth(options.maxDepth);

  // The chain is untrusted here too (it came from a file or a peer): bounded split, then the
  // last link's structure and claims.
  const links = splitChain(chain, maxDepth);
  if (links.length + 1 > maxDepth) throw fail('CHAIN_TOO_DEEP', `delegating would make a chain of ${links.length + 1} links; at most ${maxDepth} are accepted`);
  const index = links.length - 1;
  const parent = parseLink(links[index] as string, index);
  const held = parseLinkClaims(parent.payload, index);

  if (held.aud !== as.id) throw fail('DELEGATOR_SPOOFED', `the chain is held by "${held.aud}", not by "${as.id}"`);
  const exceeding = firstExceeding(att, held.att);
  if (exceeding !== -1) throw fail('CAPABILITY_EXCEEDED', `capability ${exceeding} is not within any capability "${as.id}" holds`);
  const now = unixSeconds(options.clock ?? systemClock);
  if (now >= held.exp) throw fail('TOKEN_EXPIRED', 'the chain has expired');
  const nbf = Math.max(now, held.nbf);
  const exp = Math.min(now + ttl, held.exp);
  if (nbf >= exp) throw fail('CLAIM_INVALID', 'the requested lifetime ends before the chain becomes valid');

  const claims: LinkClaims = {
    v: CAPABILITY_TOKEN_VERSION,
    iss: as.id,
    aud: options.to,
    att,
    nbf,
    exp,
    prf: linkHash(parent.compact),
    dep: held.dep + 1,
    jti: randomId(),
  };
  return joinChain([...links, signLink(as, claims)]);
}
