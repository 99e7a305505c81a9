/**
 * Multi-keyword search (Aho–Corasick) over the folded text of features.ts: lower case, accents of
 * Latin, Greek and Cyrillic dropped, digits read as 0, whitespace runs read as one space, and
 * invisible characters skipped — so "IGNORE", "ignóre" and "ig\u200bnore" all contain "ignore".
 *
 * One pass over the text whatever the number of keywords: ASCII transitions come from a full
 * table (state × 128), other characters from a hash table with failure links. Hits are reported
 * with UTF-16 offsets into the original text. Keywords are at most MAX_KEYWORD folded units long.
 * Input is attacker-controlled: the pass is linear, and every hit is reported (at most one per
 * keyword ending at each code unit, so the hit buffer grows at most linearly with the text).
 */
import { CodeUnits, foldCodeUnit, foldedSkip, foldedSpace, foldTable, isWordUnit } from './features.js';

export const MAX_KEYWORD = 63;

/** Folds a string the way the scanner reads text (keywords are folded with this). */
export function foldString(s: string): string {
  let out = '';
  let last = foldedSpace;
  for (let i = 0; i < s.length; i++) {
    const f = foldCodeUnit(s.charCodeAt(i));
    if (f === foldedSkip || (f === foldedSpace && last === foldedSpace && out.length > 0)) continue;
    last = f;
    out += String.fromCharCode(f);
  }
  return out;
}

export interface KeywordHits {
  /** Keyword index, start and end (original offsets) of hit i at [3i], [3i+1], [3i+2]; replaced by a larger buffer when full. */
  data: Int32Array;
  count: number;
}

export class KeywordScanner {
  readonly #ascii: Int16Array; // state·128 + unit → state
  readonly #fail: Int32Array;
  readonly #keys: Int32Array; // non-ASCII gotos: (state << 16 | unit) → state
  readonly #values: Int32Array;
  readonly #mask: number;
  readonly #outHead: Int32Array; // first output of a state (−1: none), chained by #outNext
  readonly #outId: Int32Array;
  readonly #outNext: Int32Array;
  readonly #length: Int32Array; // folded length per keyword
  readonly #inKeywords = new Uint8Array(65536); // 1 for code units that occur in some keyword
  readonly #text = new CodeUnits();

  /** `keywords` are folded with foldString; empty ones never match. */
  constructor(keywords: readonly string[]) {
    const folded = keywords.map((k) => foldString(k).slice(0, MAX_KEYWORD));
    const children: Map<number, number>[] = [new Map()];
    const outputs: number[][] = [[]];
    folded.forEach((k, id) => {
      if (k.length === 0) return;
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        let t = children[s]!.get(c);
        if (t === undefined) {
          t = children.length;
          children.push(new Map());
          outputs.push([]);
          children[s]!.set(c, t);
        }
        s = t;
      }
      outputs[s]!.push(id);
    });
    const states = children.length;
    if (states >= 1 << 15) throw new RangeError('too many keyword states');
    const fail = new Int32Array(states);
    const order: number[] = [0];
    for (let q = 0; q < order.length; q++) {
      const s = order[q]!;
      for (const [c, t] of children[s]!) {
        order.push(t);
        if (s === 0) continue;
        let f = fail[s]!;
        while (f !== 0 && !children[f]!.has(c)) f = fail[f]!;
        fail[t] = children[f]!.get(c) ?? 0;
        outputs[t]!.push(...outputs[fail[t]]!);
      }
    }
    const ascii = new Int16Array(states * 128);
    for (const s of order) {
      for (let c = 0; c < 128; c++) {
        const t = children[s]!.get(c);
        ascii[s * 128 + c] = t ?? (s === 0 ? 0 : ascii[fail[s]! * 128 + c]!);
      }
    }
    let nonAscii = 0;
    for (const m of children) {
      for (const c of m.keys()) {
        this.#inKeywords[c] = 1;
        if (c >= 128) nonAscii++;
      }
    }
    let size = 16;
    while (size < nonAscii * 2) size <<= 1;
    this.#keys = new Int32Array(size).fill(-1);
    this.#values = new Int32Array(size);
    this.#mask = size - 1;
    children.forEach((m, s) => {
      for (const [c, t] of m) {
        if (c < 128) continue;
        const key = (s << 16) | c;
        let h = Math.imul(key, 0x9e3779b1) >>> 0;
        while (this.#keys[h & this.#mask] !== -1) h++;
        this.#keys[h & this.#mask] = key;
        this.#values[h & this.#mask] = t;
      }
    });
    const outCount = outputs.reduce((n, o) => n + o.length, 0);
    this.#outHead = new Int32Array(states).fill(-1);
    this.#outId = new Int32Array(outCount);
    this.#outNext = new Int32Array(outCount);
    let k = 0;
    outputs.forEach((o, s) => {
      for (const id of o) {
        this.#outId[k] = id;
        this.#outNext[k] = this.#outHead[s]!;
        this.#outHead[s] = k++;
      }
    });
    this.#ascii = ascii;
    this.#fail = fail;
    this.#length = Int32Array.from(folded, (f) => f.length);
  }

