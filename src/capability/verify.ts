import type { KeyObject } from 'node:crypto';
import { unixSeconds, type Clock } from '../core/clock.js';
import { constantTimeEqual } from '../core/hash.js';
import { verifyEdDsaSignature } from '../identity/jws.js';
import type { Ed25519PublicJwk } from '../core/jwk.js';
import type { ResolvedKey } from '../identity/registry.js';
import type { AgentRecord, Revocation } from '../store/store.js';
import { firstExceeding } from './attenuate.js';
import type { Capability } from './capability.js';
import { checkMaxDepth, splitChain } from './chain.js';
import { fail, linkHash, parseLink, parseLinkClaims, type LinkClaims, type ParsedLink } from './link.js';
import type { LinkMemory } from './memory.js';
import { OWNER_PRINCIPAL, ownerKeyFromJwk } from './owner.js';

/** What the verifier needs of the agent registry (AgentRegistry provides it). Status is read fresh. */
export interface ChainRegistry {
  resolve(kid: string): Promise<ResolvedKey | undefined>;
  get(id: string): Promise<AgentRecord | undefined>;
}

/** What the verifier needs of the revocation table (Store.revocations provides it). */
export interface TokenRevocations {
  get(kind: 'token', id: string): Promise<Revocation | undefined>;
}

export interface VerifyChainOptions {
  readonly registry: ChainRegistry;
  /** The mesh owner's public key: the only key a root link may be signed with. */
  readonly ownerPublicKey: Ed25519PublicJwk;
  readonly revocations: TokenRevocations;
  readonly clock: Clock;
  /** Maximum number of links (default 8, at most 32). */
  readonly maxDepth?: number;
  /** If given, the holder (last audience) must be this agent. */
  readonly audience?: string;
  /** Tolerated clock difference for nbf/exp, in seconds (default 0). */
  readonly clockSkewSeconds?: number;
  /** If given, a link id seen before on different bytes is refused across chains (LINK_REPLAYED). */
  readonly links?: LinkMemory;
}

export interface VerifiedLink {
  readonly iss: string;
  readonly aud: string;
  readonly jti: string;
  readonly nbf: number;
  readonly exp: number;
}

export interface VerifiedChain {
  /** Root first. */
  readonly links: readonly VerifiedLink[];
  /** The effective capabilities: the last link's, each within its parents' all the way to the root. */
  readonly capabilities: readonly Capability[];
  /** The agent the chain authorizes (the last audience). */
  readonly holder: string;
  /** Principals from the owner to the holder: [OWNER_PRINCIPAL, aud of link 0, aud of link 1, …]. */
  readonly path: readonly string[];
  /** When the chain stops being valid (NumericDate seconds): the last link's exp. */
  readonly expiresAt: number;
}

/** Who signed a link: the owner key or a registered agent's key (with its record as it is now). */
type Signer = { readonly owner: true; readonly id: string } | { readonly owner: false; readonly id: string; readonly agent: AgentRecord };

interface CheckedLink {
  readonly parsed: ParsedLink;
  readonly claims: LinkClaims;
  readonly signer: Signer;
  readonly hash: string;
}

/**
 * Verifies a capability chain and returns its effective capabilities, or throws a MassError.
 * `chain` is attacker-controlled. The checklist, in order:
 *
 *  1. Bounds: type, total length, number of links — before any link is split or decoded.
 *  2. Each link in the jose order: structure → algorithm → key → signature → claims (incl. the
 *     signer being the link's `iss`, and the validity window at `now`).
 *  3. Chain rules: no link twice; the root comes from the owner; each later link names its parent
 *     by hash, is issued by the parent's audience, sits one level deeper, lives inside the
 *     parent's window and grants only what the parent grants.
 *  4. Status, read fresh: no link revoked, no agent of the chain revoked, quarantined or unknown.
 *  5. Audience, then link memory (last, so that only valid chains are remembered).
 */
