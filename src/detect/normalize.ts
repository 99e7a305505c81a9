import { hasInvisible, isInvisible } from './invisible.js';

export { hasInvisible, isInvisible, stripInvisible } from './invisible.js';
export { hashTokens, hashWord, tokenize, type TokenHashes, type Tokens } from './tokenize.js';

/**
 * Folding text for matching (NFKC + lower case, invisible characters removed) while keeping a way
 * back to the original offsets. Invisible characters are recognised in `invisible.ts`; the
 * language-agnostic tokenizer shared by the content detectors is in `tokenize.ts`.
 *
 * Every function here runs on attacker-controlled text: each is a single forward pass (or a
 * fixed number of them) with no backtracking regular expression, so its cost is linear in the
 * length of the input.
 */

// Linear: a single character class (any UTF-16 unit above 0x7F, surrogates included).
const NON_ASCII = /[\u0080-\uFFFF]/;

/**
 * Text folded for matching, with the way back: `offsets[i]` is the offset in the original text
 * (`source`) of the character that produced folded UTF-16 unit `i` (`offsets[text.length]` is the
 * original length). `offsets` is `null` when folding kept every offset.
 */
export interface Folded {
  readonly source: string;
  readonly text: string;
  readonly offsets: Int32Array | null;
}

/**
 * Strip invisible characters, apply NFKC and lower-case, one code point at a time so that every
 * folded character maps back to the original one that produced it. (Per code point, NFKC does
 * not compose a letter with a following combining mark; matching ASCII keywords does not need
 * it, and the mark stays a letter of the same word.) Fullwidth, mathematical and other
 * compatibility forms of Latin letters fold to ASCII.
 */
export function fold(text: string): Folded {
  if (!NON_ASCII.test(text)) return { source: text, text: text.toLowerCase(), offsets: null };
  if (!hasInvisible(text) && text.normalize('NFKC') === text) {
    // Already NFKC (so every code point is, alone) and nothing to strip: lower-casing alone is
    // left, and it keeps offsets unless a character expands (U+0130), which the length shows.
    const lower = text.toLowerCase();
    if (lower.length === text.length) return { source: text, text: lower, offsets: null };
  }
  const parts: string[] = [];
  const offsets: number[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      // Copy an ASCII run in one piece.
      let j = i + 1;
      while (j < n && text.charCodeAt(j) < 0x80) j++;
      parts.push(text.slice(i, j).toLowerCase());
      for (let k = i; k < j; k++) offsets.push(k);
      i = j;
      continue;
    }
    const cp = text.codePointAt(i) ?? c;
    const width = cp > 0xffff ? 2 : 1;
    if (!isInvisible(cp)) {
      const out =
        width === 1
          ? foldedUnit(c)
          : text
              .slice(i, i + width)
              .normalize('NFKC')
              .toLowerCase();
      parts.push(out);
      for (let k = 0; k < out.length; k++) offsets.push(i);
    }
    i += width;
  }
  offsets.push(n);
  return { source: text, text: parts.join(''), offsets: Int32Array.from(offsets) };
}

/** NFKC + lower case of each BMP code unit, computed once (the per-character path costs ~0.3 µs). */
const FOLDED_UNITS: (string | undefined)[] = new Array<string | undefined>(0x10000);
function foldedUnit(c: number): string {
  let out = FOLDED_UNITS[c];
  if (out === undefined) {
    out = String.fromCharCode(c).normalize('NFKC').toLowerCase();
    FOLDED_UNITS[c] = out;
  }
  return out;
}

/**
 * Map a span of folded text back to a span of the original text (end exclusive). A span that
 * ends inside the expansion of one original character (NFKC "ﬁ" → "fi") covers that character.
 */
export function originalSpan(folded: Folded, start: number, end: number): { start: number; end: number } {
  const o = folded.offsets;
  if (o === null) return { start, end };
  const s = o[start] ?? 0;
  if (end <= start) return { start: s, end: s };
  const last = o[end - 1] ?? s;
  return { start: s, end: last + ((folded.source.codePointAt(last) ?? 0) > 0xffff ? 2 : 1) };
}
