import { isInvisible, stripInvisible } from './invisible.js';

/**
 * A fast language-agnostic tokenizer shared by the content detectors: words split on white space
 * and punctuation in any script, one token per character in scripts written without spaces,
 * invisible characters ignored; and the same tokens hashed without being materialised.
 *
 * Every function here runs on attacker-controlled text: each is a single forward pass (or a fixed
 * number of them) with no backtracking regular expression, so its cost is linear in the length of
 * the input.
 */

// Linear: a single character class (any UTF-16 unit above 0x7F, surrogates included).
const NON_ASCII = /[\u0080-\uFFFF]/;

/**
 * Tokens of a text: `words[i]` (folded: invisible characters removed, NFKC, lower case) spans
 * `starts[i]`…`ends[i]` of the original text. `single[i]` is true for a single character of a
 * script written without spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer,
 * Myanmar, Tibetan), which the tokenizer emits one per token.
 */
export interface Tokens {
  readonly words: string[];
  readonly starts: number[];
  readonly ends: number[];
  readonly single: boolean[];
}

// Linear: each is a single character class, tested on one code point at a time.
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;
const NO_SPACE_SCRIPT =
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]$/u;

/** 1 for ASCII letters and digits, 0 otherwise. */
const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_WORD[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0;
}

const SEPARATOR = 0;
const WORD = 1;
const SINGLE = 2;
const INVISIBLE = 3;
type CharKind = typeof SEPARATOR | typeof WORD | typeof SINGLE | typeof INVISIBLE;

/** Kinds of BMP code points, filled lazily (0 = not yet known, else kind + 1). */
const BMP_KINDS = new Uint8Array(0x10000);

/** How the tokenizer treats a code point of 0x80 or more. */
function charKind(cp: number): CharKind {
  if (cp < 0x10000) {
    const known = BMP_KINDS[cp] ?? 0;
    if (known !== 0) return (known - 1) as CharKind;
  }
  let kind: CharKind = SEPARATOR;
  if (isInvisible(cp)) kind = INVISIBLE;
  else if (cp < 0xd800 || cp > 0xdfff) {
    const ch = String.fromCodePoint(cp);
    if (NO_SPACE_SCRIPT.test(ch)) kind = SINGLE;
    else if (WORD_CHAR.test(ch)) kind = WORD;
  }
  if (cp < 0x10000) BMP_KINDS[cp] = kind + 1;
  return kind;
}

/** A word as tokens carry it: invisible characters removed, NFKC, lower case. */
function foldWord(raw: string): string {
  return stripInvisible(raw).normalize('NFKC').toLowerCase();
}

/**
 * Split `text[from…to)` into words: maximal runs of letters, digits and marks (Unicode
 * categories L, N, M); everything else (white space, punctuation, symbols) separates words, in
 * any script. Invisible characters inside a word are skipped, so "ig\u200Bnore" is one word.
 * Characters of scripts written without spaces are single-character tokens. At most `maxTokens`
 * tokens are produced.
 */
export function tokenize(text: string, maxTokens = Number.MAX_SAFE_INTEGER, from = 0, to = text.length): Tokens {
  const words: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const single: boolean[] = [];
  let start = -1;
  let upper = false;
  let special = false;
  const end = Math.min(to, text.length);

  const emit = (e: number): void => {
    let w = text.slice(start, e);
    if (special) w = foldWord(w);
    else if (upper) w = w.toLowerCase();
    if (w.length > 0) {
      words.push(w);
      starts.push(start);
      ends.push(e);
      single.push(false);
    }
    start = -1;
    upper = false;
    special = false;
  };

  let i = Math.max(0, from);
  while (i < end && words.length < maxTokens) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (ASCII_WORD[c] === 1) {
        if (start < 0) start = i;
        if (c >= 65 && c <= 90) upper = true;
      } else if (start >= 0) {
        emit(i);
      }
      i++;
      continue;
    }
    const cp = text.codePointAt(i) ?? c;
    const width = cp > 0xffff ? 2 : 1;
    const kind = charKind(cp);
    if (kind === INVISIBLE) {
      // Joins rather than separates: an attacker must not break a word with a zero-width space.
      if (start >= 0) special = true;
    } else if (kind === SINGLE) {
      if (start >= 0) emit(i);
      if (words.length >= maxTokens) break;
      words.push(text.slice(i, i + width).normalize('NFKC'));
      starts.push(i);
      ends.push(i + width);
      single.push(true);
    } else if (kind === WORD) {
      if (start < 0) start = i;
      special = true;
    } else if (start >= 0) {
      emit(i);
    }
    i += width;
  }
  if (start >= 0 && words.length < maxTokens) emit(i);
  return { words, starts, ends, single };
}

