/**
 * RFC 9162 (Certificate Transparency v2) §2.1 Merkle tree over SHA-256, append-only and in memory.
 *
 * Every complete, aligned subtree hash is kept, per level: level 0 holds the leaf hashes, and node i
 * of level k is MTH of leaves [i·2^k, (i+1)·2^k). Each level is one flat byte buffer (32 bytes per
 * node), about 2 hashes per leaf in all. Any range the RFC recursion visits starts at a multiple of
 * the next power of two above its length, so its hash is a right fold of the O(log n) complete
 * subtrees given by the binary digits of its length: roots of past sizes, inclusion paths
 * (PATH, §2.1.3.1) and consistency proofs (PROOF/SUBPROOF, §2.1.4.1) all cost O(log n).
 */
import { hash } from 'node:crypto';

export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256Bytes(new Uint8Array(0));

/** The RFC 9162 leaf hash: SHA-256(0x00 ‖ entry). */
export function leafHash(entry: Uint8Array): Uint8Array {
  if (!(entry instanceof Uint8Array)) throw new TypeError('entry must be a Uint8Array');
  // 0x00 ‖ entry in a reused buffer: a full verification hashes every entry of the log.
  if (leafInput.length < entry.length + 1) leafInput = new Uint8Array(Math.max(entry.length + 1, leafInput.length * 2));
  leafInput.set(entry, 1);
  return hash('sha256', leafInput.subarray(0, entry.length + 1), 'buffer');
}

let leafInput = new Uint8Array(4096); // leafInput[0] stays 0x00

