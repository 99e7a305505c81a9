/**
 * Hashed text features for the injection model, computed the same way at training and at scan time.
 *
 * The text is read one UTF-16 code unit at a time through a fold table (NFKC, lower case, Latin,
 * Greek and Cyrillic accents dropped, every decimal digit read as `0`, whitespace runs read as one
 * space, invisible characters skipped). Two groups of features are hashed into one table of
 * 2^FEATURE_BITS buckets, with no tokenizer and no assumption about the language or script:
 *
 * - character n-grams of 3 to 5 folded characters (they carry the signal for every script); the
 *   text reads as if preceded by spaces, so its start is marked;
 * - word unigrams and bigrams, a word being a run of letters and digits, and each Han or kana
 *   character a word of its own (scripts written without spaces).
 *
 * Texts are cut into windows of WINDOW code units every STRIDE, so an injection buried in a long
 * e-mail dominates at least one window. The text is read in blocks of STRIDE code units; window m
 * is blocks m and m + 1, and its features are the events read in them, each group scaled by
 * 1/√(its event count). Long texts are read in chunks of CHUNK code units overlapping by WINDOW, so
 * the buffers never grow with the input (attacker-controlled: any length is accepted).
 */

import { Buffer } from 'node:buffer';

/** Changes whenever the features change (n-gram orders, hashing, folding, windows): old weights are refused. */
export const FEATURE_VERSION = 3;

export const FEATURE_BITS = 18;
export const FEATURE_BUCKETS = 1 << FEATURE_BITS;
/** Buckets are the top FEATURE_BITS bits of hash × golden ratio (Fibonacci hashing). */
const GOLDEN = 0x9e3779b1;
const SHIFT = 32 - FEATURE_BITS;
/** Set on the bucket of word-group events. */
export const WORD_FLAG = 1 << 30;

export const WINDOW = 512;
export const STRIDE = 256;
export const CHUNK = 8192;
export const CHUNK_STEP = CHUNK - WINDOW;
/** Blocks of STRIDE code units in one chunk. */
export const CHUNK_BLOCKS = CHUNK / STRIDE;

const SPACE = 0x20;
const SKIP = 0xffff;
const FNV_PRIME = 16777619;
const SALT3 = 0xb5297a4d,
  SALT4 = 0x1b56c4e9,
  SALT5 = 0x7feb352d;

/** Number of windows scored for a text of `length` code units (at least one). */
export function windowCount(length: number): number {
  return length <= WINDOW ? 1 : Math.ceil((length - WINDOW) / STRIDE) + 1;
}

/** The divisor of a group's summed weights in a window holding `count` events of that group. */
export function normalizer(count: number): number {
  return count > 0 ? Math.sqrt(count) : 1;
}

// ---- fold table -------------------------------------------------------------------------------

const fold = new Uint16Array(65536); // 0: not computed yet
/** Characters that render as nothing: soft hyphen, joiners, direction marks, variation selectors… */
function isInvisible(c: number): boolean {
  return (
    c === 0xad ||
    c === 0x34f ||
    c === 0x61c ||
    c === 0x115f ||
    c === 0x1160 ||
    c === 0x17b4 ||
    c === 0x17b5 ||
    c === 0x3164 ||
    c === 0xfeff ||
    c === 0xffa0 ||
    (c >= 0x180b && c <= 0x180f) ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x206f) ||
    (c >= 0xfe00 && c <= 0xfe0f) ||
    (c >= 0xfff0 && c <= 0xfff8)
  );
}
const ACCENTS = /[\u0300-\u036f]/g;
const DIGIT = /^\p{Nd}$/u;
const SPACE_RE = /^\s$/;

