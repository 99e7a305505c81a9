import { MassError } from '../core/errors.js';
import { constantTimeEqual } from '../core/hash.js';
import type { Store, StoredCheckpoint } from '../store/store.js';
import { openCheckpoint } from './checkpoint.js';
import { leafHash, MerkleTree } from './merkle.js';
import type { NoteVerifier } from './note.js';

/** Why the log does not verify: the first index that does not match (when one can be named) and why. */
export class LogVerificationError extends MassError {
  readonly index: number | undefined;
  constructor(index: number | undefined, message: string) {
    super('LOG_INVALID', index === undefined ? message : `index ${index}: ${message}`);
    this.name = 'LogVerificationError';
    this.index = index;
  }
}

export interface LogVerification {
  /** Entries stored. */
  readonly size: number;
  /** Size of the latest signed checkpoint (0 when there is none yet). */
  readonly checkpointSize: number;
  readonly root: Uint8Array;
  /** Signed checkpoints checked against the rebuilt tree. */
  readonly checkpoints: number;
}

/**
 * Verifies the whole log from its stored bytes: every entry is re-hashed and compared with its
 * stored leaf hash, indexes must run from 0 without gaps, the tree is rebuilt, and every stored
 * checkpoint must carry a valid signature by `verifier` and match the rebuilt tree at its size.
 * Returns a summary or throws LogVerificationError naming the first bad index where it can.
 */
export async function verifyLog(store: Store, origin: string, verifier: NoteVerifier): Promise<LogVerification> {
  const size = await store.log.size();
  const tree = new MerkleTree();
  let expected = 0;
  for (const chunk of store.log.scan(0, size)) {
    const recomputed: Uint8Array[] = [];
    for (let i = 0; i < chunk.indexes.length; i++) {
      const index = chunk.indexes[i]!;
      if (index !== expected) throw new LogVerificationError(expected, 'entry is missing (indexes must be contiguous)');
      const leaf = leafHash(chunk.entries[i]!);
      if (!constantTimeEqual(leaf, chunk.leaves[i]!)) throw new LogVerificationError(index, 'entry bytes do not match the leaf hash recorded for it');
      recomputed.push(leaf);
      expected++;
    }
    tree.appendMany(recomputed);
  }
  if (expected !== size) throw new LogVerificationError(expected, 'entry is missing (indexes must be contiguous)');

  const checkpoints = await store.log.checkpoints();
  let previous: StoredCheckpoint | undefined;
  for (const stored of checkpoints) {
    let opened;
    try {
      opened = openCheckpoint(stored.note, { origin, verifiers: [verifier] });
    } catch (error) {
      throw new LogVerificationError(undefined, `checkpoint of size ${stored.size}: ${error instanceof Error ? error.message : 'invalid'}`);
    }
    if (opened.size !== stored.size || !constantTimeEqual(opened.root, stored.root)) {
      throw new LogVerificationError(undefined, `checkpoint of size ${stored.size}: stored size or root differs from the signed note`);
    }
    if (opened.size > size) throw new LogVerificationError(size, `entries from here on are missing: a signed checkpoint covers ${opened.size}`);
    if (!constantTimeEqual(tree.root(opened.size), opened.root)) {
      // The entries were re-hashed consistently (leaf column changed too): name the range between checkpoints.
      const from = previous?.size ?? 0;
      throw new LogVerificationError(from, `an entry from index ${from} to ${opened.size - 1} was changed: the tree does not match the signed checkpoint of size ${opened.size}`);
    }
    previous = stored;
  }
  return { size, checkpointSize: previous?.size ?? 0, root: tree.root(size), checkpoints: checkpoints.length };
}

