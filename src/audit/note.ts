import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { MassError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';
import { ed25519Verify } from '../identity/keys.js';

/**
 * C2SP signed notes (https://c2sp.org/signed-note), Ed25519 only (signature type 0x01), with the
 * behaviour of the reference implementation golang.org/x/mod/sumdb/note where the spec leaves room:
 *
 *     <text ending in "\n">
 *     <blank line>
 *     — <key name> <base64(4-byte big-endian key ID || Ed25519 signature over the text)>\n   (one or more)
 *
 * key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4].
 * A verifier key is written `<name>+<key ID as 8 hex digits>+<base64(0x01 || public key)>`.
 *
 * Stricter than the Go package in two places, both fail-closed: base64 must be canonical (no
 * non-zero padding bits), and every signature line of a known key is verified, duplicates included.
 */

/** Upper bound on the size of a whole note, in UTF-8 bytes. */
export const MAX_NOTE_BYTES = 1024 * 1024;
/** Upper bound on the number of signature lines (the spec asks verifiers to accept at least 16; Go caps at 100). */
export const MAX_NOTE_SIGNATURES = 100;

/** Signature type identifier byte of Ed25519 in C2SP signed-note. */
const ALG_ED25519 = 0x01;
const SIG_PREFIX = '\u2014 '; // EM DASH, SPACE
const SIG_LENGTH = 64;
const BASE64_STD = /^[A-Za-z0-9+/]*={0,2}$/;

/** A key that may sign notes: the name written on its signature lines and an Ed25519 key pair. */
export interface NoteSigner {
  readonly name: string;
  readonly privateKey: KeyObject;
  /** The raw 32-byte Ed25519 public key matching `privateKey`. */
  readonly publicKey: Uint8Array;
}

/** A trusted key: signature lines with this name and the key ID of this key are verified with it. */
export interface NoteVerifier {
  readonly name: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/** A verifier key parsed from its `<name>+<hash>+<key>` text form. */
export interface ParsedVerifierKey extends NoteVerifier {
  /** The key ID (uint32), already checked against name and key. */
  readonly keyHash: number;
}

export interface OpenedNote {
  /** The signed text, including its final newline. */
  readonly body: string;
  /** Names of the known keys whose signatures verified, in order of first appearance, without duplicates. */
  readonly verifiedBy: readonly string[];
}

/**
 * Key names: non-empty, no Unicode white space (Go's unicode.IsSpace is exactly White_Space), no '+'.
 * Also well-formed and free of control characters, which no note may contain anyway.
 */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\p{White_Space}+]/u.test(name) && isNoteText(name);
}

/** True when `text` may appear in a note: well-formed (no lone surrogate), no control character but newline. */
export function isNoteText(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0009\u000b-\u001f]/.test(text) && !/\p{Surrogate}/u.test(text);
}

/** The 32-bit key ID of an Ed25519 key: the first four bytes, big-endian, of SHA-256(name || "\n" || 0x01 || key). */
export function noteKeyHash(name: string, publicKeyRaw: Uint8Array): number {
  if (!isValidKeyName(name)) throw new TypeError('invalid note key name');
  if (publicKeyRaw.length !== 32) throw new TypeError('an Ed25519 public key is 32 bytes');
  return keyHashUnchecked(name, publicKeyRaw);
}

function keyHashUnchecked(name: string, publicKeyRaw: Uint8Array): number {
  const digest = sha256(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ALG_ED25519]), publicKeyRaw]));
  return Buffer.from(digest).readUInt32BE(0);
}

/** The text form of a verifier key: `<name>+<hex8 key ID>+<base64(0x01 || public key)>`. */
export function verifierKey(name: string, publicKeyRaw: Uint8Array): string {
  const hash = noteKeyHash(name, publicKeyRaw);
  const key = Buffer.concat([Buffer.from([ALG_ED25519]), publicKeyRaw]).toString('base64');
  return `${name}+${hex8(hash)}+${key}`;
}

/**
 * Parses a verifier key (trusted configuration, but still checked): name valid, hash exactly eight
 * hex digits, key canonical base64 of 0x01 followed by 32 bytes, hash matching name and key.
 * Throws TypeError otherwise, as for any other malformed key material handed to MASS.
 */
export function parseVerifierKey(vkey: string): ParsedVerifierKey {
  if (vkey.length > 1024) throw new TypeError('malformed verifier key');
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new TypeError('malformed verifier key');
  const name = vkey.slice(0, first);
  const hash16 = vkey.slice(first + 1, second);
  const key = decodeBase64Canonical(vkey.slice(second + 1));
  if (!isValidKeyName(name) || !/^[0-9a-fA-F]{8}$/.test(hash16) || key === undefined) {
    throw new TypeError('malformed verifier key');
  }
  if (key[0] !== ALG_ED25519) throw new TypeError('unknown verifier key algorithm');
  if (key.length !== 33) throw new TypeError('malformed verifier key');
  const publicKey = new Uint8Array(key.subarray(1));
  const keyHash = Number.parseInt(hash16, 16);
  if (keyHash !== keyHashUnchecked(name, publicKey)) throw new TypeError('verifier key hash does not match its name and key');
  return { name, keyHash, publicKey };
}

/**
 * Signs `body` (which must end in "\n", be well-formed, and contain no control character other than
 * newline) with each signer, in order, and returns the note text.
 */