function computeFold(c: number): number {
  if (c < 0x80) {
    if (c >= 0x41 && c <= 0x5a) return c + 32;
    if (c >= 0x30 && c <= 0x39) return 0x30;
    if (c <= SPACE || c === 0x7f) return SPACE;
    return c;
  }
  if (c >= 0xd800 && c <= 0xdfff) return c; // surrogates: read as they are (tags handled by the caller)
  const ch = String.fromCharCode(c);
  if (isInvisible(c) || (c >= 0x0300 && c <= 0x036f)) return SKIP;
  if (SPACE_RE.test(ch) || c < 0xa0) return SPACE;
  let s = ch.normalize('NFKC').toLowerCase();
  if (c < 0x0530 || (c >= 0x1e00 && c <= 0x1fff)) s = s.normalize('NFD').replace(ACCENTS, '');
  if (s.length === 0) return SKIP;
  const first = s.charCodeAt(0);
  if (DIGIT.test(s[0] ?? '')) return 0x30;
  if (first < 0x80) return computeFold(first); // e.g. fullwidth letters and punctuation
  if (SPACE_RE.test(s[0] ?? '')) return SPACE;
  return first === 0 ? SPACE : first;
}

/** The folded code unit for `c` (SKIP for invisible characters). */
export function foldCodeUnit(c: number): number {
  let f = fold[c]!;
  if (f === 0) {
    f = computeFold(c);
    fold[c] = f;
  }
  return f;
}

/** The fold table itself (entries not yet computed are 0: call foldCodeUnit for those). */
export function foldTable(): Uint16Array {
  return fold;
}

/** Folded value of invisible characters (skipped) and of whitespace. */
export const foldedSkip = SKIP;
export const foldedSpace = SPACE;

/** True for folded units that belong to a word (letters, digits, marks of any script). */
export function isWordUnit(f: number): boolean {
  if (f < 0x80) return (f >= 0x61 && f <= 0x7a) || f === 0x30;
  if (f === SKIP) return false;
  if (f >= 0x2000 && f <= 0x2bff) return false; // punctuation, symbols, arrows, boxes
  if (f >= 0x3000 && f <= 0x303f) return false; // CJK punctuation
  if (f >= 0xa0 && f <= 0xbf) return false; // Latin-1 punctuation and symbols
  if (f === 0xd7 || f === 0xf7) return false;
  return true;
}

/** Han, kana and CJK compatibility ideographs: each one is a word. */
function isCjkUnit(f: number): boolean {
  return (f >= 0x3040 && f <= 0x30ff) || (f >= 0x3400 && f <= 0x9fff) || (f >= 0xf900 && f <= 0xfaff);
}

// ---- code units -------------------------------------------------------------------------------

/** Units copied per piece when a pass reads a long text. */
export const PIECE = CHUNK;

/**
 * A reused buffer of UTF-16 code units: text is copied in natively (Buffer#write), and the hot
 * loops read a Uint16Array, about twice as fast as String#charCodeAt. Lone surrogates are kept.
 */
export class CodeUnits {
  readonly #buffer = Buffer.alloc(2 * PIECE);
  readonly units = new Uint16Array(this.#buffer.buffer, this.#buffer.byteOffset, PIECE);

  /** Copies text[start, end) (at most PIECE units) and returns how many were copied. */
  load(text: string, start: number, end: number): number {
    const piece = start === 0 && end === text.length ? text : text.slice(start, Math.min(end, start + PIECE));
    return this.#buffer.write(piece, 0, 'utf16le') >> 1;
  }
}

// ---- extraction -------------------------------------------------------------------------------

/**
 * The features of one chunk, in one of two forms.
 *
 * - `extract` (training): the events of block b (bucket, with WORD_FLAG for word features) are
 *   `code[blockStart[b] … blockStart[b + 1])`.
 * - `accumulate` (scanning): each event adds its weight at once to its block's sums.
 *
 * Block b covers [chunkStart + b·STRIDE, + STRIDE). An event belongs to the block of the code unit
 * being read when it is emitted (a word is emitted when the unit after it is read). Both forms run
 * one loop, so training and scanning see the same features.
 */
export class FeatureEvents {
  readonly #text = new CodeUnits();
  /** Events (training): at most 7 per code unit (3 character n-grams, 2 + 2 word features). */
  readonly code = new Int32Array(CHUNK * 7 + 16);
  /** First event of each block (training); blockStart[b + 1] ends block b. */
  readonly blockStart = new Int32Array(CHUNK_BLOCKS + 3);
  /** Per block: sum of the weights of its character and word events, and their numbers (scanning). */
  readonly charSum = new Float64Array(CHUNK_BLOCKS + 3);
  readonly charCount = new Float64Array(CHUNK_BLOCKS + 3);
  readonly wordSum = new Float64Array(CHUNK_BLOCKS + 3);
  readonly wordCount = new Float64Array(CHUNK_BLOCKS + 3);
  chunkStart = 0;
  chunkEnd = 0;

