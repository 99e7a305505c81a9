import { MassError, type MassErrorCode } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { isName } from '../core/ids.js';
import { canonicalBytes } from '../core/json.js';
import { parseCanonicalPayload, parseCompactJws, signCompactEdDsa, type JwsProfile } from '../identity/jws.js';
import type { SigningKey } from '../identity/keys.js';
import { parseCapabilities, type Capability } from './capability.js';
import { OWNER_PRINCIPAL } from './owner.js';

/**
 * One link of a capability chain: a JWS (RFC 7515 compact serialization, EdDSA per RFC 8037),
 * header exactly `{alg: "EdDSA", typ: "mass-cap+jws", kid}`, payload the RFC 8785 canonical JSON
 * of `LinkClaims`. The root link is signed by the mesh owner; every later link by the previous
 * link's audience, and names its parent by `prf`, the SHA-256 of the parent's compact JWS.
 */
export const CAPABILITY_TOKEN_TYPE = 'mass-cap+jws';
export const CAPABILITY_TOKEN_VERSION = 1;
/** A link longer than this is refused before any decoding. */
export const MAX_LINK_LENGTH = 16 * 1024;

export interface LinkClaims {
  readonly v: 1;
  /** The delegator: OWNER_PRINCIPAL for the root, else an agent id. */
  readonly iss: string;
  /** The agent receiving the capabilities. */
  readonly aud: string;
  readonly att: readonly Capability[];
  /** Validity window, NumericDate seconds: valid while nbf ≤ now < exp. */
  readonly nbf: number;
  readonly exp: number;
  /** base64url SHA-256 of the parent link's compact JWS; null for the root. */
  readonly prf: string | null;
  /** Position in the chain: 0 for the root, parent's dep + 1 after. */
  readonly dep: number;
  readonly jti: string;
}

export interface LinkHeader {
  readonly alg: 'EdDSA';
  readonly typ: typeof CAPABILITY_TOKEN_TYPE;
  readonly kid: string;
}

/** A link whose structure and header were checked; its signature and claims not yet. */
export interface ParsedLink {
  readonly compact: string;
  readonly headerPart: string;
  readonly payloadPart: string;
  readonly header: LinkHeader;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
}

export function fail(code: MassErrorCode, message: string, cause?: unknown): MassError {
  return new MassError(code, message, cause === undefined ? undefined : { cause });
}

/** Signs a link. The claims are assumed valid (issue.ts builds them); canonical JSON is what is signed. */
export function signLink(key: SigningKey, claims: LinkClaims): string {
  return signCompactEdDsa({ alg: 'EdDSA', typ: CAPABILITY_TOKEN_TYPE, kid: key.kid }, canonicalBytes(claims), key.privateKey);
}

/** `prf` of a link's children: base64url SHA-256 of the link's compact JWS (ASCII). */
export function linkHash(compact: string): string {
  return Buffer.from(sha256(Buffer.from(compact, 'ascii'))).toString('base64url');
}

/** How link `index` is read by the shared JWS parser (identity/jws.ts). */
function linkProfile(index: number): JwsProfile {
  return {
    typ: CAPABILITY_TOKEN_TYPE,
    maxLength: MAX_LINK_LENGTH,
    malformed: 'TOKEN_MALFORMED',
    tooLarge: 'TOKEN_TOO_LARGE',
    claimInvalid: 'CLAIM_INVALID',
    what: `link ${index}`,
  };
}

/**
 * Steps 1–2 of link verification: structure and algorithm. `compact` is attacker-controlled: the
 * shared parser bounds its length before anything is decoded, requires canonical base64url
 * segments and a header of exactly {alg: EdDSA, typ, kid} — no embedded keys, no `crit`.
 */
export function parseLink(compact: string, index: number): ParsedLink {
  const { headerPart, payloadPart, kid, payload, signature } = parseCompactJws(compact, linkProfile(index));
  return { compact, headerPart, payloadPart, header: { alg: 'EdDSA', typ: CAPABILITY_TOKEN_TYPE, kid }, payload, signature };
}

const CLAIM_KEYS = ['v', 'iss', 'aud', 'att', 'nbf', 'exp', 'prf', 'dep', 'jti'];
const HASH = /^[A-Za-z0-9_-]{43}$/;
const JTI = /^[A-Za-z0-9_-]{1,128}$/;
/** Deeper than any chain MASS accepts; bounds `dep` independently of the verifier's limit. */
const MAX_DEP = 64;

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Step 5 of link verification: the claims, after the signature verified (or, when delegating,
 * as a local check of a chain one holds). The payload is attacker-controlled even when signed
 * (any registered agent can sign anything): it must be canonical JSON with exactly the claim set
 * above, every value type-checked and bounded; capabilities are validated strictly.
 */
export function parseLinkClaims(payload: Uint8Array, index: number): LinkClaims {
  const what = `link ${index}`;
  const c = parseCanonicalPayload(payload, linkProfile(index));
  const keys = Object.keys(c);
  for (const key of keys) if (!CLAIM_KEYS.includes(key)) throw fail('CLAIM_INVALID', `${what}: unknown claim "${key}"`);
  for (const key of CLAIM_KEYS) if (!Object.hasOwn(c, key)) throw fail('CLAIM_INVALID', `${what}: missing claim "${key}"`);
  if (c.v !== CAPABILITY_TOKEN_VERSION) throw fail('CLAIM_INVALID', `${what}: unsupported token version ${JSON.stringify(c.v)}`);
  if (c.iss !== OWNER_PRINCIPAL && !isName(c.iss)) throw fail('CLAIM_INVALID', `${what}: iss must be "${OWNER_PRINCIPAL}" or an agent id`);
  if (!isName(c.aud)) throw fail('CLAIM_INVALID', `${what}: aud must be an agent id`);
  if (!isNumericDate(c.nbf) || !isNumericDate(c.exp)) throw fail('CLAIM_INVALID', `${what}: nbf and exp must be NumericDates`);
  if (c.nbf >= c.exp) throw fail('CLAIM_INVALID', `${what}: nbf must be before exp`);
  if (c.prf !== null && (typeof c.prf !== 'string' || !HASH.test(c.prf))) throw fail('CLAIM_INVALID', `${what}: prf must be null or a base64url SHA-256`);
  if (typeof c.dep !== 'number' || !Number.isSafeInteger(c.dep) || c.dep < 0 || c.dep > MAX_DEP)
    throw fail('CLAIM_INVALID', `${what}: dep must be an integer from 0 to ${MAX_DEP}`);
  if (typeof c.jti !== 'string' || !JTI.test(c.jti)) throw fail('CLAIM_INVALID', `${what}: jti must be 1 to 128 base64url characters`);
  let att: Capability[];
  try {
    att = parseCapabilities(c.att, `${what} att`);
  } catch (error) {
    throw fail('CLAIM_INVALID', error instanceof Error ? error.message : `${what}: att is invalid`, error);
  }
  return { v: CAPABILITY_TOKEN_VERSION, iss: c.iss, aud: c.aud, att, nbf: c.nbf, exp: c.exp, prf: c.prf, dep: c.dep, jti: c.jti };
}
