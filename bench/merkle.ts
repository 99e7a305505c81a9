// Merkle tree costs (RFC 9162): building a tree of `leaves` leaf hashes as a store does at open,
// generating inclusion and consistency proofs at random positions, and verifying them.
import { randomBytes } from 'node:crypto';
import { MerkleTree } from '../src/audit/merkle.js';
import { verifyConsistency, verifyInclusion } from '../src/audit/verify-proof.js';
import { measure, type Measurement } from './measure.js';

export interface MerkleBenchOptions {
  /** Leaves in the tree (the goal is 1,000,000). */
  readonly leaves: number;
  /** Samples per proof row. */
  readonly iterations: number;
}

/** Random positions are drawn before timing, from node:crypto, and cycled through. */
const POOL = 4096;

function randomBelow(bound: number, count: number): number[] {
  const words = new Uint32Array(randomBytes(8 * count).buffer);
  const out: number[] = [];
  // 64 random bits per draw: the modulo bias is negligible for any bound a benchmark uses.
  for (let i = 0; i < count; i++) out.push(((words[2 * i] as number) * 2 ** 32 + (words[2 * i + 1] as number)) % bound);
  return out;
}

function cycle<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length] as T;
}

export async function runMerkleBench(options: MerkleBenchOptions): Promise<Measurement[]> {
  const { leaves: n, iterations } = options;
  if (!Number.isSafeInteger(n) || n < 2) throw new TypeError('leaves must be an integer ≥ 2');
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new TypeError('iterations must be a positive integer');
  const label = n.toLocaleString('en-US');

  // One Uint8Array per leaf hash, as a store hands them over when it reloads.
  const raw = randomBytes(32 * n);
  const leafHashes = Array.from({ length: n }, (_, i) => raw.subarray(32 * i, 32 * (i + 1)));

  let tree = new MerkleTree();
  const rows: Measurement[] = [];
  rows.push(
    await measure(`merkle build, ${label} leaves (MerkleTree.from)`, 1, () => {
      tree = MerkleTree.from(leafHashes);
    }),
  );

  const indexes = randomBelow(n, POOL);
  const pairs = randomBelow(n, 2 * POOL).reduce<[number, number][]>((acc, v, i, all) => {
    if (i % 2 === 0) {
      const a = v + 1;
      const b = (all[i + 1] as number) + 1;
      acc.push([Math.min(a, b), Math.max(a, b)]);
    }
    return acc;
  }, []);

  const nextIndex = cycle(indexes);
  rows.push(await measure(`merkle inclusion proof, ${label} leaves`, iterations, () => tree.inclusionProof(nextIndex(), n)));
  const nextPair = cycle(pairs);
  rows.push(
    await measure(`merkle consistency proof, ${label} leaves`, iterations, () => {
      const [size1, size2] = nextPair();
      return tree.consistencyProof(size1, size2);
    }),
  );

  const root = tree.root();
  const inclusions = indexes.slice(0, 256).map((index) => ({ index, leaf: tree.leaf(index), proof: tree.inclusionProof(index, n) }));
  const nextInclusion = cycle(inclusions);
  rows.push(
    await measure(`merkle verify inclusion, ${label} leaves`, iterations, () => {
      const { index, leaf, proof } = nextInclusion();
      verifyInclusion(leaf, index, n, proof, root);
    }),
  );
  const consistencies = pairs.slice(0, 256).map(([size1, size2]) => ({
    size1,
    size2,
    proof: tree.consistencyProof(size1, size2),
    root1: tree.root(size1),
    root2: tree.root(size2),
  }));
  const nextConsistency = cycle(consistencies);
  rows.push(
    await measure(`merkle verify consistency, ${label} leaves`, iterations, () => {
      const { size1, size2, proof, root1, root2 } = nextConsistency();
      verifyConsistency(size1, size2, proof, root1, root2);
    }),
  );
  return rows;
}
