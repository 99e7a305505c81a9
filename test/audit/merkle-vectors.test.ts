/**
 * RFC 9162 proof verification against the probe vectors of transparency-dev/merkle
 * (https://github.com/transparency-dev/merkle, testdata/, Apache-2.0; licence beside the copy in
 * shared data at vectors/merkle/LICENSE). Each file probes one reference tree: a happy path and
 * its mutations (wrong sizes, tampered or reordered proof elements, wrong roots and leaves). Every
 * file is one test named by its path under vectors/merkle/; wantErr true means verification must
 * throw PROOF_INVALID, false that it returns.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, test } from 'node:test';
import { isMassError } from '../../src/core/errors.js';
import { verifyConsistency, verifyInclusion } from '../../src/audit/verify-proof.js';
import { sharedDataFile } from '../support/shared-data.js';

const VECTORS = sharedDataFile('vectors/merkle');
const EXPECTED_FILES = 196;

interface InclusionVector {
  readonly leafIdx: number;
  readonly treeSize: number;
  readonly root: string;
  readonly leafHash: string;
  readonly proof: readonly string[] | null;
  readonly desc: string;
  readonly wantErr: boolean;
}

interface ConsistencyVector {
  readonly size1: number;
  readonly size2: number;
  readonly root1: string;
  readonly root2: string;
  readonly proof: readonly string[] | null;
  readonly desc: string;
  readonly wantErr: boolean;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const files = VECTORS.skip === undefined ? jsonFiles(VECTORS.path) : [];
const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const proofOf = (proof: readonly string[] | null): Uint8Array[] => (proof ?? []).map(b64);

function expectVerdict(wantErr: boolean, verify: () => void): void {
  if (wantErr) {
    assert.throws(verify, (error: unknown) => isMassError(error, 'PROOF_INVALID'));
  } else {
    assert.doesNotThrow(verify);
  }
}

describe('transparency-dev/merkle probe vectors', { skip: VECTORS.skip }, () => {
  test(`there are ${EXPECTED_FILES} vector files`, () => {
    assert.equal(files.length, EXPECTED_FILES);
  });

  for (const file of files) {
    const name = relative(VECTORS.path, file).split(sep).join('/');
    test(name, () => {
      if (name.startsWith('inclusion/')) {
        // leafIdx may exceed 2^53 ("leafIdx sub @1" wraps to 2^64 - 1): JSON.parse rounds it, and
        // the verifier rejects any index that is not a safe integer below the size.
        const v = JSON.parse(readFileSync(file, 'utf8')) as InclusionVector;
        expectVerdict(v.wantErr, () => verifyInclusion(b64(v.leafHash), v.leafIdx, v.treeSize, proofOf(v.proof), b64(v.root)));
      } else if (name.startsWith('consistency/')) {
        const v = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyVector;
        expectVerdict(v.wantErr, () => verifyConsistency(v.size1, v.size2, proofOf(v.proof), b64(v.root1), b64(v.root2)));
      } else {
        assert.fail(`unexpected vector file ${name}`);
      }
    });
  }
});
