/**
 * Properties of the RFC 9162 Merkle tree and its proof verifiers, over one tree of 4,096 random
 * leaves: roots and proofs equal a naive recursive transcription of RFC 9162 §2.1 written here,
 * every proof verifies, and every tampering is caught with PROOF_INVALID.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isMassError } from '../../src/core/errors.js';
import { sha256 } from '../../src/core/hash.js';
import { EMPTY_ROOT, MerkleTree, leafHash, nodeHash } from '../../src/audit/merkle.js';
import { verifyConsistency, verifyInclusion } from '../../src/audit/verify-proof.js';

const N = 4096;
const LEAVES: readonly Uint8Array[] = Array.from({ length: N }, () => leafHash(randomBytes(24)));
const TREE = MerkleTree.from(LEAVES);

// ---- Naive reference: RFC 9162 §2.1 read literally, with its own hashing. ----

type Range = readonly [start: number, end: number];

const refNode = (left: Uint8Array, right: Uint8Array): Uint8Array => sha256(Buffer.concat([Buffer.of(1), left, right]));

/** The largest power of two strictly below n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]). */
function mth(start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 0) return sha256(new Uint8Array(0));
  if (n === 1) return LEAVES[start] as Uint8Array;
  const k = split(n);
  return refNode(mth(start, start + k), mth(start + k, end));
}

/** The ranges whose MTH make up PATH(m, D[start:end]), leaf first. */
function pathRanges(m: number, start: number, end: number): Range[] {
  const n = end - start;
  if (n <= 1) return [];
  const k = split(n);
  return m < start + k ? [...pathRanges(m, start, start + k), [start + k, end]] : [...pathRanges(m, start + k, end), [start, start + k]];
}

/** The ranges whose MTH make up SUBPROOF(m, D[start:start+n], b). */
function subproofRanges(m: number, start: number, n: number, b: boolean): Range[] {
  if (m === n) return b ? [] : [[start, start + n]];
  const k = split(n);
  return m <= k ? [...subproofRanges(m, start, k, b), [start + k, start + n]] : [...subproofRanges(m - k, start + k, n - k, false), [start, start + k]];
}

const proofRanges = (size1: number, size2: number): Range[] => subproofRanges(size1, 0, size2, true);

/**
 * The shape of MTH(D[start:end]) written over named ranges (proof elements, the leaf, root1):
 * two claims checked with the same proof verify alike exactly when their shapes are equal, since
 * a verifier only sees hashes and cannot tell a leaf from a subtree.
 */
function shape(start: number, end: number, names: ReadonlyMap<string, string>): string {
  const name = names.get(`${start}:${end}`);
  if (name !== undefined) return name;
  const n = end - start;
  if (n <= 1) return `?${start}`;
  const k = split(n);
  return `(${shape(start, start + k, names)},${shape(start + k, end, names)})`;
}

function namesOf(ranges: readonly Range[], extra: readonly [Range, string][] = []): Map<string, string> {
  const names = new Map<string, string>(ranges.map(([s, e], i) => [`${s}:${e}`, `p${i}`]));
  for (const [[s, e], label] of extra) names.set(`${s}:${e}`, label);
  return names;
}

function inclusionShape(index: number, size: number): string {
  return `${pathRanges(index, 0, size).length}|${shape(0, size, namesOf(pathRanges(index, 0, size), [[[index, index + 1], 'leaf']]))}`;
}

function consistencyShape(size1: number, size2: number): string {
  const ranges = proofRanges(size1, size2);
  const names = namesOf(ranges, Number.isInteger(Math.log2(size1)) ? [[[0, size1], 'root1']] : []);
  return `${ranges.length}|${shape(0, size1, names)}|${shape(0, size2, names)}`;
}

// ---- Generators and helpers. ----

const sizeAndIndex = fc.integer({ min: 1, max: N }).chain((size) => fc.tuple(fc.constant(size), fc.nat({ max: size - 1 })));
const twoSizes = fc.tuple(fc.integer({ min: 1, max: N }), fc.integer({ min: 1, max: N })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
const strictlyTwoSizes = twoSizes.filter(([a, b]) => a < b);

const isProofInvalid = (error: unknown): boolean => isMassError(error, 'PROOF_INVALID');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const hexAll = (list: readonly Uint8Array[]): string[] => list.map(hex);

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[Math.floor(bit / 8) % copy.length] = (copy[Math.floor(bit / 8) % copy.length] as number) ^ (1 << (bit % 8));
  return copy;
}

