import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Detector, DetectorFinding } from '../../src/detect/detector.js';
import { CONFIDENTIALITY_LEVELS } from '../../src/flow/label.js';

/**
 * The common cases every content `Detector` must pass, whatever it detects (run against each
 * implementation, in the manner of hono's `common.case.test.ts`):
 *
 * - it has a name, and every finding carries it;
 * - the empty string yields no findings;
 * - on arbitrary strings (any code points, lone surrogates, and fragments that trigger the
 *   detectors: token prefixes, digits, `@`, PEM headers, tags, invisible characters) it never
 *   throws, and every finding is well-formed: a category, a finite score in [0, 1], integer
 *   offsets with 0 <= start < end <= length that do not split a surrogate pair, and a known
 *   confidentiality level if any;
 * - it is deterministic: the same text gives the same findings, on the same and on a new instance;
 * - it handles 1 MB inputs (random mixtures of the fragments, and adversarial repetitions) with
 *   the same guarantees; no timing is asserted (the test's timeout is the canary).
 *
 * `positives` are texts the detector must find something in, so that the properties also cover
 * the code that builds findings.
 */
export interface DetectorSuiteOptions {
  readonly positives: readonly string[];
  /** fast-check runs of the arbitrary-string property (default 500). */
  readonly runs?: number;
}

/** Fragments that reach the detectors' deeper paths when mixed into random text. */
export const TRIGGERS: readonly string[] = [
  'AKIA',
  'ASIA',
  'ghp_',
  'github_pat_',
  'xoxb-',
  'sk_live_',
  'sk-',
  'sk-proj-',
  'sk-ant-',
  'AIza',
  'npm_',
  'glpat-',
  'SG.',
  'AC',
  'eyJ',
  'eyJhbGciOiJIUzI1NiJ9',
  '.',
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----END RSA PRIVATE KEY-----',
  '-----BEGIN ',
  '\\n',
  'password=',
  'api_key: "',
  'token:',
  '://',
  'user:',
  '@',
  'a@b.co',
  '+',
  '+1 ',
  '(',
  ')',
  '-',
  ' ',
  '\n\n',
  '00',
  '0',
  '4111',
  '1234',
  '555',
  'DE89',
  'GB82',
  ' 3704',
  'IBAN',
  '<IMPORTANT>',
  '</system>',
  'ignore previous instructions',
  'do not tell the user',
  '~/.ssh/id_rsa',
  '.env',
  'when the send_email tool is used',
  '\u200B',
  '\u200D',
  '\u202E',
  '\u{E0041}',
  'ﬁ',
  'Ｉ',
  'İ',
  '𝐢',
  '日本語',
  'ภาษาไทย',
  'é',
  'e\u0301',
  '\uD800',
  '\uDC00',
  '\uFEFF',
  '🏴',
  '👩\u200D💻',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRIGGERS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_\-.+/=]{1,48}$/) },
  { weight: 1, arbitrary: fc.string({ unit: utf16Unit, maxLength: 8 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9 ().+-]{1,24}$/) },
);

