import { MassError } from '../core/errors.js';
import { decodeBase64Canonical, isNoteText, MAX_NOTE_BYTES, openNote, signNote, type NoteSigner, type NoteVerifier } from './note.js';

/**
 * C2SP transparency-log checkpoints (https://c2sp.org/tlog-checkpoint): a signed note whose text is
 *
 *     <origin>\n
 *     <tree size, decimal, no leading zeros>\n
 *     <base64 of the 32-byte RFC 6962 root hash>\n
 *     <extension line>\n   (zero or more, each non-empty)
 *
 * Tree sizes are JS numbers here: the spec allows up to 2^63-1, MASS accepts up to
 * Number.MAX_SAFE_INTEGER and rejects anything larger rather than lose precision.
 */

export interface Checkpoint {
  /** Unique identifier of the log, e.g. `example.com/log42`. */
  readonly origin: string;
  /** Number of leaves in the tree. */
  readonly size: number;
  /** RFC 6962 Merkle tree hash of the first `size` leaves (32 bytes). */
  readonly root: Uint8Array;
  /** Opaque extension lines, in order (not recommended by the spec; usually empty). */
  readonly extensions: readonly string[];
}

/** What `formatCheckpoint` takes: a checkpoint whose extension lines may be left out. */
export type CheckpointFields = Omit<Checkpoint, 'extensions'> & { readonly extensions?: readonly string[] };

export interface OpenCheckpointOptions {
  /** The origin the caller expects; a checkpoint of any other log is rejected. */
  readonly origin: string;
  /** Trusted keys; at least one must have signed the checkpoint. */
  readonly verifiers: readonly NoteVerifier[];
}

const ROOT_LENGTH = 32;
const SIZE_PATTERN = /^(?:0|[1-9][0-9]{0,15})$/;

/** The note text of a checkpoint. Throws TypeError for fields that would not make a valid checkpoint. */
export function formatCheckpoint(checkpoint: CheckpointFields): string {
  const { origin, size, root } = checkpoint;
  const extensions = checkpoint.extensions ?? [];
  if (!isLine(origin)) throw new TypeError('checkpoint origin must be a non-empty line of text');
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError('checkpoint size must be a non-negative safe integer');
  if (!(root instanceof Uint8Array) || root.length !== ROOT_LENGTH) throw new TypeError('checkpoint root must be 32 bytes');
  for (const line of extensions) if (!isLine(line)) throw new TypeError('checkpoint extension lines must be non-empty lines of text');
  const lines = [origin, String(size), Buffer.from(root).toString('base64'), ...extensions];
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * Parses checkpoint note text strictly (untrusted input): at least three lines, each ending in
 * "\n" and non-empty; canonical decimal size within the safe-integer range; canonical padded
 * base64 of exactly 32 bytes for the root. Throws MassError('CHECKPOINT_INVALID') otherwise.
 */
export function parseCheckpoint(body: string): Checkpoint {
  if (body.length > MAX_NOTE_BYTES) throw invalid('checkpoint is too large');
  if (!body.endsWith('\n') || !isNoteText(body)) throw invalid('checkpoint text is malformed');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((line) => line.length === 0)) throw invalid('checkpoint must have at least three non-empty lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];

  if (!SIZE_PATTERN.test(sizeText)) throw invalid('checkpoint size is not a canonical decimal number');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw invalid('checkpoint size is beyond the supported range');

  const root = decodeBase64Canonical(rootText);
  if (root === undefined) throw invalid('checkpoint root hash is not canonical base64');
  if (root.length !== ROOT_LENGTH) throw invalid('checkpoint root hash is not 32 bytes');

  return { origin, size, root: new Uint8Array(root), extensions };
}

/** Signs a checkpoint with one key; the key name SHOULD be the origin (spec), which is not enforced. */
export function signCheckpoint(checkpoint: CheckpointFields, signer: NoteSigner): string {
  return signNote(formatCheckpoint(checkpoint), [signer]);
}

/**
 * Opens a signed checkpoint. Checklist:
 *  1. the note is well-formed, within bounds, and signed by at least one known key, with every
 *     signature of a known key verifying (openNote);
 *  2. the signed text is a well-formed checkpoint (parseCheckpoint);
 *  3. its origin is the one the caller expects.
 * Throws MassError('CHECKPOINT_INVALID') at the first failure.
 */
export function openCheckpoint(note: string | Uint8Array, options: OpenCheckpointOptions): Checkpoint {
  if (!isLine(options.origin)) throw new TypeError('expected origin must be a non-empty line of text');
  const { body } = openNote(note, options.verifiers);
  const checkpoint = parseCheckpoint(body);
  if (checkpoint.origin !== options.origin) throw invalid('checkpoint is for another origin');
  return checkpoint;
}

function isLine(text: unknown): text is string {
  return typeof text === 'string' && text.length > 0 && !text.includes('\n') && isNoteText(text);
}

function invalid(message: string): MassError {
  return new MassError('CHECKPOINT_INVALID', message);
}
