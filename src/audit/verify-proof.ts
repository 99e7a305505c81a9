/**
 * RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) proof verification, step by step as
 * the RFC writes them. Proofs, sizes and roots come from a log we do not trust: every check fails
 * closed with MassError('PROOF_INVALID'); only arguments of the wrong type (a caller mistake)
 * throw TypeError. Tree sizes are JavaScript numbers, so the bit operations of the RFC are done
 * with arithmetic (exact up to 2^53) instead of 32-bit operators.
 */
import { timingSafeEqual } from 'node:crypto';
import { MassError } from '../core/errors.js';
import { HASH_SIZE, nodeHash } from './merkle.js';

/**
 * Verifies that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`, given
 * the inclusion path `proof` (leaf to root). Returns nothing; throws PROOF_INVALID on failure.
 */
export function verifyInclusion(leafHash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): void {
  checkTypes({ leafHash, root }, proof, { index, size });
  checkSize(index, 'index');
  checkSize(size, 'size');
  checkHash(leafHash, 'leaf hash');
  checkHash(root, 'root');
  proof.forEach((p, j) => checkHash(p, `proof[${j}]`));

  // 1. leaf_index must be below tree_size.
  if (index >= size) fail(`index ${index} is not below size ${size}`);
  // 2. fn = leaf_index, sn = tree_size - 1.
  let fn = index;
  let sn = size - 1;
  // 3. r = hash.
  let r = leafHash;
  // 4. Chain every proof element.
  for (const p of proof) {
    // a. A proof longer than the path fails.
    if (sn === 0) fail('inclusion proof is too long');
    // b. Left sibling (or right border): r = HASH(0x01 ‖ p ‖ r); otherwise r = HASH(0x01 ‖ r ‖ p).
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // On the right border, skip the levels where the path has no sibling.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    // c. Up one level.
    fn = half(fn);
    sn = half(sn);
  }
  // 5. The path must be exhausted and the computed root must be the root given.
  if (sn !== 0) fail('inclusion proof is too short');
  if (!sameHash(r, root)) fail('inclusion proof does not lead to the root');
}

/**
 * Verifies that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves
 * with root `root1`, given the consistency proof `proof`. Returns nothing; throws PROOF_INVALID.
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): void {
  checkTypes({ root1, root2 }, proof, { size1, size2 });
  checkSize(size1, 'size1');
  checkSize(size2, 'size2');
  if (size2 < size1) fail(`size2 ${size2} is below size1 ${size1}`);
  if (size1 === size2) {
    // Same tree: nothing to prove, the roots must be identical. As in the transparency-dev
    // reference (and its test vectors), only equality is required here, of whatever length.
    if (size1 === 0) fail('consistency with the empty tree is meaningless');
    if (proof.length !== 0) fail('sizes are equal but the proof is not empty');
    if (!sameHash(root1, root2)) fail('sizes are equal but the roots differ');
    return;
  }
  // RFC 9162 defines consistency proofs for 0 < first < second; every tree extends the empty one,
  // so a proof from size 0 proves nothing and is refused (as transparency-dev does).
  if (size1 === 0) fail('consistency with the empty tree is meaningless');
  checkHash(root1, 'root1');
  checkHash(root2, 'root2');
  proof.forEach((p, j) => checkHash(p, `proof[${j}]`));

  // 1. An empty path fails.
  if (proof.length === 0) fail('consistency proof is empty');
  // 2. If first is an exact power of two, first_hash is the first element of the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  // 3. fn = first - 1, sn = second - 1.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4. Skip the levels where fn is a right child.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5. fr = sr = the first element.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // 6. Chain the remaining elements.
  for (const c of path.slice(1)) {
    // a. A path longer than the tree fails.
    if (sn === 0) fail('consistency proof is too long');
    // b. Left sibling (or right border) joins both trees; a right sibling only the new one.
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // On the right border, skip the levels where the path has no sibling.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    // c. Up one level.
    fn = half(fn);
    sn = half(sn);
  }
  // 7. Both roots must be reproduced and the path exhausted.
  if (sn !== 0) fail('consistency proof is too short');
  if (!sameHash(fr, root1)) fail('consistency proof does not lead to root1');
  if (!sameHash(sr, root2)) fail('consistency proof does not lead to root2');
}

function fail(message: string): never {
  throw new MassError('PROOF_INVALID', message);
}

function checkTypes(hashes: Record<string, unknown>, proof: unknown, numbers: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(hashes)) {
    if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  }
  if (!Array.isArray(proof)) throw new TypeError('proof must be an array');
  for (const p of proof as unknown[]) if (!(p instanceof Uint8Array)) throw new TypeError('proof elements must be Uint8Arrays');
  for (const [name, value] of Object.entries(numbers)) {
    if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  }
}

/** A size or index from a proof: a non-negative safe integer, else the proof is invalid. */
function checkSize(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) fail(`${what} is not a non-negative integer`);
}

function checkHash(value: Uint8Array, what: string): void {
  if (value.length !== HASH_SIZE) fail(`${what} is ${value.length} bytes, not ${HASH_SIZE}`);
}

/** Full-length, constant-time comparison (lengths are public). */
function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && !isOdd(n)) n = half(n);
  return n === 1;
}