export function signNote(body: string, signers: readonly NoteSigner[]): string {
  if (!body.endsWith('\n')) throw new TypeError('note body must end with a newline');
  if (!isNoteText(body)) throw new TypeError('note body must be well-formed text without control characters other than newline');
  if (signers.length === 0) throw new TypeError('signNote needs at least one signer');
  if (signers.length > MAX_NOTE_SIGNATURES) throw new TypeError(`a note carries at most ${MAX_NOTE_SIGNATURES} signatures`);
  const message = Buffer.from(body, 'utf8');
  let lines = '';
  for (const signer of signers) {
    const hash = noteKeyHash(signer.name, signer.publicKey);
    if (signer.privateKey.type !== 'private' || signer.privateKey.asymmetricKeyType !== 'ed25519') {
      throw new TypeError('a note signer needs an Ed25519 private key');
    }
    // A mismatched public key would produce signature lines under a key ID that no verifier can use.
    const derived = Buffer.from(String(createPublicKey(signer.privateKey).export({ format: 'jwk' }).x), 'base64url');
    if (!derived.equals(Buffer.from(signer.publicKey))) throw new TypeError('note signer public key does not match its private key');
    const signature = sign(null, message, signer.privateKey);
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(hash, 0);
    lines += `— ${signer.name} ${Buffer.concat([prefix, signature]).toString('base64')}\n`;
  }
  const note = `${body}\n${lines}`;
  if (Buffer.byteLength(note, 'utf8') > MAX_NOTE_BYTES) throw new TypeError(`a note is at most ${MAX_NOTE_BYTES} bytes`);
  return note;
}

/**
 * Opens a signed note: checks its syntax, verifies every signature line whose key name and key ID
 * match a known verifier, ignores the others, and returns the text. Throws
 * MassError('CHECKPOINT_INVALID') when the note is malformed or too large, when a signature of a
 * known key does not verify, or when no known key signed it.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const known = indexVerifiers(verifiers);

  // Untrusted input: bound its size before looking at it.
  if (note.length > MAX_NOTE_BYTES) throw invalid('note is too large');
  if (typeof note === 'string' && /\p{Surrogate}/u.test(note)) throw invalid('note is not well-formed UTF-8');
  const bytes = typeof note === 'string' ? Buffer.from(note, 'utf8') : Buffer.from(note.buffer, note.byteOffset, note.byteLength);
  if (bytes.length > MAX_NOTE_BYTES) throw invalid('note is too large');

  // Valid UTF-8, no ASCII control characters but newline. Bytes below 0x20 only occur as ASCII in UTF-8.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // keep a leading U+FEFF: it is signed text
  try {
    decoder.decode(bytes);
  } catch {
    throw invalid('note is not valid UTF-8');
  }
  for (const byte of bytes) if (byte < 0x20 && byte !== 0x0a) throw invalid('note contains a control character');

  // The text ends at the last blank line; what follows is one or more complete signature lines.
  const split = bytes.lastIndexOf('\n\n');
  if (split < 0) throw invalid('note has no signature block');
  const body = bytes.subarray(0, split + 1);
  const block = bytes.subarray(split + 2);
  if (block.length === 0 || block[block.length - 1] !== 0x0a) throw invalid('note has no complete signature line');

  const lines = block
    .subarray(0, block.length - 1)
    .toString('utf8')
    .split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw invalid('note has too many signatures');
  const verifiedBy: string[] = [];
  for (const line of lines) {
    const { name, keyHash, signature } = parseSignatureLine(line);
    const verifier = known.get(`${name}+${hex8(keyHash)}`);
    if (verifier === undefined) continue; // Unknown keys are ignored, even if they share a name or an ID with a known key.
    // Known key: this signature must verify, or the whole note is rejected.
    if (signature.length !== SIG_LENGTH || !ed25519Verify(verifier.publicKey, body, signature)) {
      throw invalid(`signature by known key ${name}+${hex8(keyHash)} does not verify`);
    }
    if (!verifiedBy.includes(name)) verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) throw invalid('note has no signature by a known key');
  return { body: decoder.decode(body), verifiedBy };
}

function parseSignatureLine(line: string): { name: string; keyHash: number; signature: Buffer } {
  if (!line.startsWith(SIG_PREFIX)) throw invalid('malformed signature line');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const decoded = space < 0 ? undefined : decodeBase64Canonical(rest.slice(space + 1));
  if (!isValidKeyName(name) || decoded === undefined || decoded.length < 5) throw invalid('malformed signature line');
  return { name, keyHash: decoded.readUInt32BE(0), signature: decoded.subarray(4) };
}

/** Verifiers keyed by `<name>+<hex8>`; two entries for the same name and key ID are a configuration mistake. */
function indexVerifiers(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  const known = new Map<string, NoteVerifier>();
  for (const verifier of verifiers) {
    const id = `${verifier.name}+${hex8(noteKeyHash(verifier.name, verifier.publicKey))}`;
    if (known.has(id)) throw new TypeError(`ambiguous note verifiers: two keys for ${id}`);
    known.set(id, verifier);
  }
  return known;
}

/** Standard base64 (RFC 4648 §4) with padding, rejecting anything that does not re-encode identically. */
export function decodeBase64Canonical(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64_STD.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function invalid(message: string): MassError {
  return new MassError('CHECKPOINT_INVALID', message);
}
