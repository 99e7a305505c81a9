import type { Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import { constantTimeEqual } from '../core/hash.js';
import type { Store, StoredCheckpoint } from '../store/store.js';
import { openCheckpoint, signCheckpoint } from './checkpoint.js';
import type { LogKey } from './log-key.js';
import type { MerkleTree } from './merkle.js';
import type { NoteSigner, NoteVerifier } from './note.js';

/** A checkpoint this key signed before: its own record (kept beside the key) or the store's copy. */
export interface EarlierCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  /** True for the record kept beside the key file. */
  readonly kept: boolean;
  /** The store's copy, when it is one. */
  readonly stored?: StoredCheckpoint;
}

/**
 * Signs the audit log's checkpoints, never one that contradicts what the key signed before.
 * Checklist (the caller reads `earlier()` before it catches its tree up with the store: anything
 * signed was stored first, so the tree then covers it even while other writers append and sign):
 *  1. every earlier checkpoint — the one kept beside the key file, and the store's latest if it
 *     carries this key's signature — must be a prefix of the tree: no entry removed below its
 *     size, and the same root at its size;
 *  2. sign, keep the note beside the key, save it in the store (or reuse the store's copy).
 */
export class CheckpointSigner {
  readonly #store: Store;
  readonly #key: LogKey;
  readonly #clock: Clock;
  readonly #signer: NoteSigner;
  readonly origin: string;

  constructor(store: Store, key: LogKey, origin: string, clock: Clock) {
    this.#store = store;
    this.#key = key;
    this.#clock = clock;
    this.origin = origin;
    this.#signer = key.signer(origin);
  }

  get verifier(): NoteVerifier {
    return { name: this.#signer.name, publicKey: this.#signer.publicKey };
  }

  /** What this key signed before: its own record, and the store's latest if this key signed it. */
  async earlier(): Promise<EarlierCheckpoint[]> {
    const out: EarlierCheckpoint[] = [];
    const kept = this.#key.lastSigned();
    if (kept !== undefined) {
      const opened = openCheckpoint(kept, { origin: this.origin, verifiers: [this.verifier] });
      out.push({ size: opened.size, root: opened.root, kept: true });
    }
    const latest = await this.#store.log.latestCheckpoint();
    if (latest !== undefined) {
      let opened;
      try {
        opened = openCheckpoint(latest.note, { origin: this.origin, verifiers: [this.verifier] });
      } catch {
        opened = undefined; // not signed by this key (an older key, or forged): it vouches for nothing here
      }
      if (opened !== undefined && opened.size === latest.size && constantTimeEqual(opened.root, latest.root))
        out.push({ size: opened.size, root: opened.root, kept: false, stored: latest });
    }
    return out;
  }

  /** Signs `tree` at its full size after the checks above; throws CHECKPOINT_INVALID if it contradicts `earlier`. */
  async sign(tree: MerkleTree, earlier: readonly EarlierCheckpoint[]): Promise<StoredCheckpoint> {
    const size = tree.size;
    for (const before of earlier) {
      if (before.size > size)
        throw new MassError('CHECKPOINT_INVALID', `a checkpoint signed earlier covers ${before.size} entries but the log holds ${size}: entries were removed`);
      if (!constantTimeEqual(tree.root(before.size), before.root)) {
        throw new MassError('CHECKPOINT_INVALID', `the log's first ${before.size} entries no longer match the checkpoint signed earlier`);
      }
    }
    const same = earlier.find((c) => c.size === size && c.stored !== undefined);
    if (same?.stored !== undefined) return same.stored;
    const root = tree.root(size);
    const note = signCheckpoint({ origin: this.origin, size, root }, this.#signer);
    // Another writer with the same key may have recorded a larger one meanwhile: keep the larger.
    if (!earlier.some((c) => c.kept && c.size > size)) this.#key.recordSigned(note);
    const result: StoredCheckpoint = { size, root, note, createdAt: this.#clock.now() };
    await this.#store.log.saveCheckpoint(result);
    return result;
  }
}
