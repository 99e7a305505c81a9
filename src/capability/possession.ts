import { unixSeconds, systemClock, type Clock } from '../core/clock.js';
import { MassError, type MassErrorCode } from '../core/errors.js';
import { constantTimeEqual, sha256 } from '../core/hash.js';
import { randomId } from '../core/ids.js';
import { canonicalBytes } from '../core/json.js';
import { parseCanonicalPayload, parseCompactJws, signCompactEdDsa, verifyEdDsaSignature, type JwsProfile } from '../identity/jws.js';
import type { SigningKey } from '../identity/keys.js';
import type { KeyResolver } from '../identity/registry.js';
import type { AgentRecord } from '../store/store.js';

/**
 * Proof of possession for a capability chain presented over HTTP (the idea of DPoP, RFC 9449,
 * with keys from the registry instead of the proof). A chain names its holder but is not a secret:
 * every agent along it holds the same string. So a request that acts under a chain also carries a
 * proof, signed by the holder's registered key and bound to that one request:
 *
 *   header  {alg: "EdDSA", typ: "mass-pop+jws", kid: <the holder's kid>}   (no `jwk`, no `jku`)
 *   payload the RFC 8785 canonical JSON of {ath, htm, htu, iat, jti}:
 *           htm the HTTP method, htu the URL without query and fragment, iat the time (seconds),
 *           jti a fresh id (accepted once), ath the base64url SHA-256 of the chain (ASCII).
 *
 * Sent as `Authorization: DPoP <chain>` and `DPoP: <proof>`.
 */
export const POSSESSION_PROOF_TYPE = 'mass-pop+jws';
/** A proof longer than this is refused before any decoding. */
export const MAX_PROOF_LENGTH = 8 * 1024;
/** Longest `htu` a proof may carry. */
export const MAX_PROOF_URL_LENGTH = 2048;

export interface PossessionClaims {
  readonly ath: string;
  readonly htm: string;
  readonly htu: string;
  readonly iat: number;
  readonly jti: string;
}

export interface PossessionProofRequest {
  /** The HTTP method of the request, e.g. `POST`. */
  readonly method: string;
  /** The request URL; its query and fragment are not part of the proof. */
  readonly url: string | URL;
  /** The capability chain sent with it (compact serialization). */
  readonly chain: string;
  readonly clock?: Clock;
}

const PROFILE: JwsProfile = {
  typ: POSSESSION_PROOF_TYPE,
  maxLength: MAX_PROOF_LENGTH,
  malformed: 'PROOF_MALFORMED',
  tooLarge: 'PROOF_MALFORMED',
  claimInvalid: 'PROOF_MALFORMED',
  what: 'proof of possession',
};
const CLAIM_KEYS = ['ath', 'htm', 'htu', 'iat', 'jti'];
const METHOD = /^[A-Z]{1,16}$/;
const JTI = /^[A-Za-z0-9_-]{16,128}$/;
const HASH = /^[A-Za-z0-9_-]{43}$/;

function fail(code: MassErrorCode, message: string, cause?: unknown): MassError {
  return new MassError(code, message, cause === undefined ? undefined : { cause });
}

/** `ath`: base64url SHA-256 of the chain's ASCII bytes. */
export function chainThumbprint(chain: string): string {
  return Buffer.from(sha256(Buffer.from(chain, 'ascii'))).toString('base64url');
}

/**
 * The target URI a proof is bound to: scheme, host (lower case, default port dropped) and path,
 * without query and fragment (RFC 9449 §4.3). Undefined for anything but an absolute http(s) URL
 * without credentials.
 */
export function proofTarget(url: string | URL): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username !== '' || parsed.password !== '') return undefined;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** Signs a fresh proof for one request with the holder's key (the `kid` of its registry record). */
export function createPossessionProof(key: SigningKey, request: PossessionProofRequest): string {
  const htu = proofTarget(request.url);
  if (htu === undefined) throw new TypeError('url must be an absolute http(s) URL without credentials');
  if (htu.length > MAX_PROOF_URL_LENGTH) throw new TypeError(`url is longer than ${MAX_PROOF_URL_LENGTH} characters without its query`);
  const htm = request.method.toUpperCase();
  if (!METHOD.test(htm)) throw new TypeError('method must be an HTTP method name');
  const claims: PossessionClaims = { ath: chainThumbprint(request.chain), htm, htu, iat: unixSeconds(request.clock ?? systemClock), jti: randomId() };
  return signCompactEdDsa({ alg: 'EdDSA', typ: POSSESSION_PROOF_TYPE, kid: key.kid }, canonicalBytes(claims), key.privateKey);
}

/** Remembers proof ids; `remember` must be atomic across every process that shares it (Store.replay is). */
export interface ProofIdMemory {
  /** False if the id was seen and has not expired. */
  remember(id: string, expiresAt: number, now: number): Promise<boolean>;
}

export interface VerifyPossessionOptions {
  readonly keys: KeyResolver;
  readonly ids: ProofIdMemory;
  readonly clock: Clock;
  /** How far `iat` may be from now, either way (seconds). */
  readonly clockSkewSeconds: number;
}

/** The request the proof must match. */
export interface PossessionContext {
  /** The chain's verified holder (its last audience). */
  readonly holder: string;
  /** The chain as it was presented. */
  readonly chain: string;
  readonly method: string;
  readonly url: string | URL;
}