  /** Events of text[start, end) (end − start ≤ CHUNK), read afresh from `start`. */
  extract(text: string, start: number, end: number): void {
    this.#run(text, start, end, null);
  }

  /** Weighted sums per block of text[start, end) under `weights` (indexed by bucket). */
  accumulate(text: string, start: number, end: number, weights: Float32Array): void {
    this.#run(text, start, end, weights);
  }

  #run(text: string, start: number, end: number, w: Float32Array | null): void {
    const cs = this.charSum,
      cc = this.charCount,
      ws = this.wordSum,
      wc = this.wordCount;
    const code = this.code,
      blockStart = this.blockStart;
    let n = 0; // events (training)
    let csum = 0,
      ccount = 0,
      wsum = 0,
      wcount = 0; // the current block's sums
    let block = 0;
    let edge = STRIDE;
    blockStart[0] = 0;
    let p1 = SPACE,
      p2 = SPACE,
      p3 = SPACE,
      p4 = SPACE; // the text reads as if preceded by spaces
    let last = SPACE;
    let wordHash = 0,
      wordLen = 0,
      prevWord = 0;
    const units = this.#text.units;
    const count = this.#text.load(text, start, end);
    for (let i = 0; i < count; i++) {
      while (i >= edge) {
        cs[block] = csum;
        cc[block] = ccount;
        ws[block] = wsum;
        wc[block] = wcount;
        csum = ccount = wsum = wcount = 0;
        blockStart[++block] = n;
        edge += STRIDE;
      }
      const cu = units[i]!;
      if (cu === 0xdb40 && i + 1 < count && units[i + 1]! >= 0xdc00 && units[i + 1]! <= 0xdfff) {
        i++; // Unicode tag characters (U+E0000–U+E007F, …) are invisible: skip the pair (a lone 0xdb40 hides nothing)
        continue;
      }
      let f = fold[cu]!;
      if (f === 0) f = foldCodeUnit(cu);
      if (f === SKIP || (f === SPACE && last === SPACE)) continue;
      last = f;
      // word features: a word ends at a non-word unit; each CJK unit is a word of its own
      const cjk = f >= 0x3040 && isCjkUnit(f);
      if (!cjk && isWordUnit(f)) {
        wordHash = Math.imul(wordLen === 0 ? 0x811c9dc5 ^ f : wordHash ^ f, FNV_PRIME);
        wordLen++;
      } else {
        for (let k = wordLen > 0 ? 0 : 1; k < (cjk ? 2 : 1); k++) {
          // k = 0: the word that just ended; k = 1: the CJK unit itself
          const h = k === 0 ? wordHash : Math.imul(0x811c9dc5 ^ f, FNV_PRIME);
          const uni = Math.imul(h ^ 0x5bd1e995, GOLDEN) >>> SHIFT;
          if (w === null) code[n++] = uni | WORD_FLAG;
          else wsum += w[uni]!;
          wcount++;
          if (prevWord !== 0) {
            const bi = Math.imul(Math.imul(prevWord ^ 0x27d4eb2f, FNV_PRIME) ^ h, GOLDEN) >>> SHIFT;
            if (w === null) code[n++] = bi | WORD_FLAG;
            else wsum += w[bi]!;
            wcount++;
          }
          prevWord = h;
        }
        wordLen = 0;
      }
      // character n-grams ending here, orders 3..5 (the order-2 hash is only a step)
      let h = Math.imul(Math.imul(Math.imul(f ^ 0x9e3779b9, FNV_PRIME) ^ p1, FNV_PRIME) ^ p2, FNV_PRIME);
      let b = Math.imul(h ^ SALT3, GOLDEN) >>> SHIFT;
      if (w === null) code[n++] = b;
      else csum += w[b]!;
      h = Math.imul(h ^ p3, FNV_PRIME);
      b = Math.imul(h ^ SALT4, GOLDEN) >>> SHIFT;
      if (w === null) code[n++] = b;
      else csum += w[b]!;
      h = Math.imul(h ^ p4, FNV_PRIME);
      b = Math.imul(h ^ SALT5, GOLDEN) >>> SHIFT;
      if (w === null) code[n++] = b;
      else csum += w[b]!;
      ccount += 3;
      p4 = p3;
      p3 = p2;
      p2 = p1;
      p1 = f;
    }
    if (wordLen > 0) {
      // the text ends inside a word: it is emitted in the last block
      const uni = Math.imul(wordHash ^ 0x5bd1e995, GOLDEN) >>> SHIFT;
      if (w === null) code[n++] = uni | WORD_FLAG;
      else wsum += w[uni]!;
      wcount++;
      if (prevWord !== 0) {
        const bi = Math.imul(Math.imul(prevWord ^ 0x27d4eb2f, FNV_PRIME) ^ wordHash, GOLDEN) >>> SHIFT;
        if (w === null) code[n++] = bi | WORD_FLAG;
        else wsum += w[bi]!;
        wcount++;
      }
    }
    cs[block] = csum;
    cc[block] = ccount;
    ws[block] = wsum;
    wc[block] = wcount;
    blockStart[++block] = n;
    // blocks past the end are empty
    for (let k = block; k <= CHUNK_BLOCKS; k++) {
      cs[k] = cc[k] = ws[k] = wc[k] = 0;
      blockStart[k + 1] = n;
    }
    this.chunkStart = start;
    this.chunkEnd = end;
  }

