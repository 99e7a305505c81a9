import { systemClock, type Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import type { ReplayClaim, Store, StoredCheckpoint } from '../store/store.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import { encodeEntry, type LogEntry } from './entry.js';
import type { LogKey } from './log-key.js';
import { leafHash, MerkleTree } from './merkle.js';
import type { NoteVerifier } from './note.js';

/**
 * Name under which stores of earlier versions kept the log's private key in their keystore. That
 * key is never used any more: anyone with write access to the database could read it.
 */
export const LEGACY_LOG_KEY_NAME = 'audit-log';

/** Default: a checkpoint is signed once this many entries are not covered by one… */
export const DEFAULT_CHECKPOINT_EVERY = 1_000;
/** …or this many seconds after the first uncovered entry was written, and at close. */
export const DEFAULT_CHECKPOINT_SECONDS = 10;

export interface AuditLogOptions {
  readonly origin: string;
  /** The checkpoint signing key (kept outside the store). */
  readonly key: LogKey;
  readonly clock?: Clock;
  /** Sign a checkpoint once this many entries are uncovered (default 1,000). */
  readonly checkpointEvery?: number;
  /** Sign a checkpoint this long after an entry was left uncovered (default 10 s). */
  readonly checkpointSeconds?: number;
}

/** The origin line of this installation's checkpoints (also the note key name). */
export function logOrigin(trustDomain: string): string {
  return `${trustDomain}/mass/audit-log`;
}

/** Largest number of entries written in one transaction. */
const MAX_BATCH = 10_000;

export interface InclusionProof {
  readonly index: number;
  readonly tree_size: number;
  readonly leaf_hash: string;
  readonly root: string;
  readonly proof: string[];
}

export interface ConsistencyProof {
  readonly from: number;
  readonly to: number;
  readonly root_from: string;
  readonly root_to: string;
  readonly proof: string[];
}

interface Pending {
  readonly entry: Uint8Array;
  readonly leaf: Uint8Array;
  readonly replay?: ReplayClaim;
  readonly resolve: (value: { index: number }) => void;
  readonly reject: (error: unknown) => void;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * The tamper-evident audit log: an RFC 9162 Merkle tree over canonical JSON entries, stored
 * durably with group commit (appends arriving together share one transaction and one fsync; each
 * resolves only once its batch is durable), with signed C2SP checkpoints. Checkpoints are signed
 * automatically with a key kept outside the store: every `checkpointEvery` entries, within
 * `checkpointSeconds` of an uncovered entry, when the log is opened with an uncovered tail, and at
 * `close()`. The signer never signs a tree inconsistent with what it signed before; if it cannot
 * sign, appends fail (closed) until it can.
 */
export class AuditLog {
  readonly origin: string;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #signer: CheckpointSigner;
  readonly #tree: MerkleTree;
  readonly #every: number;
  readonly #seconds: number;
  #pending: Pending[] = [];
  #scheduled = false;
  #writing: Promise<void> = Promise.resolve();
  /** Size covered by the last checkpoint this log signed or saw. */
  #signedSize = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Why the last signing attempt failed; appends are refused while it is set. */
  #signFailure: MassError | undefined;
  #closed = false;

  private constructor(store: Store, options: AuditLogOptions, tree: MerkleTree) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
    this.origin = options.origin;
    this.#signer = new CheckpointSigner(store, options.key, options.origin, this.#clock);
    this.#tree = tree;
    this.#every = options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    this.#seconds = options.checkpointSeconds ?? DEFAULT_CHECKPOINT_SECONDS;
    if (!Number.isSafeInteger(this.#every) || this.#every < 1) throw new TypeError('checkpointEvery must be a positive integer');
    if (!Number.isFinite(this.#seconds) || this.#seconds <= 0) throw new TypeError('checkpointSeconds must be a positive number');
  }

  /**
   * Opens the log of `store`: reloads its leaves and signs a checkpoint if entries are not covered
   * by one (a crash, a first start). Throws CHECKPOINT_INVALID if the stored log is not consistent
   * with what this key signed before (entries removed or rewritten).
   */
  static async open(store: Store, options: AuditLogOptions): Promise<AuditLog> {
    const log = new AuditLog(store, options, MerkleTree.from(await store.log.leaves()));
    await log.checkpoint();
    return log;
  }

  /** The key that verifies this log's checkpoints. */
  get verifier(): NoteVerifier {
    return this.#signer.verifier;
  }

  /** Entries durably stored (appends still in flight are not counted). */
  get size(): number {
    return this.#tree.size;
  }

  /**
   * Appends one entry; resolves with its index once the entry is durable, rejects (STORE_FAILED)
   * if it is not. With `replay`, the entry is written in the same transaction as the envelope id
   * it claims: if the id is already live, nothing is written and the append rejects with
   * ENVELOPE_REPLAYED.
   */
  append(entry: LogEntry, replay?: ReplayClaim): Promise<{ index: number }> {
    const bytes = encodeEntry(entry);
    const leaf = leafHash(bytes);
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new MassError('STORE_FAILED', 'the audit log is closed'));
        return;
      }
      this.#pending.push({ entry: bytes, leaf, ...(replay === undefined ? {} : { replay }), resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          void this.#writeAll();
        });
      }
    });
  }

  /** Resolves when every append made so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.#writeAll();
  }

  /** Writes what is pending, signs a checkpoint over everything, and stops the timer. */
  async close(): Promise<void> {
    if (this.#closed) return this.#writing;
    await this.flush();
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#serial(async () => {
      await this.#sign();
    });
  }

  #writeAll(): Promise<void> {
    return this.#serial(async () => {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, MAX_BATCH);
        await this.#write(batch);
        await this.#signIfDue();
      }
    });
  }

  /** Runs `work` after everything queued before it (writes and signatures never interleave). */
  #serial(work: () => Promise<void>): Promise<void> {
    const run = this.#writing.then(work);
    this.#writing = run.catch(() => undefined);
    return run;
  }

  async #write(batch: Pending[]): Promise<void> {
    let result;
    try {
      // Fail closed: while no checkpoint can be signed (the stored log contradicts what was
      // signed), nothing more is appended — retried at every write.
      if (this.#signFailure !== undefined) await this.#sign();
      result = await this.#store.log.append(batch, this.#clock.now());
      // Rows other writers stored before this batch join the tree first.
      if (result.first < this.#tree.size)
        throw new MassError('STORE_FAILED', `the store placed a batch at index ${result.first}, below the ${this.#tree.size} entries already read`);
      if (result.first > this.#tree.size) await this.#takeRows(this.#tree.size, result.first);
    } catch (error) {
      const failure = error instanceof MassError ? error : new MassError('STORE_FAILED', 'cannot append to the audit log', { cause: error });
      for (const p of batch) p.reject(failure);
      return;
    }
    let index = result.first;
    batch.forEach((p, i) => {
      if (result.written[i] === true) {
        this.#tree.append(p.leaf);
        p.resolve({ index: index++ });
      } else {
        p.reject(new MassError('ENVELOPE_REPLAYED', `envelope ${p.replay?.id ?? ''} was already accepted; this entry was not written`));
      }
    });
  }

  /** Takes entries other writers stored into the tree. */
  async #takeRows(from: number, to: number): Promise<void> {
    for await (const row of this.#store.log.rows(from, to)) this.#tree.append(row.leaf);
    if (this.#tree.size !== to) throw new MassError('STORE_FAILED', `the log has a gap below index ${to}`);
  }

  async #catchUp(): Promise<void> {
    await this.#takeRows(this.#tree.size, await this.#store.log.size());
  }

  /** Signs when enough entries are uncovered; otherwise makes sure the timer will. */
  async #signIfDue(): Promise<void> {
    const uncovered = this.#tree.size - this.#signedSize;
    if (uncovered >= this.#every) {
      try {
        await this.#sign();
      } catch {
        return; // kept in #signFailure: the next append retries and fails closed
      }
    }
    if (this.#tree.size > this.#signedSize && this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#serial(async () => {
          await this.#sign();
        }).catch(() => undefined); // kept in #signFailure
      }, this.#seconds * 1000);
      this.#timer.unref();
    }
  }

  /** The leaf hashes of the first `size` entries (what a checkpoint of that size commits to). */
  leafHashes(size = this.#tree.size): Uint8Array[] {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#tree.size) throw new TypeError(`size must be an integer from 0 to ${this.#tree.size}`);
    const out: Uint8Array[] = [];
    for (let i = 0; i < size; i++) out.push(this.#tree.leaf(i));
    return out;
  }

  root(size = this.#tree.size): Uint8Array {
    return this.#tree.root(size);
  }

  /**
   * The latest checkpoint, signing a new one if the tree grew. Refuses (CHECKPOINT_INVALID) to
   * sign a checkpoint that is not consistent with the last one this key signed or the store holds.
   */
  async checkpoint(): Promise<StoredCheckpoint> {
    await this.flush();
    let signed: StoredCheckpoint | undefined;
    await this.#serial(async () => {
      signed = await this.#sign();
    });
    if (signed === undefined) throw new MassError('STORE_FAILED', 'no checkpoint was signed');
    return signed;
  }

  /** Signs the tree as it now is in the store (see CheckpointSigner); a failure is kept and fails appends. */
  async #sign(): Promise<StoredCheckpoint> {
    try {
      const earlier = await this.#signer.earlier(); // before catching up: see CheckpointSigner
      await this.#catchUp();
      const result = await this.#signer.sign(this.#tree, earlier);
      this.#signedSize = Math.max(this.#signedSize, result.size);
      this.#signFailure = undefined;
      return result;
    } catch (error) {
      this.#signFailure = error instanceof MassError ? error : new MassError('STORE_FAILED', 'cannot sign a checkpoint', { cause: error });
      throw this.#signFailure;
    }
  }

  /** An inclusion proof for `index` in the tree of `size` entries (default: the latest checkpoint's size). */
  async inclusionProof(index: number, size?: number): Promise<InclusionProof> {
    const treeSize = size ?? (await this.checkpoint()).size;
    this.#checkSize(treeSize, 'size');
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) throw new TypeError(`index must be an integer from 0 to ${treeSize - 1}`);
    return {
      index,
      tree_size: treeSize,
      leaf_hash: b64(this.#tree.leaf(index)),
      root: b64(this.#tree.root(treeSize)),
      proof: this.#tree.inclusionProof(index, treeSize).map(b64),
    };
  }

  /** A consistency proof from size `from` to size `to` (default: the latest checkpoint's size). */
  async consistencyProof(from: number, to?: number): Promise<ConsistencyProof> {
    const size = to ?? (await this.checkpoint()).size;
    this.#checkSize(size, 'to');
    if (!Number.isSafeInteger(from) || from < 0 || from > size) throw new TypeError(`from must be an integer from 0 to ${size}`);
    return {
      from,
      to: size,
      root_from: b64(this.#tree.root(from)),
      root_to: b64(this.#tree.root(size)),
      proof: this.#tree.consistencyProof(from, size).map(b64),
    };
  }

  #checkSize(size: number, name: string): void {
    if (!Number.isSafeInteger(size) || size < 1 || size > this.#tree.size) throw new TypeError(`${name} must be an integer from 1 to ${this.#tree.size}`);
  }
}