/** 32-bit FNV-1a of a string's UTF-16 units, from a seed. */
export function hashWord(word: string, seed: number): number {
  let h = (seed ^ 0x811c9dc5) | 0;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
  return h;
}

/** The tokens of `tokenize`, hashed (`hashWord` of each word) instead of materialised. */
export interface TokenHashes {
  readonly hashes: number[];
  readonly starts: number[];
  readonly ends: number[];
  /** 1 where the token is a single character of a script written without spaces. */
  readonly single: number[];
}

/**
 * Exactly the tokens of `tokenize(text, maxTokens, from, to)`, as `hashWord(word, seed)`, computed
 * without building a string for ASCII words (the common case): the fast path behind replication.
 */
export function hashTokens(text: string, seed: number, maxTokens = Number.MAX_SAFE_INTEGER, from = 0, to = text.length): TokenHashes {
  const end = Math.min(to, text.length);
  const begin = Math.max(0, from);
  // At most one token per UTF-16 unit.
  const capacity = Math.max(0, Math.min(maxTokens, end - begin));
  // Plain arrays: small typed arrays are far slower to allocate than to fill.
  const hashes: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const single: number[] = [];
  const seeded = (seed ^ 0x811c9dc5) | 0;
  if (!NON_ASCII.test(begin === 0 && end === text.length ? text : text.slice(begin, end))) {
    // ASCII only (the common case): a tighter loop with no Unicode classification.
    let start = -1;
    let h = seeded;
    for (let i = begin; i < end && hashes.length < capacity; i++) {
      const c = text.charCodeAt(i);
      if (ASCII_WORD[c] === 1) {
        if (start < 0) start = i;
        h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
      } else if (start >= 0) {
        hashes.push(h);
        starts.push(start);
        ends.push(i);
        single.push(0);
        start = -1;
        h = seeded;
      }
    }
    if (start >= 0 && hashes.length < capacity) {
      hashes.push(h);
      starts.push(start);
      ends.push(end);
      single.push(0);
    }
    return { hashes, starts, ends, single };
  }
  let count = 0;
  // The word being read: its start (-1 when none), running hash, and whether it needs folding.
  let start = -1;
  let special = false;
  let h = seeded;
  let i = begin;
  // Kept in one function without closures so that the loop state stays in registers.
  while (i <= end && count < capacity) {
    let c = 32;
    let width = 1;
    let kind: CharKind = SEPARATOR;
    if (i < end) {
      c = text.charCodeAt(i);
      if (c < 0x80) {
        if (ASCII_WORD[c] === 1) {
          if (start < 0) start = i;
          h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 0x01000193);
          i++;
          continue;
        }
      } else {
        const cp = text.codePointAt(i) ?? c;
        width = cp > 0xffff ? 2 : 1;
        kind = charKind(cp);
        if (kind === INVISIBLE) {
          if (start >= 0) special = true;
          i += width;
          continue;
        }
        if (kind === WORD) {
          if (start < 0) start = i;
          special = true;
          i += width;
          continue;
        }
      }
    }
    // A separator, a single-character token or the end: emit the word being read.
    if (start >= 0) {
      let value = h;
      let empty = false;
      if (special) {
        const w = foldWord(text.slice(start, i));
        empty = w.length === 0;
        value = hashWord(w, seed);
      }
      if (!empty) {
        hashes.push(value);
        starts.push(start);
        ends.push(i);
        single.push(0);
        count++;
      }
      start = -1;
      special = false;
      h = seeded;
    }
    if (kind === SINGLE && count < capacity) {
      hashes.push(hashWord(text.slice(i, i + width).normalize('NFKC'), seed));
      starts.push(i);
      ends.push(i + width);
      single.push(1);
      count++;
    }
    i += width;
  }
  return { hashes, starts, ends, single };
}