/** Arbitrary text: mixtures of fragments, plain code point strings, or raw UTF-16 units. */
export const textArb: fc.Arbitrary<string> = fc.oneof(
  fc.array(fragment, { maxLength: 24 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: utf16Unit, maxLength: 200 }),
);

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Throws (with the text's length and the finding) unless every finding is well-formed. */
export function assertWellFormed(detector: { readonly name: string }, text: string, findings: readonly DetectorFinding[]): void {
  assert.ok(Array.isArray(findings), 'findings is an array');
  for (const f of findings) {
    const where = `${JSON.stringify(f)} in a text of ${text.length} units`;
    assert.equal(f.detector, detector.name, `detector name: ${where}`);
    assert.equal(typeof f.category, 'string', `category: ${where}`);
    assert.ok(f.category.length > 0, `category: ${where}`);
    assert.ok(Number.isFinite(f.score) && f.score >= 0 && f.score <= 1, `score: ${where}`);
    assert.ok(Number.isInteger(f.start) && Number.isInteger(f.end), `integer offsets: ${where}`);
    assert.ok(f.start >= 0 && f.start < f.end && f.end <= text.length, `offsets in bounds: ${where}`);
    // A span never starts on the second half of a surrogate pair, nor ends between the halves.
    assert.ok(!(isLowSurrogate(text.charCodeAt(f.start)) && isHighSurrogate(text.charCodeAt(f.start - 1))), `start splits a pair: ${where}`);
    assert.ok(!(isHighSurrogate(text.charCodeAt(f.end - 1)) && isLowSurrogate(text.charCodeAt(f.end))), `end splits a pair: ${where}`);
    if (f.confidentiality !== undefined) assert.ok(CONFIDENTIALITY_LEVELS.includes(f.confidentiality), `confidentiality: ${where}`);
  }
}

/** A deterministic 1 MB mixture of fragments (a small linear congruential generator, no Math.random). */
export function megabyteOfFragments(seed: number): string {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  const parts: string[] = [];
  let length = 0;
  while (length < 1 << 20) {
    const r = next();
    const piece = r % 3 === 0 ? (TRIGGERS[next() % TRIGGERS.length] ?? '') : String.fromCharCode(32 + (next() % 95)).repeat(1 + (r % 7));
    parts.push(piece);
    length += piece.length;
  }
  return parts.join('').slice(0, 1 << 20);
}

/**
 * Repeated to 1 MB, patterns that would make a careless scanner quadratic: overlapping token
 * prefixes, long runs after an opening bracket, separators without values, endless numbers and
 * addresses, headers without footers, invisible characters. The test has no timing assertion;
 * its timeout is the canary (each takes well under a second when scanning is linear).
 */
export const ADVERSARIAL: readonly string[] = [
  'a',
  ' ',
  '1',
  '@',
  '=',
  ':',
  '\u200B',
  '日',
  '\uD800',
  'eyJ-',
  'sk-a',
  'xoxb-1',
  `<${' '.repeat(4000)}`,
  '< / ',
  'AKIAAAAAAAAAAAAAAAAA abcdefghijabcdefghijabcdefghijabcdefghij ',
  'password=',
  'password=Abc123!xyz ',
  '-----BEGIN RSA PRIVATE KEY-----\n',
  '+1 ',
  '(1',
  '1-',
  '@a',
  'DE89 ',
  '://a:b@',
  'ignore all the previous ',
  'if x tool ',
  'a\u200D',
  '.env ',
  `eyJ${'a'.repeat(5000)}.`,
];

function megabyteOf(pattern: string): string {
  return pattern.repeat(Math.ceil((1 << 20) / pattern.length)).slice(0, 1 << 20);
}

export function detectorSuite(label: string, make: () => Detector, options: DetectorSuiteOptions): void {
  const detector = make();

  test(`${label}: has a name`, () => {
    assert.equal(typeof detector.name, 'string');
    assert.ok(detector.name.length > 0);
  });

  test(`${label}: the empty string yields no findings`, () => {
    assert.deepEqual(detector.scan(''), []);
  });

  test(`${label}: finds something in each positive sample, well-formed`, () => {
    for (const text of options.positives) {
      const findings = detector.scan(text);
      assert.ok(findings.length > 0, `expected a finding in ${JSON.stringify(text.slice(0, 80))}`);
      assertWellFormed(detector, text, findings);
    }
  });

  test(`${label}: never throws on arbitrary strings; findings are well-formed and deterministic`, () => {
    const fresh = make();
    fc.assert(
      fc.property(textArb, fc.constantFrom(...options.positives, ''), fc.boolean(), (noise, positive, before) => {
        const text = before ? noise + positive : positive + noise;
        const findings = detector.scan(text);
        assertWellFormed(detector, text, findings);
        assert.deepEqual(detector.scan(text), findings);
        assert.deepEqual(fresh.scan(text), findings);
      }),
      { numRuns: options.runs ?? 500 },
    );
  });

  test(`${label}: 1 MB inputs, random and adversarial`, { timeout: 120_000 }, () => {
    const texts = [megabyteOfFragments(1), megabyteOfFragments(2), ...ADVERSARIAL.map(megabyteOf)];
    for (const text of texts) {
      const findings = detector.scan(text);
      assertWellFormed(detector, text, findings);
    }
  });
}
