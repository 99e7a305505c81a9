import type { KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import { constantTimeEqual } from '../core/hash.js';
import { generateEd25519Key, privateKeyFromPkcs8 } from '../identity/keys.js';
import type { Store, StoredCheckpoint } from '../store/store.js';
import { signCheckpoint } from './checkpoint.js';
import { encodeEntry, type LogEntry } from './entry.js';
import { leafHash, MerkleTree } from './merkle.js';
import type { NoteSigner, NoteVerifier } from './note.js';
import { verifyConsistency } from './verify-proof.js';

/** Name of the audit log's signing key in the store's keystore. */
export const LOG_KEY_NAME = 'audit-log';

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
  readonly resolve: (value: { index: number }) => void;
  readonly reject: (error: unknown) => void;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * The tamper-evident audit log: an RFC 9162 Merkle tree over canonical JSON entries, stored
 * durably with group commit (appends arriving together share one transaction and one fsync; each
 * resolves only once its batch is durable), with signed C2SP checkpoints.
 */
export class AuditLog {
  readonly origin: string;
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #signer: NoteSigner;
  readonly #tree: MerkleTree;
  #pending: Pending[] = [];
  #scheduled = false;
  #writing: Promise<void> = Promise.resolve();

  private constructor(store: Store, clock: Clock, origin: string, signer: NoteSigner, tree: MerkleTree) {
    this.#store = store;
    this.#clock = clock;
    this.origin = origin;
    this.#signer = signer;
    this.#tree = tree;
  }

  /** Opens the log of `store`: reloads its leaves and creates its signing key on first use. */
  static async open(store: Store, options: { origin: string; clock?: Clock }): Promise<AuditLog> {
    const signer = await logSigner(store, options.origin, options.clock ?? systemClock);
    const tree = MerkleTree.from(await store.log.leaves());
    return new AuditLog(store, options.clock ?? systemClock, options.origin, signer, tree);
  }

  /** The key that verifies this log's checkpoints. */
  get verifier(): NoteVerifier {
    return { name: this.#signer.name, publicKey: this.#signer.publicKey };
  }

  /** Entries durably stored (appends still in flight are not counted). */
  get size(): number {
    return this.#tree.size;
  }

  /** Appends one entry; resolves with its index once the entry is durable, rejects (STORE_FAILED) if it is not. */
  append(entry: LogEntry): Promise<{ index: number }> {
    const bytes = encodeEntry(entry);
    const leaf = leafHash(bytes);
    return new Promise((resolve, reject) => {
      this.#pending.push({ entry: bytes, leaf, resolve, reject });
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

  #writeAll(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, MAX_BATCH);
        await this.#write(batch);
      }
    });
    return this.#writing;
  }

  async #write(batch: Pending[]): Promise<void> {
    let first = this.#tree.size;
    try {
      try {
        await this.#store.log.append(first, batch);
      } catch (error) {
        // Another process appended to the same store: take its leaves into the tree, then retry once.
        if (!(error instanceof MassError && error.code === 'LOG_CONFLICT')) throw error;
        await this.#catchUp();
        first = this.#tree.size;
        await this.#store.log.append(first, batch);
      }
    } catch (error) {
      const failure = error instanceof MassError ? error : new MassError('STORE_FAILED', 'cannot append to the audit log', { cause: error });
      for (const p of batch) p.reject(failure);
      return;
    }
    for (const p of batch) this.#tree.append(p.leaf);
    batch.forEach((p, i) => p.resolve({ index: first + i }));
  }

  /** Takes entries other writers stored into the tree. */
  async #catchUp(): Promise<void> {
    const size = await this.#store.log.size();
    for (const row of this.#store.log.rows(this.#tree.size, size)) this.#tree.append(row.leaf);
  }

  root(size = this.#tree.size): Uint8Array {
    return this.#tree.root(size);
  }

  /**
   * The latest checkpoint, signing a new one if the tree grew. Refuses (CHECKPOINT_INVALID) to
   * sign a checkpoint that is not consistent with the last one it signed.
   */
  async checkpoint(): Promise<StoredCheckpoint> {
    await this.flush();
    await this.#catchUp();
    const size = this.#tree.size;
    const root = this.#tree.root(size);
    const latest = await this.#store.log.latestCheckpoint();
    if (latest !== undefined) {
      if (latest.size > size) throw new MassError('CHECKPOINT_INVALID', `the last checkpoint covers ${latest.size} entries but the log holds ${size}: entries were removed`);
      if (!constantTimeEqual(this.#tree.root(latest.size), latest.root)) {
        throw new MassError('CHECKPOINT_INVALID', `the log's first ${latest.size} entries no longer match the last signed checkpoint`);
      }
      if (latest.size === size) return latest;
      verifyConsistency(latest.size, size, this.#tree.consistencyProof(latest.size, size), latest.root, root);
    }
    const note = signCheckpoint({ origin: this.origin, size, root }, this.#signer);
    const stored: StoredCheckpoint = { size, root, note, createdAt: this.#clock.now() };
    await this.#store.log.saveCheckpoint(stored);
    return stored;
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

/** The log's signing key from the keystore, created on first use. */
async function logSigner(store: Store, origin: string, clock: Clock): Promise<NoteSigner> {
  let stored = await store.keys.get(LOG_KEY_NAME);
  if (stored === undefined) {
    const key = generateEd25519Key();
    try {
      await store.keys.insert({ name: LOG_KEY_NAME, privatePkcs8: key.privatePkcs8, publicJwk: key.publicJwk, createdAt: clock.now() });
    } catch (error) {
      if (!(error instanceof MassError && error.code === 'AGENT_EXISTS')) throw error; // another process created it first
    }
    stored = await store.keys.get(LOG_KEY_NAME);
    if (stored === undefined) throw new MassError('STORE_FAILED', 'cannot create the audit log key');
  }
  const privateKey: KeyObject = privateKeyFromPkcs8(stored.privatePkcs8);
  const publicKey = new Uint8Array(Buffer.from(stored.publicJwk.x, 'base64url'));
  return { name: origin, privateKey, publicKey };
}