export interface VerifiedPossession {
  readonly claims: PossessionClaims;
  readonly agent: AgentRecord;
}

/**
 * Verifies a proof of possession for `context`, or throws a MassError. `proof` is
 * ATTACKER-CONTROLLED. The checklist, in order:
 *
 *  1–2. Structure and algorithm (identity/jws.ts): bounded, EdDSA, header exactly {alg, typ, kid}.
 *  3. Key, from the registry only: the kid must be the chain holder's, and the holder active.
 *  4. Signature over the exact bytes received.
 *  5. Claims: canonical JSON of exactly {ath, htm, htu, iat, jti}; htm and htu equal the request's
 *     method and URL (without query and fragment).
 *  6. Freshness: iat within the clock skew of now.
 *  7. Binding: ath is the hash of the presented chain.
 *  8. One use: the jti is remembered (per holder) for as long as the proof could be fresh.
 */
export async function verifyPossessionProof(proof: unknown, context: PossessionContext, options: VerifyPossessionOptions): Promise<VerifiedPossession> {
  const skew = options.clockSkewSeconds;
  if (!Number.isSafeInteger(skew) || skew < 0) throw new TypeError('clockSkewSeconds must be a non-negative integer');
  const target = proofTarget(context.url);
  if (target === undefined) throw new TypeError('the request URL must be an absolute http(s) URL');

  // 1–2.
  const parsed = parseCompactJws(proof, PROFILE);

  // 3.
  const resolved = await options.keys.resolve(parsed.kid);
  if (resolved === undefined) throw fail('KEY_UNKNOWN', 'the proof is signed with a key that is not registered');
  const agent = resolved.agent;
  if (agent.id !== context.holder)
    throw fail('PROOF_KEY_MISMATCH', `the proof is signed with the key of "${agent.id}", not of the chain's holder "${context.holder}"`);
  if (agent.status === 'revoked') throw fail('AGENT_REVOKED', `agent "${agent.id}" is revoked`);
  if (agent.status === 'quarantined') throw fail('AGENT_QUARANTINED', `agent "${agent.id}" is quarantined`);

  // 4.
  if (!verifyEdDsaSignature(parsed.headerPart, parsed.payloadPart, parsed.signature, resolved.publicKey))
    throw fail('SIGNATURE_INVALID', 'the proof signature does not verify');

  // 5.
  const claims = parseClaims(parsed.payload);
  if (claims.htm !== context.method) throw fail('PROOF_TARGET_MISMATCH', `the proof is for method ${claims.htm}, not ${context.method}`);
  if (proofTarget(claims.htu) !== claims.htu || !constantTimeEqual(claims.htu, target)) throw fail('PROOF_TARGET_MISMATCH', 'the proof is for another URL');

  // 6.
  const now = unixSeconds(options.clock);
  if (claims.iat > now + skew || claims.iat < now - skew) throw fail('PROOF_STALE', `the proof was made at ${claims.iat}, more than ${skew} s from now`);

  // 7.
  if (!constantTimeEqual(claims.ath, chainThumbprint(context.chain))) throw fail('PROOF_CHAIN_MISMATCH', 'the proof was made for another capability chain');
  // 8. Last, so that only a proof that holds in every other respect uses up its id. Remembered
  // until it can no longer be fresh; `:` cannot occur in an agent id, so these ids never meet an
  // envelope's (`<agent>/<jti>`) in a shared table.
  if (!(await options.ids.remember(`pop:${agent.id}/${claims.jti}`, (claims.iat + skew + 1) * 1000, options.clock.now()))) {
    throw fail('PROOF_REPLAYED', 'the proof id was already used');
  }

  return { claims, agent };
}

function parseClaims(payload: Uint8Array): PossessionClaims {
  const c = parseCanonicalPayload(payload, PROFILE);
  for (const key of Object.keys(c)) if (!CLAIM_KEYS.includes(key)) throw fail('PROOF_MALFORMED', `proof: unknown claim "${key}"`);
  for (const key of CLAIM_KEYS) if (!Object.hasOwn(c, key)) throw fail('PROOF_MALFORMED', `proof: missing claim "${key}"`);
  if (typeof c.htm !== 'string' || !METHOD.test(c.htm)) throw fail('PROOF_MALFORMED', 'proof: htm must be an HTTP method');
  if (typeof c.htu !== 'string' || c.htu.length > MAX_PROOF_URL_LENGTH)
    throw fail('PROOF_MALFORMED', `proof: htu must be a URL of at most ${MAX_PROOF_URL_LENGTH} characters`);
  if (typeof c.iat !== 'number' || !Number.isSafeInteger(c.iat) || c.iat < 0) throw fail('PROOF_MALFORMED', 'proof: iat must be a NumericDate');
  if (typeof c.jti !== 'string' || !JTI.test(c.jti)) throw fail('PROOF_MALFORMED', 'proof: jti must be 16 to 128 base64url characters');
  if (typeof c.ath !== 'string' || !HASH.test(c.ath)) throw fail('PROOF_MALFORMED', 'proof: ath must be a base64url SHA-256');
  return { ath: c.ath, htm: c.htm, htu: c.htu, iat: c.iat, jti: c.jti };
}