  /** Sums of local window m (blocks m and m + 1) into `out`: char sum, char count, word sum, word count. */
  windowSums(m: number, out: Float64Array): void {
    out[0] = this.charSum[m]! + this.charSum[m + 1]!;
    out[1] = this.charCount[m]! + this.charCount[m + 1]!;
    out[2] = this.wordSum[m]! + this.wordSum[m + 1]!;
    out[3] = this.wordCount[m]! + this.wordCount[m + 1]!;
  }
}

/** The chunks a text is read in: [j·CHUNK_STEP, min(length, j·CHUNK_STEP + CHUNK)). */
export function chunkCount(length: number): number {
  return length <= CHUNK ? 1 : Math.ceil((length - WINDOW) / CHUNK_STEP);
}

/**
 * Calls `visit(k, start, end)` for each window of `text` whose start lies in the chunk held by
 * `events` (windows are assigned to the chunk containing their start; every window fits in it).
 */
export function windowsOfChunk(events: FeatureEvents, textLength: number, visit: (k: number, start: number, end: number) => void): void {
  const total = windowCount(textLength);
  const firstK = Math.ceil(events.chunkStart / STRIDE);
  const lastChunk = events.chunkEnd >= textLength;
  for (let k = firstK; k < total; k++) {
    const s = k * STRIDE;
    if (!lastChunk && s >= events.chunkStart + CHUNK_STEP) break;
    visit(k, s, Math.min(s + WINDOW, textLength));
  }
}