export async function verifyChain(chain: unknown, options: VerifyChainOptions): Promise<VerifiedChain> {
  const maxDepth = checkMaxDepth(options.maxDepth);
  const skew = options.clockSkewSeconds ?? 0;
  if (!Number.isSafeInteger(skew) || skew < 0) throw new TypeError('clockSkewSeconds must be a non-negative integer');
  const owner = ownerKeyFromJwk(options.ownerPublicKey);
  const now = unixSeconds(options.clock);

  // 1. Bounds.
  const compacts = splitChain(chain, maxDepth);

  // 2. Every link on its own.
  const links: CheckedLink[] = [];
  for (let i = 0; i < compacts.length; i++) links.push(await checkLink(compacts[i] as string, i, owner, options.registry, now, skew));

  // 3. Chain rules.
  const hashes = new Set<string>();
  const jtis = new Set<string>();
  for (let i = 0; i < links.length; i++) {
    const link = links[i] as CheckedLink;
    const { claims } = link;
    if (hashes.has(link.hash) || jtis.has(claims.jti)) throw fail('LINK_REPLAYED', `link ${i} appears earlier in the chain`);
    hashes.add(link.hash);
    jtis.add(claims.jti);
    const parent = links[i - 1];
    if (parent === undefined) {
      if (claims.prf !== null) throw fail('CHAIN_SPLICED', 'the chain does not start with a root link');
      if (!link.signer.owner || claims.iss !== OWNER_PRINCIPAL) throw fail('DELEGATOR_SPOOFED', 'the root link is not issued by the mesh owner');
      if (claims.dep !== 0) throw fail('CLAIM_INVALID', 'the root link must have dep 0');
      continue;
    }
    if (claims.prf === null || !constantTimeEqual(claims.prf, parent.hash)) throw fail('CHAIN_SPLICED', `link ${i} was not issued under link ${i - 1}`);
    if (claims.iss !== parent.claims.aud)
      throw fail('DELEGATOR_SPOOFED', `link ${i} is issued by "${claims.iss}", but link ${i - 1} was granted to "${parent.claims.aud}"`);
    if (claims.dep !== parent.claims.dep + 1) throw fail('CLAIM_INVALID', `link ${i} must have dep ${parent.claims.dep + 1}`);
    if (claims.nbf < parent.claims.nbf || claims.exp > parent.claims.exp) throw fail('CLAIM_INVALID', `link ${i} is valid outside the window of link ${i - 1}`);
    const exceeding = firstExceeding(claims.att, parent.claims.att);
    if (exceeding !== -1) throw fail('CAPABILITY_EXCEEDED', `link ${i}: capability ${exceeding} is not within any capability of link ${i - 1}`);
  }

  // 4. Status, as it is now: revocation takes effect at the next verification.
  for (const { claims } of links) {
    if ((await options.revocations.get('token', claims.jti)) !== undefined) throw fail('TOKEN_REVOKED', `link ${claims.jti} is revoked`);
  }
  const last = links[links.length - 1] as CheckedLink;
  const holder = await options.registry.get(last.claims.aud);
  if (holder === undefined) throw fail('AGENT_UNKNOWN', `agent "${last.claims.aud}" is not registered`);
  for (const agent of [...links.flatMap((l) => (l.signer.owner ? [] : [l.signer.agent])), holder]) {
    if (agent.status === 'revoked') throw fail('AGENT_REVOKED', `agent "${agent.id}" in the chain is revoked`);
    if (agent.status === 'quarantined') throw fail('AGENT_QUARANTINED', `agent "${agent.id}" in the chain is quarantined`);
  }

  // 5. Audience and link memory.
  if (options.audience !== undefined && !constantTimeEqual(last.claims.aud, options.audience)) {
    throw fail('AUDIENCE_MISMATCH', `the chain is held by "${last.claims.aud}", not "${options.audience}"`);
  }
  if (options.links !== undefined) {
    for (const { claims, hash } of links) {
      if (!(await options.links.remember(claims.jti, hash, (claims.exp + skew) * 1000, options.clock.now()))) {
        throw fail('LINK_REPLAYED', `link id ${claims.jti} was seen before on a different link`);
      }
    }
  }

  return {
    links: links.map(({ claims: c }) => ({ iss: c.iss, aud: c.aud, jti: c.jti, nbf: c.nbf, exp: c.exp })),
    capabilities: last.claims.att,
    holder: last.claims.aud,
    path: [OWNER_PRINCIPAL, ...links.map((l) => l.claims.aud)],
    expiresAt: last.claims.exp,
  };
}

/** Step 2 for one link: structure → algorithm → key → signature → claims. */
async function checkLink(
  compact: string,
  index: number,
  owner: { kid: string; publicKey: KeyObject },
  registry: ChainRegistry,
  now: number,
  skew: number,
): Promise<CheckedLink> {
  // 2a–b. Structure and algorithm (bounded; see parseLink).
  const parsed = parseLink(compact, index);

  // 2c. Key: the owner's, or a registered agent's (whatever its status: that is step 4).
  let signer: Signer;
  let publicKey: KeyObject;
  if (parsed.header.kid === owner.kid) {
    signer = { owner: true, id: OWNER_PRINCIPAL };
    publicKey = owner.publicKey;
  } else {
    const resolved = await registry.resolve(parsed.header.kid);
    if (resolved === undefined) throw fail('KEY_UNKNOWN', `link ${index}: the signing key is not registered`);
    signer = { owner: false, id: resolved.agent.id, agent: resolved.agent };
    publicKey = resolved.publicKey;
  }

  // 2d. Signature over the exact bytes received.
  if (!verifyEdDsaSignature(parsed.headerPart, parsed.payloadPart, parsed.signature, publicKey)) {
    throw fail('SIGNATURE_INVALID', `link ${index}: signature does not verify`);
  }

  // 2e. Claims: shape, the signer is the issuer (no impersonation), the validity window.
  const claims = parseLinkClaims(parsed.payload, index);
  if (claims.iss !== signer.id) throw fail('DELEGATOR_SPOOFED', `link ${index} claims issuer "${claims.iss}" but is signed by the key of "${signer.id}"`);
  if (claims.nbf > now + skew) throw fail('TOKEN_NOT_YET_VALID', `link ${index} is not valid yet`);
  if (claims.exp <= now - skew) throw fail('TOKEN_EXPIRED', `link ${index} has expired`);
  return { parsed, claims, signer, hash: linkHash(compact) };
}
