import { MassError } from '../core/errors.js';
import { constantTimeEqual } from '../core/hash.js';
import { openCheckpoint, type Checkpoint } from './checkpoint.js';
import { MerkleTree } from './merkle.js';
import { decodeBase64Canonical, MAX_NOTE_BYTES, type NoteVerifier } from './note.js';

/**
 * A checkpoint kept outside the store (an operator's copy, a witness), as `mass log checkpoint
 * --out FILE` writes it: JSON `{"checkpoint": <signed note>, "leaves": <base64 of the 32-byte leaf
 * hashes, back to back>}`. The signed note alone proves what the log held; the leaf hashes (which
 * must rebuild the signed root) let a later check name the first entry that differs. A file that
 * is a bare signed note (from a witness) is accepted too, without leaves.
 */
export interface KeptCheckpoint {
  readonly note: string;
  /** What it is, for messages (default "kept checkpoint"). */
  readonly source?: string;
  /** The leaf hashes the note's root commits to, when the file carries them. */
  readonly leaves?: readonly Uint8Array[];
}

/** Largest kept-checkpoint file read (about 6 million entries' leaf hashes). */
export const MAX_KEPT_CHECKPOINT_BYTES = 256 * 1024 * 1024;

export function formatKeptCheckpoint(note: string, leaves: readonly Uint8Array[]): string {
  return `${JSON.stringify({ checkpoint: note, leaves: Buffer.concat(leaves).toString('base64') })}\n`;
}

/**
 * Parses a kept checkpoint file (untrusted input: bounded in size, strict in shape). Its note is
 * not verified here: see `openKeptCheckpoint`. Throws CHECKPOINT_INVALID.
 */
export function parseKeptCheckpoint(text: string): KeptCheckpoint {
  if (text.length > MAX_KEPT_CHECKPOINT_BYTES) throw invalid('the kept checkpoint file is too large');
  if (!text.startsWith('{')) {
    if (text.length > MAX_NOTE_BYTES) throw invalid('the kept checkpoint note is too large');
    return { note: text };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('the kept checkpoint file is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('the kept checkpoint file must be a JSON object');
  const { checkpoint, leaves, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw invalid(`the kept checkpoint file has unknown fields: ${Object.keys(rest).slice(0, 5).join(', ')}`);
  if (typeof checkpoint !== 'string' || checkpoint.length > MAX_NOTE_BYTES) throw invalid('"checkpoint" must be the signed note text');
  if (leaves === undefined) return { note: checkpoint };
  if (typeof leaves !== 'string') throw invalid('"leaves" must be base64 text');
  const bytes = leaves === '' ? Buffer.alloc(0) : decodeBase64Canonical(leaves);
  if (bytes === undefined || bytes.length % 32 !== 0) throw invalid('"leaves" must be canonical base64 of 32-byte hashes');
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += 32) out.push(new Uint8Array(bytes.subarray(offset, offset + 32)));
  return { note: checkpoint, leaves: out };
}

/**
 * Opens a kept checkpoint: the note must be signed by one of `verifiers` for `origin`, and the
 * leaf hashes, if present, must be as many as the note's size and rebuild its root. Throws
 * CHECKPOINT_INVALID.
 */
export function openKeptCheckpoint(
  kept: KeptCheckpoint,
  origin: string,
  verifiers: readonly NoteVerifier[],
): Checkpoint & { readonly leaves?: readonly Uint8Array[] } {
  const checkpoint = openCheckpoint(kept.note, { origin, verifiers });
  if (kept.leaves === undefined) return checkpoint;
  if (kept.leaves.length !== checkpoint.size)
    throw invalid(`the kept checkpoint covers ${checkpoint.size} entries but lists ${kept.leaves.length} leaf hashes`);
  if (!constantTimeEqual(MerkleTree.from(kept.leaves).root(), checkpoint.root)) throw invalid('the kept leaf hashes do not rebuild the signed root');
  return { ...checkpoint, leaves: kept.leaves };
}

function invalid(message: string): MassError {
  return new MassError('CHECKPOINT_INVALID', message);
}
