import { MassError } from '../core/errors.js';
import { constantTimeEqual } from '../core/hash.js';
import type { Store, StoredCheckpoint } from '../store/store.js';
import { openCheckpoint } from './checkpoint.js';
import { openKeptCheckpoint, type KeptCheckpoint } from './kept-checkpoint.js';
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
  /** Size of the latest signed checkpoint, stored or kept (0 when there is none). */
  readonly checkpointSize: number;
  /** Entries after the latest signed checkpoint: no signature covers them yet. */
  readonly uncovered: number;
  readonly root: Uint8Array;
  /** Signed checkpoints in the store checked against the rebuilt tree. */
  readonly checkpoints: number;
  /** Size of the largest kept checkpoint the log was checked against, when any was given. */
  readonly keptSize?: number;
}

export interface VerifyLogOptions {
  /** Checkpoints kept outside the store (an operator's copy, the signer's own record): the log must be consistent with each. */
  readonly kept?: readonly KeptCheckpoint[];
}

/**
 * Verifies the whole log from its stored bytes. Checklist:
 *  1. every entry is re-hashed and compared with its stored leaf hash; indexes run from 0 without
 *     gaps; the tree is rebuilt from the re-hashed leaves;
 *  2. each kept checkpoint, if any, must be signed by one of `verifiers` and be a prefix of the
 *     tree: no entry missing below its size, the same root at its size (else the first index whose
 *     leaf differs from the kept leaves is named);
 *  3. every stored checkpoint must be signed by one of `verifiers` and match the tree at its size;
 *  4. at least one stored checkpoint must exist: a log nothing signed proves nothing.
 * Returns a summary (with the count of entries no signature covers) or throws
 * LogVerificationError naming the first bad index where it can.
 */
export async function verifyLog(
  store: Store,
  origin: string,
  verifiers: NoteVerifier | readonly NoteVerifier[],
  options: VerifyLogOptions = {},
): Promise<LogVerification> {
  const keys = Array.isArray(verifiers) ? (verifiers as readonly NoteVerifier[]) : [verifiers as NoteVerifier];
  const size = await store.log.size();
  const tree = new MerkleTree();
  let expected = 0;
  for await (const chunk of store.log.scan(0, size)) {
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

  let keptSize: number | undefined;
  for (const kept of options.kept ?? []) keptSize = Math.max(keptSize ?? 0, checkKept(tree, kept, origin, keys));

  const checkpoints = await store.log.checkpoints();
  let previous: StoredCheckpoint | undefined;
  for (const stored of checkpoints) {
    let opened;
    try {
      opened = openCheckpoint(stored.note, { origin, verifiers: keys });
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
      throw new LogVerificationError(
        from,
        `an entry from index ${from} to ${opened.size - 1} was changed: the tree does not match the signed checkpoint of size ${opened.size}`,
      );
    }
    previous = stored;
  }
  if (previous === undefined) throw new LogVerificationError(undefined, `no signed checkpoint: none of the ${size} entries is covered by a signature`);
  const checkpointSize = Math.max(previous.size, keptSize ?? 0);
  return {
    size,
    checkpointSize,
    uncovered: size - checkpointSize,
    root: tree.root(size),
    checkpoints: checkpoints.length,
    ...(keptSize === undefined ? {} : { keptSize }),
  };
}

/** Step 2: the log against a checkpoint kept elsewhere; returns its size. */
function checkKept(tree: MerkleTree, kept: KeptCheckpoint, origin: string, verifiers: readonly NoteVerifier[]): number {
  const source = kept.source ?? 'the kept checkpoint';
  let opened;
  try {
    opened = openKeptCheckpoint(kept, origin, verifiers);
  } catch (error) {
    throw new LogVerificationError(undefined, `${source}: ${error instanceof Error ? error.message : 'invalid'}`);
  }
  const leaves = opened.leaves;
  if (leaves !== undefined) {
    // Name the first entry that differs from what the kept checkpoint commits to.
    const common = Math.min(leaves.length, tree.size);
    for (let i = 0; i < common; i++) {
      if (!constantTimeEqual(tree.leaf(i), leaves[i]!))
        throw new LogVerificationError(i, `entry differs from ${source} of size ${opened.size} (rewritten, reordered or removed)`);
    }
  }
  if (opened.size > tree.size) throw new LogVerificationError(tree.size, `entries from here on are missing: ${source} covers ${opened.size}`);
  if (!constantTimeEqual(tree.root(opened.size), opened.root)) {
    throw new LogVerificationError(undefined, `the first ${opened.size} entries do not match ${source} (it carries no leaf hashes to name the first one)`);
  }
  return opened.size;
}