  #goto(s: number, c: number): number {
    const key = (s << 16) | c;
    let h = Math.imul(key, 0x9e3779b1) >>> 0;
    for (;;) {
      const k = this.#keys[h & this.#mask]!;
      if (k === key) return this.#values[h & this.#mask]!;
      if (k === -1) return -1;
      h++;
    }
  }

  /** Finds every keyword occurrence in text; returns the hits (reusing `hits`, whose buffer grows when full). */
  scan(text: string, hits: KeywordHits): KeywordHits {
    const fold = foldTable();
    const ascii = this.#ascii,
      fail = this.#fail,
      outHead = this.#outHead,
      inKeywords = this.#inKeywords;
    let data = hits.data;
    let max = Math.floor(data.length / 3);
    let found = 0;
    let s = 0;
    let last = foldedSpace;
    let skip = false;
    const units = this.#text.units;
    for (let base = 0; base < text.length;) {
      const count = this.#text.load(text, base, text.length);
      if (count === 0) break;
      for (let j = 0; j < count; j++) {
        const cu = units[j]!;
        const i = base + j;
        // Tag characters (0xdb40 then a low surrogate) are invisible. A lone 0xdb40 is skipped
        // alone: the unit after it is read, so it cannot hide the first letter of a keyword.
        if (cu === 0xdb40) {
          skip = true;
          continue;
        }
        if (skip) {
          skip = false;
          if (cu >= 0xdc00 && cu <= 0xdfff) continue;
        }
        let f = fold[cu]!;
        if (f === 0) f = foldCodeUnit(cu);
        if (f === foldedSkip || (f === foldedSpace && last === foldedSpace)) continue;
        last = f;
        if (f < 128) s = ascii[(s << 7) | f]!;
        else if (inKeywords[f] === 0)
          s = 0; // no keyword has this unit: every partial match breaks
        else {
          for (;;) {
            const t = this.#goto(s, f);
            if (t >= 0) {
              s = t;
              break;
            }
            if (s === 0) break;
            s = fail[s]!;
          }
        }
        for (let o = outHead[s]!; o >= 0; o = this.#outNext[o]!) {
          if (found === max) {
            const grown = new Int32Array(Math.max(48, data.length * 2));
            grown.set(data);
            data = hits.data = grown;
            max = Math.floor(data.length / 3);
          }
          const id = this.#outId[o]!;
          data[3 * found] = id;
          data[3 * found + 1] = startOf(text, i, this.#length[id]!);
          data[3 * found + 2] = i + 1;
          found++;
        }
      }
      base += count;
    }
    hits.count = found;
    return hits;
  }
}

/** Where a keyword of `length` folded units ending at code unit `last` starts (walking back). */
function startOf(text: string, last: number, length: number): number {
  let i = last;
  let n = 1;
  let prev = foldCodeUnit(text.charCodeAt(i));
  while (n < length && i > 0) {
    i--;
    const cu = text.charCodeAt(i);
    if (cu >= 0xdc00 && cu <= 0xdfff && i > 0 && text.charCodeAt(i - 1) === 0xdb40) {
      i--; // a tag character pair
      continue;
    }
    const f = foldCodeUnit(cu);
    if (f === foldedSkip || (f === foldedSpace && prev === foldedSpace)) continue;
    prev = f;
    n++;
  }
  return i;
}

/** True when the code unit at `i` of `text` reads as a letter, digit or `_` (outside the text: false). */
export function isWordAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const f = foldCodeUnit(text.charCodeAt(i));
  return f === 0x5f || isWordUnit(f);
}
