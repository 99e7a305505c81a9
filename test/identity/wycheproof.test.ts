import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ed25519Verify } from '../../src/identity/keys.js';
import { sharedDataFile } from '../support/shared-data.js';

/**
 * Wycheproof Ed25519 verification vectors, from C2SP/wycheproof
 * @dac1dd4 testvectors_v1/ed25519_test.json (Apache-2.0; see ../shared/data/SOURCES.md), kept at
 * ../shared/data/vectors/ed25519/wycheproof_ed25519_test.json. Every one of the 151 cases goes
 * through `ed25519Verify` and must get its expected verdict. Skips with a message when the shared
 * data folder is absent.
 */

interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly msg: string;
  readonly sig: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
}

interface WycheproofGroup {
  readonly publicKey: { readonly pk: string };
  readonly tests: readonly WycheproofTest[];
}

interface WycheproofFile {
  readonly algorithm: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly WycheproofGroup[];
}

const EXPECTED_VECTORS = 151;
const vectors = sharedDataFile('vectors/ed25519/wycheproof_ed25519_test.json');
const suite = vectors.skip === undefined ? (JSON.parse(readFileSync(vectors.path, 'utf8')) as WycheproofFile) : undefined;

function hex(text: string): Uint8Array {
  assert.match(text, /^(?:[0-9a-f]{2})*$/, `not hex: ${text}`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

function describeCase(t: WycheproofTest): string {
  const comment = t.comment === '' ? '(no comment)' : t.comment;
  return `wycheproof_ed25519_test.json tcId ${t.tcId}: ${comment} [${t.flags.join(', ')}], expected ${t.result}`;
}

if (suite === undefined) {
  test('Wycheproof Ed25519 vectors', { skip: vectors.skip }, () => {});
} else {
  test('Wycheproof Ed25519 file holds all 151 vectors', () => {
    assert.equal(suite.algorithm, 'EDDSA');
    const count = suite.testGroups.reduce((n, group) => n + group.tests.length, 0);
    assert.equal(count, EXPECTED_VECTORS, 'vector count in the file');
    assert.equal(suite.numberOfTests, EXPECTED_VECTORS, 'numberOfTests in the file header');
    const ids = new Set(suite.testGroups.flatMap((group) => group.tests.map((t) => t.tcId)));
    assert.equal(ids.size, EXPECTED_VECTORS, 'tcIds are distinct');
  });

  suite.testGroups.forEach((group, index) => {
    const first = group.tests[0]?.tcId;
    const last = group.tests.at(-1)?.tcId;
    test(`Wycheproof Ed25519 group ${index} (tcId ${first}..${last}), public key ${group.publicKey.pk.slice(0, 16)}…`, () => {
      const publicKey = hex(group.publicKey.pk);
      for (const t of group.tests) {
        const verdict = ed25519Verify(publicKey, hex(t.msg), hex(t.sig));
        if (t.result === 'acceptable') {
          // Either verdict is conformant; the call must still return a boolean and not throw.
          assert.equal(typeof verdict, 'boolean', describeCase(t));
        } else {
          assert.equal(verdict, t.result === 'valid', describeCase(t));
        }
      }
    });
  });

  test('Wycheproof Ed25519: every vector was run, valid and invalid both present', () => {
    const results = suite.testGroups.flatMap((group) => group.tests.map((t) => t.result));
    assert.equal(results.length, EXPECTED_VECTORS);
    assert.ok(results.includes('valid'), 'file has valid vectors');
    assert.ok(results.includes('invalid'), 'file has invalid vectors');
  });
}
