import { isActionKind, type ActionKind } from '../core/actions.js';
import { unixSeconds, type Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import { constantTimeEqual, hashJson, sha256 } from '../core/hash.js';
import { randomId } from '../core/ids.js';
import { canonicalBytes } from '../core/json.js';
import { isPath, type Hop } from '../flow/hop.js';
import { isLabel, type Label } from '../flow/label.js';
import type { AgentRecord } from '../store/store.js';
import { parseCanonicalPayload, parseCompactJws, signCompactEdDsa, verifyEdDsaSignature, type JwsProfile } from './jws.js';
import type { SigningKey } from './keys.js';
import type { KeyResolver } from './registry.js';
import type { ReplayGuard } from './replay.js';

/**
 * Signed envelopes: a JWS (RFC 7515, compact serialization, EdDSA per RFC 8037) whose payload is
 * the RFC 8785 canonical JSON of the claims below. The body travels beside the JWS and is bound to
 * it by `bh`, the SHA-256 of the body's canonical JSON.
 */
export const ENVELOPE_TYPE = 'mass-envelope+jws';
export const ENVELOPE_VERSION = 1;
/** An envelope (header + claims + signature) longer than this is refused before any parsing. */
export const MAX_ENVELOPE_LENGTH = 16 * 1024;

export interface EnvelopeClaims {
  readonly v: 1;
  /** The signing agent. */
  readonly iss: string;
  /** What the envelope is addressed to, e.g. `agent:billing`, `tool:transfer`. */
  readonly aud: string;
  readonly act: ActionKind;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  /** base64url SHA-256 of the canonical body. */
  readonly bh: string;
  /** The label of the content, as the sender declares it (it can only be raised downstream). */
  readonly lbl?: Label;
  /** base64url SHA-256 of the capability chain the action relies on, binding the chain to it. */
  readonly cap?: string;
  /** The provenance path: the messages that led to this action. */
  readonly path?: readonly Hop[];
}

export interface EnvelopeRequest {
  readonly iss: string;
  readonly aud: string;
  readonly act: ActionKind;
  readonly body: unknown;
  readonly label?: Label;
  /** The capability chain (compact serialization) the action relies on; only its hash is signed in. */
  readonly capability?: string;
  readonly path?: readonly Hop[];
  /** Lifetime in seconds (default 60). */
  readonly ttlSeconds?: number;
}

export function signEnvelope(key: SigningKey, request: EnvelopeRequest, clock: Clock): Promise<string> {
  const iat = unixSeconds(clock);
  const claims: EnvelopeClaims = {
    v: ENVELOPE_VERSION,
    iss: request.iss,
    aud: request.aud,
    act: request.act,
    iat,
    exp: iat + (request.ttlSeconds ?? 60),
    jti: randomId(),
    bh: hashJson(request.body),
    ...(request.label === undefined ? {} : { lbl: request.label }),
    ...(request.capability === undefined ? {} : { cap: capabilityHash(request.capability) }),
    ...(request.path === undefined || request.path.length === 0 ? {} : { path: request.path }),
  };
  return Promise.resolve(signCompactEdDsa({ alg: 'EdDSA', typ: ENVELOPE_TYPE, kid: key.kid }, canonicalBytes(claims), key.privateKey));
}

export interface VerifyEnvelopeOptions {
  readonly keys: KeyResolver;
  readonly replay: ReplayGuard;
  readonly clock: Clock;
  /** The audience the verifier expects (`agent:billing` …). */
  readonly audience: string;
  /** The action kind the verifier expects. */
  readonly action: ActionKind;
  readonly clockSkewSeconds: number;
  readonly maxLifetimeSeconds: number;
}

export interface VerifiedEnvelope {
  readonly claims: EnvelopeClaims;
  readonly agent: AgentRecord;
}

/** How envelopes are read by the shared JWS parser (identity/jws.ts). */
const ENVELOPE_JWS: JwsProfile = {
  typ: ENVELOPE_TYPE,
  maxLength: MAX_ENVELOPE_LENGTH,
  malformed: 'ENVELOPE_MALFORMED',
  tooLarge: 'ENVELOPE_TOO_LARGE',
  claimInvalid: 'CLAIM_INVALID',
  what: 'envelope',
};

/**
 * Verifies an envelope and the body it carries, in the jose order: structure → algorithm
 * allow-list → key → signature → claims → replay. Returns the verified claims or throws a
 * MassError with a verification code. `jws` and `body` are attacker-controlled.
 */
export async function verifyEnvelope(jws: unknown, body: unknown, options: VerifyEnvelopeOptions): Promise<VerifiedEnvelope> {
  // 1–2. Structure (bounded size, three canonical base64url segments, a JSON object header) and
  // algorithm allow-list and header shape: EdDSA only, explicit type, no embedded keys or crit.
  const { headerPart, payloadPart, signature, kid, payload } = parseCompactJws(jws, ENVELOPE_JWS);

  // 3. Key: the registry names the key's owner; the kid must be known.
  const resolved = await options.keys.resolve(kid);
  if (resolved === undefined) throw fail('KEY_UNKNOWN', 'the signing key is not registered');

  // 4. Signature over the exact bytes received.
  if (!verifyEdDsaSignature(headerPart, payloadPart, signature, resolved.publicKey)) throw fail('SIGNATURE_INVALID', 'signature does not verify');

  // 5. Claims: canonical JSON of exactly the expected shape, issued by the key's owner.
  const claims = parseClaims(payload);
  if (claims.iss !== resolved.agent.id) throw fail('CLAIM_INVALID', 'iss does not name the owner of the signing key');
  if (resolved.agent.status === 'revoked') throw fail('AGENT_REVOKED', `agent "${claims.iss}" is revoked`);
  if (resolved.agent.status === 'quarantined') throw fail('AGENT_QUARANTINED', `agent "${claims.iss}" is quarantined`);
  if (!constantTimeEqual(claims.aud, options.audience)) throw fail('AUDIENCE_MISMATCH', `envelope is addressed to "${claims.aud}", not "${options.audience}"`);
  if (claims.act !== options.action) throw fail('CLAIM_INVALID', `envelope is for action "${claims.act}", not "${options.action}"`);
  const now = unixSeconds(options.clock);
  const skew = options.clockSkewSeconds;
  if (claims.iat > now + skew) throw fail('ENVELOPE_NOT_YET_VALID', 'envelope is dated in the future');
  if (claims.exp <= now - skew) throw fail('ENVELOPE_EXPIRED', 'envelope has expired');
  if (claims.exp <= claims.iat || claims.exp - claims.iat > options.maxLifetimeSeconds) {
    throw fail('CLAIM_INVALID', `envelope lifetime must be between 1 and ${options.maxLifetimeSeconds} seconds`);
  }
  let bodyHash: string;
  try {
    bodyHash = hashJson(body);
  } catch (error) {
    throw fail('BODY_HASH_MISMATCH', 'body is not plain JSON', error);
  }
  if (!constantTimeEqual(bodyHash, claims.bh)) throw fail('BODY_HASH_MISMATCH', 'body does not match the signed hash');

  // 6. Replay: last, so that only authentic envelopes consume an id.
  const fresh = await options.replay.remember(`${claims.iss}/${claims.jti}`, (claims.exp + skew) * 1000, options.clock.now());
  if (!fresh) throw fail('ENVELOPE_REPLAYED', 'envelope id was already used');
  return { claims, agent: resolved.agent };
}

function fail(code: ConstructorParameters<typeof MassError>[0], message: string, cause?: unknown): MassError {
  return new MassError(code, message, cause === undefined ? undefined : { cause });
}

const CLAIM_KEYS = new Set(['v', 'iss', 'aud', 'act', 'iat', 'exp', 'jti', 'bh', 'lbl', 'cap', 'path']);

function parseClaims(bytes: Uint8Array): EnvelopeClaims {
  const c = parseCanonicalPayload(bytes, ENVELOPE_JWS);
  for (const key of Object.keys(c)) if (!CLAIM_KEYS.has(key)) throw fail('CLAIM_INVALID', `unknown claim "${key}"`);
  if (c.v !== ENVELOPE_VERSION) throw fail('CLAIM_INVALID', `unsupported envelope version ${JSON.stringify(c.v)}`);
  for (const key of ['iss', 'aud', 'jti', 'bh'] as const) {
    const v = c[key];
    if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw fail('CLAIM_INVALID', `claim "${key}" must be a non-empty string`);
  }
  if (!isActionKind(c.act)) throw fail('CLAIM_INVALID', 'claim "act" is not an action kind');
  for (const key of ['iat', 'exp'] as const) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw fail('CLAIM_INVALID', `claim "${key}" must be a NumericDate`);
  }
  if (c.lbl !== undefined && !isLabel(c.lbl)) throw fail('CLAIM_INVALID', 'claim "lbl" is not a label');
  if (c.cap !== undefined && (typeof c.cap !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(c.cap)))
    throw fail('CLAIM_INVALID', 'claim "cap" is not a SHA-256 hash');
  if (c.path !== undefined && !isPath(c.path)) throw fail('CLAIM_INVALID', 'claim "path" is not a provenance path');
  return c as unknown as EnvelopeClaims;
}

/** The hash an envelope's `cap` claim carries for a capability chain. */
export function capabilityHash(chain: string): string {
  return Buffer.from(sha256(chain)).toString('base64url');
}
