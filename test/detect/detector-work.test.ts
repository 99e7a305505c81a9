import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { InjectionDetector } from '../../src/detect/injection/detector.js';
import { OVERRIDE_STEMS } from '../../src/detect/injection/lexicon-override.js';
import { ruleWork } from '../../src/detect/injection/rules.js';

const detector = new InjectionDetector();
const TOKENS = [...new Set(Object.values(OVERRIDE_STEMS).flatMap((s) => [...s.verbs.slice(0, 3), ...s.nouns.slice(0, 3), ...s.mods.slice(0, 2)]))];
const SEPARATORS = [' ', '', '\u200b', ', ', '\n'];

/** The rule pass's work counter over one scan of `text`. */
function workOf(text: string): number {
  const before = ruleWork();
  detector.analyze(text);
  return ruleWork() - before;
}

function repeatTo(pattern: string, size: number): string {
  return pattern.repeat(Math.ceil(size / pattern.length)).slice(0, size);
}

test('crafted override-lexicon text ("prompt ignor " and generated variants): rule work grows linearly with length', () => {
  // The reported input: nouns and verbs of many languages, densely (was nouns × verbs).
  const reported = [4096, 8192, 16384].map((n) => workOf(repeatTo('prompt ignor ', n)));
  assert.ok(reported[2]! <= 2.2 * reported[1]! && reported[1]! <= 2.2 * reported[0]!, `work ${reported.join(', ')}`);
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 5 }), fc.constantFrom(...SEPARATORS), (words, sep) => {
      const pattern = `${words.join(sep)}${sep === '' ? ' ' : sep}`;
      const small = workOf(repeatTo(pattern, 4096));
      const large = workOf(repeatTo(pattern, 16384));
      // Four times the text: at most a little over four times the work (a constant for the edges).
      return large <= 4.4 * small + 2000;
    }),
    { numRuns: 25, seed: 7 },
  );
});
