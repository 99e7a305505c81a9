import { sign, verify, type KeyObject } from 'node:crypto';
import { MassError, type MassErrorCode } from '../core/errors.js';
import { canonicalJson } from '../core/json.js';

/**
 * JWS compact serialization (RFC 7515 §7.1) with EdDSA over Ed25519 (RFC 8037), on node:crypto's
 * synchronous Ed25519. (jose 6 runs EdDSA through WebCrypto's thread pool, which costs more than
 * the signature itself; the tests cross-check these bytes against jose both ways.)
 *
 * One parser for every compact JWS MASS reads — envelopes, capability links, proofs of
 * possession — so that one byte string has one meaning whichever verifier reads it.
 */

export type JwsHeader = Readonly<Record<string, string>>;

/** `BASE64URL(header) . BASE64URL(payload) . BASE64URL(signature)` */
export function signCompactEdDsa(header: JwsHeader, payload: Uint8Array, privateKey: KeyObject): string {
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Checks an Ed25519 signature over the JWS signing input (`<header part>.<payload part>`). */
export function verifyEdDsaSignature(headerPart: string, payloadPart: string, signature: Uint8Array, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(`${headerPart}.${payloadPart}`, 'ascii'), publicKey, signature);
  } catch {
    return false;
  }
}

/** What one kind of token expects of its JWS, and the codes its faults are reported with. */
export interface JwsProfile {
  /** The header's `typ`, exactly. */
  readonly typ: string;
  /** Longest compact serialization accepted; checked before anything is split or decoded. */
  readonly maxLength: number;
  /** Code of a structural fault (segments, base64url, JSON, header shape). */
  readonly malformed: MassErrorCode;
  /** Code of a token longer than `maxLength`. */
  readonly tooLarge: MassErrorCode;
  /** Code of a payload that is JSON but not an object, or not plain JSON. */
  readonly claimInvalid: MassErrorCode;
  /** How messages name the token (`envelope`, `link 2`, `proof`). */
  readonly what: string;
}

/** A compact JWS whose structure, algorithm and header were checked; its signature and claims not yet. */
export interface ParsedJws {
  readonly compact: string;
  readonly headerPart: string;
  readonly payloadPart: string;
  /** The header was exactly `{alg: "EdDSA", typ, kid}`. */
  readonly kid: string;
  readonly payload: Uint8Array;
  /** 64 bytes. */
  readonly signature: Uint8Array;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;
const HEADER_KEYS: ReadonlySet<string> = new Set(['alg', 'typ', 'kid']);
const MAX_KID_LENGTH = 256;
// ignoreBOM: the decoder keeps a leading U+FEFF instead of dropping it silently; decodeJsonObject
// refuses it explicitly, so that a token with and without a BOM are not two spellings of one token.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function fail(code: MassErrorCode, message: string, cause?: unknown): MassError {
  return new MassError(code, message, cause === undefined ? undefined : { cause });
}

/** Decodes one base64url segment, refusing padding, stray characters and non-canonical trailing bits. */
function decodeSegment(segment: string, what: string, profile: JwsProfile): Buffer {
  if (!SEGMENT.test(segment)) throw fail(profile.malformed, `${what} is not base64url`);
  const bytes = Buffer.from(segment, 'base64url');
  if (bytes.toString('base64url') !== segment) throw fail(profile.malformed, `${what} is not canonical base64url`);
  return bytes;
}

/**
 * ATTACKER-CONTROLLED bytes (a header or payload segment, bounded by the profile's maxLength) to a
 * JSON object: strict UTF-8, no byte-order mark, JSON, an object.
 */
function decodeJsonObject(bytes: Uint8Array, what: string, profile: JwsProfile, notObject: MassErrorCode): { text: string; value: Record<string, unknown> } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) throw fail(profile.malformed, `${what} starts with a byte-order mark`);
  let text: string;
  let value: unknown;
  try {
    text = decoder.decode(bytes);
    value = JSON.parse(text);
  } catch (error) {
    throw fail(profile.malformed, `${what} is not JSON`, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(notObject, `${what} must be a JSON object`);
  return { text, value: value as Record<string, unknown> };
}

/**
 * Structure and algorithm of a compact JWS, the first two steps of the jose order. `compact` is
 * ATTACKER-CONTROLLED: its type and length are checked before it is split; every segment must be
 * canonical base64url; the algorithm must be EdDSA (checked before the signature length, so that
 * `alg: none` and HS256 are reported as ALG_NOT_ALLOWED); the header must be exactly
 * `{alg, typ, kid}` with the profile's `typ` — no embedded key (`jwk`, `x5c`), no `jku`, no `crit`.
 */
export function parseCompactJws(compact: unknown, profile: JwsProfile): ParsedJws {
  const { what } = profile;
  if (typeof compact !== 'string') throw fail(profile.malformed, `${what} must be a string`);
  if (compact.length > profile.maxLength) throw fail(profile.tooLarge, `${what} is longer than ${profile.maxLength} characters`);
  const parts = compact.split('.');
  if (parts.length !== 3) throw fail(profile.malformed, `${what} must have three dot-separated parts`);
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonObject(decodeSegment(headerPart, `${what} header`, profile), `${what} header`, profile, profile.malformed).value;
  const payload = decodeSegment(payloadPart, `${what} payload`, profile);
  const signature = decodeSegment(signaturePart, `${what} signature`, profile);
  if (header.alg !== 'EdDSA') throw fail('ALG_NOT_ALLOWED', `${what}: algorithm ${JSON.stringify(header.alg)} is not allowed (EdDSA only)`);
  if (signature.length !== 64) throw fail('SIGNATURE_INVALID', `${what}: signature must be 64 bytes`);
  for (const key of Object.keys(header)) {
    if (!HEADER_KEYS.has(key)) throw fail(profile.malformed, `${what}: header parameter "${key}" is not allowed`);
  }
  if (header.typ !== profile.typ) throw fail(profile.malformed, `${what}: header typ must be "${profile.typ}"`);
  const kid = header.kid;
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)
    throw fail(profile.malformed, `${what}: header kid must be a string of 1 to ${MAX_KID_LENGTH} characters`);
  return { compact, headerPart, payloadPart, kid, payload, signature };
}

/**
 * A JWS payload (ATTACKER-CONTROLLED even when signed: any registered agent can sign anything) as
 * the JSON object it encodes, which must be in RFC 8785 canonical form: strict UTF-8, no
 * byte-order mark, no whitespace, sorted keys, no duplicate keys. The caller checks the claims.
 */
export function parseCanonicalPayload(payload: Uint8Array, profile: JwsProfile): Record<string, unknown> {
  const what = `${profile.what} payload`;
  const { text, value } = decodeJsonObject(payload, what, profile, profile.claimInvalid);
  let canonical: string;
  try {
    canonical = canonicalJson(value);
  } catch (error) {
    throw fail(profile.claimInvalid, `${what} is not plain JSON`, error);
  }
  if (canonical !== text) throw fail(profile.malformed, `${what} is not RFC 8785 canonical JSON`);
  return value;
}