/** The RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertHash(left, 'left');
  assertHash(right, 'right');
  PAIR.set(left, 1);
  PAIR.set(right, 1 + HASH_SIZE);
  const out = new Uint8Array(HASH_SIZE);
  hashPairInto(out, 0);
  return out;
}

export class MerkleTree {
  /** levels[k]: node hashes of level k, back to back; capacity may exceed the nodes in use. */
  readonly #levels: Uint8Array[] = [];
  #size = 0;

  /** Builds a tree from leaf hashes (32 bytes each) in one pass per level. */
  static from(leafHashes: Iterable<Uint8Array>): MerkleTree {
    const tree = new MerkleTree();
    tree.appendMany(leafHashes);
    return tree;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash; returns its index. Amortised O(1) hashes. */
  append(leaf: Uint8Array): number {
    assertHash(leaf, 'leaf hash');
    const index = this.#size;
    this.#write(0, index, leaf);
    let k = 0;
    let i = index;
    while (i % 2 === 1) {
      this.#combine(k, i - 1);
      k += 1;
      i = (i - 1) / 2;
    }
    this.#size = index + 1;
    return index;
  }

  /** Appends many leaf hashes, computing each new complete subtree once, level by level. */
  appendMany(leafHashes: Iterable<Uint8Array>): void {
    const leaves = Array.isArray(leafHashes) ? (leafHashes as readonly unknown[]) : [...leafHashes];
    for (let j = 0; j < leaves.length; j++) assertHash(leaves[j], 'leaf hash');
    if (leaves.length === 0) return;
    const oldSize = this.#size;
    const newSize = oldSize + leaves.length;
    this.#reserve(0, newSize);
    const level0 = this.#levels[0] ?? missing();
    for (let j = 0; j < leaves.length; j++) level0.set(leaves[j] as Uint8Array, (oldSize + j) * HASH_SIZE);
    for (let k = 0; 2 ** (k + 1) <= newSize; k++) {
      const from = Math.floor(oldSize / 2 ** (k + 1));
      const to = Math.floor(newSize / 2 ** (k + 1));
      this.#reserve(k + 1, to);
      const children = this.#levels[k] ?? missing();
      const parents = this.#levels[k + 1] ?? missing();
      for (let i = from; i < to; i++) {
        loadPair(children, 2 * i * HASH_SIZE);
        hashPairInto(parents, i * HASH_SIZE);
      }
    }
    this.#size = newSize;
  }

  /** The leaf hash at `index` (a copy). */
  leaf(index: number): Uint8Array {
    checkIndex(index, 'index', this.#size - 1);
    return this.#node(0, index);
  }

  /** MTH of the first `size` leaves: the root the tree had at that size. */
  root(size: number = this.#size): Uint8Array {
    checkIndex(size, 'size', this.#size);
    return size === 0 ? EMPTY_ROOT.slice() : this.#rangeHash(0, size);
  }

  /** RFC 9162 PATH(index, D[0:size]): sibling hashes from the leaf up to the root. */
  inclusionProof(index: number, size: number = this.#size): Uint8Array[] {
    checkIndex(size, 'size', this.#size);
    checkIndex(index, 'index', size - 1);
    const path: Uint8Array[] = [];
    let start = 0;
    let n = size;
    while (n > 1) {
      const k = largestPowerOfTwoBelow(n);
      if (index < start + k) {
        path.push(this.#rangeHash(start + k, n - k));
        n = k;
      } else {
        path.push(this.#rangeHash(start, k));
        start += k;
        n -= k;
      }
    }
    return path.reverse();
  }

  /** RFC 9162 PROOF(size1, D[0:size2]); empty when size1 = size2. Requires 0 < size1 ≤ size2. */
  consistencyProof(size1: number, size2: number = this.#size): Uint8Array[] {
    checkIndex(size2, 'size2', this.#size);
    checkIndex(size1, 'size1', size2);
    // RFC 9162 defines PROOF for 0 < m; a proof from the empty tree proves nothing and
    // verifyConsistency rejects it, so asking for one is a caller mistake.
    if (size1 === 0) throw new TypeError('size1 must be at least 1: no consistency proof from the empty tree');
    const proof: Uint8Array[] = [];
    let start = 0;
    let m = size1;
    let n = size2;
    let complete = true; // SUBPROOF's b: true while m is still the whole old tree's size.
    while (m !== n) {
      const k = largestPowerOfTwoBelow(n);
      if (m <= k) {
        proof.push(this.#rangeHash(start + k, n - k));
        n = k;
      } else {
        proof.push(this.#rangeHash(start, k));
        start += k;
        m -= k;
        n -= k;
        complete = false;
      }
    }
    if (!complete) proof.push(this.#rangeHash(start, m));
    return proof.reverse();
  }

  /**
   * MTH(D[start:start+n]) for n ≥ 1 and start a multiple of the power of two at or above n: the
   * right fold of the complete subtrees given by n's binary digits, highest first.
   */
  #rangeHash(start: number, n: number): Uint8Array {
    const nodes: [level: number, index: number][] = [];
    let position = start;
    for (let k = Math.floor(Math.log2(n)); k >= 0; k--) {
      const width = 2 ** k;
      if (n - (position - start) >= width) {
        nodes.push([k, position / width]);
        position += width;
      }
    }
    const last = nodes.pop();
    if (last === undefined) throw new RangeError('empty range');
    const acc = this.#node(last[0], last[1]);
    for (let j = nodes.length - 1; j >= 0; j--) {
      const [level, index] = nodes[j] as [number, number];
      const buffer = this.#levels[level] ?? missing();
      PAIR.set(buffer.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE), 1);
      PAIR.set(acc, 1 + HASH_SIZE);
      hashPairInto(acc, 0);
    }
    return acc;
  }

  #node(level: number, index: number): Uint8Array {
    const buffer = this.#levels[level] ?? missing();
    return buffer.slice(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /** Hashes nodes `left` and `left + 1` of level k into their parent on level k + 1. */
  #combine(k: number, left: number): void {
    this.#reserve(k + 1, left / 2 + 1);
    loadPair(this.#levels[k] ?? missing(), left * HASH_SIZE);
    hashPairInto(this.#levels[k + 1] ?? missing(), (left / 2) * HASH_SIZE);
  }

  #write(level: number, index: number, source: Uint8Array): void {
    this.#reserve(level, index + 1);
    (this.#levels[level] ?? missing()).set(source, index * HASH_SIZE);
  }

  /** Makes room for `count` nodes on `level`, doubling so appends stay amortised O(1). */
  #reserve(level: number, count: number): void {
    while (this.#levels.length <= level) this.#levels.push(new Uint8Array(0));
    const current = this.#levels[level] ?? missing();
    if (current.length >= count * HASH_SIZE) return;
    const grown = new Uint8Array(Math.max(count, 2 * (current.length / HASH_SIZE), 16) * HASH_SIZE);
    grown.set(current);
    this.#levels[level] = grown;
  }
}

function sha256Bytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(hash('sha256', data, 'buffer'));
}

/**
 * 0x01 ‖ left ‖ right: the input of every interior node hash, reused (all of this is synchronous).
 * Hashing it to a 'binary' (latin1) string and copying the 32 code units is about twice as fast as asking
 * node:crypto for a Buffer, which matters when a store rebuilds a million-leaf tree at open.
 */
const PAIR = new Uint8Array(1 + 2 * HASH_SIZE);
PAIR[0] = 0x01;

/** Copies two adjacent hashes (64 bytes at `offset`) into PAIR. */
function loadPair(source: Uint8Array, offset: number): void {
  for (let j = 0; j < 2 * HASH_SIZE; j++) PAIR[1 + j] = source[offset + j] as number;
}

/** Writes SHA-256(PAIR) into `target` at `offset`. */
function hashPairInto(target: Uint8Array, offset: number): void {
  const digest = hash('sha256', PAIR, 'binary');
  for (let j = 0; j < HASH_SIZE; j++) target[offset + j] = digest.charCodeAt(j);
}

function assertHash(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== HASH_SIZE) throw new TypeError(`${what} must be a ${HASH_SIZE}-byte Uint8Array`);
}

/** Throws TypeError unless `value` is an integer in [0, max]. */
function checkIndex(value: number, what: string, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${what} must be a non-negative integer`);
  if (value > max) throw new TypeError(`${what} ${value} is out of range (at most ${max})`);
}

/** The largest power of two strictly below n (n ≥ 2). */
function largestPowerOfTwoBelow(n: number): number {
  let k = 2 ** Math.floor(Math.log2(n));
  if (k >= n) k /= 2;
  // Math.log2 may round up just below a power of two for very large n; correct it.
  while (k * 2 < n) k *= 2;
  return k;
}

function missing(): never {
  throw new Error('merkle tree invariant broken: missing level');
}