/** Applies one tampering chosen by `kind` to a proof list; `pick` chooses an element or bit. */
function tamperProof(proof: readonly Uint8Array[], kind: 'flip' | 'add' | 'remove', pick: number, extra: Uint8Array): Uint8Array[] | undefined {
  const list = [...proof];
  if (kind === 'flip') {
    if (list.length === 0) return undefined;
    const at = pick % list.length;
    list[at] = flipBit(list[at] as Uint8Array, pick);
  } else if (kind === 'add') {
    list.splice(pick % (list.length + 1), 0, extra);
  } else {
    if (list.length === 0) return undefined;
    list.splice(pick % list.length, 1);
  }
  return list;
}

// ---- Properties. ----

describe('MerkleTree matches the naive RFC 9162 reference', () => {
  test('root(size) equals MTH for every size up to 300 and for random sizes up to 4096', () => {
    assert.equal(hex(TREE.root(0)), hex(EMPTY_ROOT));
    assert.equal(hex(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (let size = 0; size <= 300; size++) assert.equal(hex(TREE.root(size)), hex(mth(0, size)), `size ${size}`);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: N }), (size) => hex(TREE.root(size)) === hex(mth(0, size))),
      { numRuns: 300 },
    );
    assert.equal(hex(TREE.root()), hex(mth(0, N)));
  });

  test('leafHash and nodeHash are SHA-256 with the 0x00 / 0x01 prefixes', () => {
    const entry = randomBytes(40);
    assert.equal(hex(leafHash(entry)), hex(sha256(Buffer.concat([Buffer.of(0), entry]))));
    const [a, b] = [LEAVES[0] as Uint8Array, LEAVES[1] as Uint8Array];
    assert.equal(hex(nodeHash(a, b)), hex(refNode(a, b)));
  });

  test('append one by one and appendMany in chunks give the same nodes as from()', () => {
    const oneByOne = new MerkleTree();
    const chunked = new MerkleTree();
    let next = 0;
    for (const chunk of [1, 2, 5, 8, 100, 1000, 2980]) {
      chunked.appendMany(LEAVES.slice(next, next + chunk));
      next += chunk;
    }
    LEAVES.forEach((leaf, i) => assert.equal(oneByOne.append(leaf), i));
    assert.equal(next, N);
    for (const size of [1, 2, 3, 7, 8, 9, 1000, 1023, 1024, 1025, 3000, N]) {
      assert.equal(hex(oneByOne.root(size)), hex(TREE.root(size)), `append, size ${size}`);
      assert.equal(hex(chunked.root(size)), hex(TREE.root(size)), `appendMany, size ${size}`);
    }
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        assert.deepEqual(hexAll(oneByOne.inclusionProof(index, size)), hexAll(TREE.inclusionProof(index, size)));
        assert.equal(hex(chunked.leaf(index)), hex(LEAVES[index] as Uint8Array));
      }),
      { numRuns: 300 },
    );
  });

  test('inclusionProof(index, size) equals PATH(index, D[size])', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const expected = pathRanges(index, 0, size).map(([s, e]) => hex(mth(s, e)));
        assert.deepEqual(hexAll(TREE.inclusionProof(index, size)), expected);
      }),
      { numRuns: 300 },
    );
  });

  test('consistencyProof(size1, size2) equals PROOF(size1, D[size2])', () => {
    fc.assert(
      fc.property(twoSizes, ([size1, size2]) => {
        const expected = proofRanges(size1, size2).map(([s, e]) => hex(mth(s, e)));
        assert.deepEqual(hexAll(TREE.consistencyProof(size1, size2)), expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('proofs verify', () => {
  test('every inclusion proof verifies (3,000 random index/size pairs, and every pair up to size 64)', () => {
    for (let size = 1; size <= 64; size++) {
      for (let index = 0; index < size; index++) verifyInclusion(TREE.leaf(index), index, size, TREE.inclusionProof(index, size), TREE.root(size));
    }
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        verifyInclusion(TREE.leaf(index), index, size, TREE.inclusionProof(index, size), TREE.root(size));
      }),
      { numRuns: 3000 },
    );
  });

  test('every consistency proof verifies (3,000 random size pairs, and every pair up to 64)', () => {
    for (let size2 = 1; size2 <= 64; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        verifyConsistency(size1, size2, TREE.consistencyProof(size1, size2), TREE.root(size1), TREE.root(size2));
      }
    }
    fc.assert(
      fc.property(twoSizes, ([size1, size2]) => {
        verifyConsistency(size1, size2, TREE.consistencyProof(size1, size2), TREE.root(size1), TREE.root(size2));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('tampering is caught with PROOF_INVALID', () => {
  const tamperKinds = fc.constantFrom('leaf', 'root', 'flip', 'add', 'remove');

  test('inclusion: a changed bit of the leaf, the root or a proof element, or an added or removed element', () => {
    fc.assert(
      fc.property(sizeAndIndex, tamperKinds, fc.nat({ max: 1 << 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), ([size, index], kind, pick, extra) => {
        let leaf = TREE.leaf(index);
        let root = TREE.root(size);
        let proof: Uint8Array[] | undefined = TREE.inclusionProof(index, size);
        if (kind === 'leaf') leaf = flipBit(leaf, pick);
        else if (kind === 'root') root = flipBit(root, pick);
        else proof = tamperProof(proof, kind, pick, extra);
        fc.pre(proof !== undefined);
        const tampered = proof;
        assert.throws(() => verifyInclusion(leaf, index, size, tampered, root), isProofInvalid);
      }),
      { numRuns: 3000 },
    );
  });

  test('consistency: a changed bit of either root or a proof element, or an added or removed element', () => {
    const kinds = fc.constantFrom('root1', 'root2', 'flip', 'add', 'remove');
    fc.assert(
      fc.property(twoSizes, kinds, fc.nat({ max: 1 << 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), ([size1, size2], kind, pick, extra) => {
        let root1 = TREE.root(size1);
        let root2 = TREE.root(size2);
        let proof: Uint8Array[] | undefined = TREE.consistencyProof(size1, size2);
        if (kind === 'root1') root1 = flipBit(root1, pick);
        else if (kind === 'root2') root2 = flipBit(root2, pick);
        else proof = tamperProof(proof, kind, pick, extra);
        fc.pre(proof !== undefined);
        const tampered = proof;
        assert.throws(() => verifyConsistency(size1, size2, tampered, root1, root2), isProofInvalid);
      }),
      { numRuns: 3000 },
    );
  });

  test('inclusion: a wrong index or size is refused unless the claim has the same shape', () => {
    // A wrong index always changes the leaf's path, so it always fails. A wrong size can give the
    // leaf the same path (leaf 1 of 5 and of 6: the right subtree [4,5) reads as [4,6)); then the
    // verifier cannot tell, by design: it is the root that binds the size (RFC 9162 §2.1.3.2).
    fc.assert(
      fc.property(
        sizeAndIndex,
        fc.constantFrom('index', 'size', 'both'),
        fc.nat({ max: 2 * N }),
        fc.nat({ max: 2 * N }),
        ([size, index], which, other, other2) => {
          const [index2, size2] = which === 'index' ? [other, size] : which === 'size' ? [index, other] : [other, other2];
          fc.pre(index2 !== index || size2 !== size);
          const verify = (): void => verifyInclusion(TREE.leaf(index), index2, size2, TREE.inclusionProof(index, size), TREE.root(size));
          if (index2 < size2 && inclusionShape(index2, size2) === inclusionShape(index, size)) {
            assert.notEqual(which, 'index', 'a wrong index alone never has the same shape');
            verify();
          } else {
            assert.throws(verify, isProofInvalid);
          }
        },
      ),
      { numRuns: 3000 },
    );
    verifyInclusion(TREE.leaf(1), 1, 6, TREE.inclusionProof(1, 5), TREE.root(5));
  });

  test('consistency: wrong sizes are refused unless the claim has the same shape', () => {
    // Same caveat: the proof for 4 → 5 also reads as 4 → 8 ([4,5) taken for [4,8)).
    fc.assert(
      fc.property(
        strictlyTwoSizes,
        fc.constantFrom('size1', 'size2', 'both'),
        fc.nat({ max: 2 * N }),
        fc.nat({ max: 2 * N }),
        ([size1, size2], which, other, other2) => {
          const [s1, s2] = which === 'size1' ? [other, size2] : which === 'size2' ? [size1, other] : [other, other2];
          fc.pre(s1 !== size1 || s2 !== size2);
          const verify = (): void => verifyConsistency(s1, s2, TREE.consistencyProof(size1, size2), TREE.root(size1), TREE.root(size2));
          if (s1 >= 1 && s1 < s2 && consistencyShape(s1, s2) === consistencyShape(size1, size2)) verify();
          else assert.throws(verify, isProofInvalid);
        },
      ),
      { numRuns: 3000 },
    );
    verifyConsistency(4, 8, TREE.consistencyProof(4, 5), TREE.root(4), TREE.root(5));
  });

  test('every claim about trees of up to 16 leaves verifies with a proof exactly when it has its shape', () => {
    // Exhaustive: each honest proof is checked against every other claim. Regression: a proof too
    // long for the claimed size must fail even when its extra elements complete a larger tree
    // (leaf 5 of 8 claimed as leaf 1 of 4 with root(8): the third element would reach root(8)).
    assert.throws(() => verifyInclusion(TREE.leaf(5), 1, 4, TREE.inclusionProof(5, 8), TREE.root(8)), isProofInvalid);
    const M = 16;
    for (let size = 1; size <= M; size++) {
      for (let index = 0; index < size; index++) {
        const proof = TREE.inclusionProof(index, size);
        for (let size2 = 0; size2 <= M; size2++) {
          for (let index2 = 0; index2 <= M; index2++) {
            const verify = (): void => verifyInclusion(TREE.leaf(index), index2, size2, proof, TREE.root(size));
            if (index2 < size2 && inclusionShape(index2, size2) === inclusionShape(index, size)) verify();
            else assert.throws(verify, isProofInvalid, `leaf ${index} of ${size} claimed as ${index2} of ${size2}`);
          }
        }
      }
    }
    for (let size2 = 2; size2 <= M; size2++) {
      for (let size1 = 1; size1 < size2; size1++) {
        const proof = TREE.consistencyProof(size1, size2);
        for (let c2 = 0; c2 <= M; c2++) {
          for (let c1 = 0; c1 <= M; c1++) {
            const verify = (): void => verifyConsistency(c1, c2, proof, TREE.root(size1), TREE.root(size2));
            if (c1 >= 1 && c1 < c2 && consistencyShape(c1, c2) === consistencyShape(size1, size2)) verify();
            else assert.throws(verify, isProofInvalid, `${size1} → ${size2} claimed as ${c1} → ${c2}`);
          }
        }
      }
    }
  });

  test('hashes of the wrong length are refused', () => {
    const proof = TREE.inclusionProof(5, 10);
    const root = TREE.root(10);
    const leaf = TREE.leaf(5);
    assert.throws(() => verifyInclusion(leaf.subarray(0, 31), 5, 10, proof, root), isProofInvalid);
    assert.throws(() => verifyInclusion(leaf, 5, 10, proof, Buffer.concat([root, Buffer.of(0)])), isProofInvalid);
    assert.throws(() => verifyInclusion(leaf, 5, 10, [...proof.slice(0, -1), new Uint8Array(0)], root), isProofInvalid);
    const cproof = TREE.consistencyProof(3, 10);
    assert.throws(() => verifyConsistency(3, 10, cproof, TREE.root(3).subarray(1), TREE.root(10)), isProofInvalid);
    assert.throws(
      () =>
        verifyConsistency(
          3,
          10,
          cproof.map((p) => p.subarray(0, 16)),
          TREE.root(3),
          TREE.root(10),
        ),
      isProofInvalid,
    );
  });

  test('sizes and indexes that are not non-negative safe integers are refused', () => {
    const proof = TREE.inclusionProof(5, 10);
    for (const bad of [-1, 5.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 64]) {
      assert.throws(() => verifyInclusion(TREE.leaf(5), bad, 10, proof, TREE.root(10)), isProofInvalid);
      assert.throws(() => verifyInclusion(TREE.leaf(5), 5, bad, proof, TREE.root(10)), isProofInvalid);
      assert.throws(() => verifyConsistency(bad, 10, TREE.consistencyProof(3, 10), TREE.root(3), TREE.root(10)), isProofInvalid);
    }
    assert.throws(() => verifyConsistency(0, 10, [], EMPTY_ROOT, TREE.root(10)), isProofInvalid);
    assert.throws(() => verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT), isProofInvalid);
  });
});

describe('caller mistakes throw TypeError', () => {
  test('tree methods reject out-of-range, negative and non-integer arguments', () => {
    const small = MerkleTree.from(LEAVES.slice(0, 10));
    const calls: (() => unknown)[] = [
      () => small.leaf(10),
      () => small.leaf(-1),
      () => small.leaf(1.5),
      () => small.root(11),
      () => small.root(-1),
      () => small.inclusionProof(10, 10),
      () => small.inclusionProof(3, 11),
      () => small.inclusionProof(0, 0),
      () => small.inclusionProof(Number.NaN, 5),
      () => small.consistencyProof(5, 4),
      () => small.consistencyProof(0, 4),
      () => small.consistencyProof(3, 11),
      () => small.consistencyProof(2.5, 4),
      () => small.append(new Uint8Array(31)),
      () => small.appendMany([new Uint8Array(32), new Uint8Array(33)]),
      () => MerkleTree.from([new Uint8Array(0)]),
      () => nodeHash(new Uint8Array(32), new Uint8Array(1)),
    ];
    for (const call of calls) assert.throws(call, TypeError);
    assert.equal(small.size, 10, 'a refused appendMany appends nothing');
  });

  test('verifiers reject arguments of the wrong type', () => {
    const leaf = TREE.leaf(0);
    const root = TREE.root(1);
    const wrong = 'x' as unknown as Uint8Array;
    assert.throws(() => verifyInclusion(wrong, 0, 1, [], root), TypeError);
    assert.throws(() => verifyInclusion(leaf, '0' as unknown as number, 1, [], root), TypeError);
    assert.throws(() => verifyInclusion(leaf, 0, 1, null as unknown as Uint8Array[], root), TypeError);
    assert.throws(() => verifyInclusion(leaf, 0, 1, [wrong], root), TypeError);
    assert.throws(() => verifyConsistency(1, 1, [], wrong, root), TypeError);
  });
});
