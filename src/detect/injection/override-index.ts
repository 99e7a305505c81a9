/**
 * The override rule's clause search, shared across nouns (rules.ts). The rule looks, around each
 * "instructions" noun, for the nearest verb and modifier of its language in the noun's folded
 * clause (a regex walked over the clause). Text dense in nouns and verbs made that a regex walk of
 * ~200 code units per noun and language: linear, with a large constant.
 *
 * Here the text is folded once, each stem regex is walked once over the whole folded text, and a
 * noun's clause reuses that walk: where the clause's own walk provably equals the global one
 * (away from the clause's edges, where look-behind, look-ahead and truncation differ, and after
 * both walks are at a common free position) the answer comes from the global matches; at the
 * edges the regex is tried at single positions on the clause itself. Results are those of the
 * per-clause walk, exactly (rules.ts keeps it as the reference and for texts with few nouns).
 *
 * Input is attacker-controlled: every pass is linear (one fold, one regex walk per stem regex,
 * per noun a binary search and a bounded number of single-position tries near the clause edges
 * plus the global matches within the rule's distance of the noun).
 */
import { Buffer } from 'node:buffer';
import { foldCodeUnit, foldedSkip, foldedSpace, foldTable } from './features.js';

/** A stem regex (global flag), its sticky twin, and the longest folded stem it matches. */
export interface StemRegex {
  readonly re: RegExp;
  readonly sticky: RegExp;
  readonly maxLen: number;
  /** Every alternative starts with the look-behind "not after a letter" (stems of cased scripts). */
  readonly wordStart: boolean;
}

interface Walk {
  readonly starts: number[];
  readonly ends: number[];
  /** Negation of each match in the whole folded text: 1 negated, 0 not, −1 not computed yet. */
  readonly negated: number[];
}

/** The whole text folded as a clause is (see rules.ts `foldedClause`), with each unit's original offset. */
export class FoldedText {
  readonly text: string;
  /** at[j]: offset in the original text of folded unit j; at[length] = the original length. */
  readonly at: Int32Array;
  readonly #walks = new Map<RegExp, Walk>();

  constructor(source: string) {
    const at = new Int32Array(source.length + 1);
    const codes = new Uint16Array(source.length);
    let n = 0;
    let last = foldedSpace;
    const table = foldTable();
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      let f = table[c]!;
      if (f === 0) f = foldCodeUnit(c);
      if (f === foldedSkip || (f === foldedSpace && last === foldedSpace)) continue;
      last = f;
      codes[n] = f;
      at[n++] = i;
    }
    at[n] = source.length;
    // UTF-16 units to a string natively (as features.ts CodeUnits reads them: little-endian memory)
    this.text = Buffer.from(codes.buffer, codes.byteOffset, 2 * n).toString('utf16le');
    this.at = at.subarray(0, n + 1);
  }

  /** The first folded unit whose original offset is at least `offset`. */
  unitAt(offset: number): number {
    let lo = 0;
    let hi = this.text.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  walk(re: RegExp): Walk {
    let w = this.#walks.get(re);
    if (w === undefined) {
      w = { starts: [], ends: [], negated: [] };
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(this.text)) !== null) {
        if (m[0].length === 0) re.lastIndex++;
        w.starts.push(m.index);
        w.ends.push(m.index + m[0].length);
        w.negated.push(-1);
      }
      this.#walks.set(re, w);
    }
    return w;
  }
}

/** A noun's clause in folded units: [cs, ce) and the noun [n0, n1), as rules.ts `foldedClause` computes them. */
export interface FoldedClause {
  readonly cs: number;
  readonly ce: number;
  readonly n0: number;
  readonly n1: number;
}

/** The clause of original offsets [left, right) around a noun at [start, end). */
export function clauseOf(folded: FoldedText, left: number, right: number, start: number, end: number): FoldedClause {
  const jl = folded.unitAt(left);
  const ce = folded.unitAt(right);
  // A clause is folded as if preceded by a space: its leading space is dropped.
  const cs = jl < ce && folded.text.charCodeAt(jl) === foldedSpace ? jl + 1 : jl;
  const n0 = Math.max(cs, folded.unitAt(start));
  const n1 = Math.max(n0, Math.min(ce, folded.unitAt(end)));
  return { cs, ce, n0, n1 };
}

/** Units of the stem regexes' look-arounds (rules.ts CASED): letters and digits of Latin, Greek, Cyrillic, and `_`. */
function isCasedUnit(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c >= 0xc0 && c <= 0x24f) || (c >= 0x370 && c <= 0x3ff) || (c >= 0x400 && c <= 0x4ff)
  );
}

/** Index of the last match starting before `x` (−1: none). */
function lastBefore(starts: readonly number[], x: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The search in progress (module state, not closures: this runs once per noun and language). */
const search = { best: undefined as [number, number] | undefined, bestGap: Infinity, clause: undefined as string | undefined };

/** The clause's text (folded units cs…ce), sliced once per search when a position must be tried on it. */
function clauseText(folded: FoldedText, c: FoldedClause): string {
  return (search.clause ??= folded.text.slice(c.cs, c.ce));
}

/** One match of the clause's walk, judged as rules.ts `nearest` judges it. */
function consider(
  folded: FoldedText,
  w: Walk,
  c: FoldedClause,
  s: number,
  e: number,
  index: number,
  distance: number,
  isVerb: boolean,
  before: boolean,
  negatedAt: NegatedAt,
): void {
  if (s < c.n1 && c.n0 < e) return; // the noun itself
  if (before && s >= c.n0) return;
  const gap = e <= c.n0 ? c.n0 - e : s - c.n1;
  if (gap > distance || gap >= search.bestGap) return;
  if (isVerb) {
    let negated: boolean;
    if (index >= 0 && s - 24 >= c.cs && e + 8 <= c.ce) {
      // the negation test reads the same characters in the clause and in the whole text
      if (w.negated[index] === -1) w.negated[index] = negatedAt(folded.text, s, e) ? 1 : 0;
      negated = w.negated[index] === 1;
    } else negated = negatedAt(clauseText(folded, c), s - c.cs, e - c.cs);
    if (negated) return;
  }
  search.best = [s, e];
  search.bestGap = gap;
}

export type NegatedAt = (s: string, start: number, end: number) => boolean;

/**
 * rules.ts `nearest` on the clause `c`, in folded-text units: the match of `rx` nearest the noun
 * within `distance` (before it only, if `before`), verbs not negated (`negatedAt` on a string).
 */
export function nearestInClause(
  folded: FoldedText,
  rx: StemRegex,
  c: FoldedClause,
  distance: number,
  isVerb: boolean,
  before: boolean,
  negatedAt: NegatedAt,
): [number, number] | undefined {
  const w = folded.walk(rx.re);
  const { cs, ce } = c;
  search.best = undefined;
  search.bestGap = Infinity;
  search.clause = undefined;
  // Matches starting past zoneHi are farther than `distance`; matches before zoneLo too.
  const zoneLo = c.n0 - distance - rx.maxLen - 1;
  const zoneHi = c.n1 + distance;
  // Positions from edge on may behave differently in the clause (truncation, look-ahead at its end).
  const edge = ce - rx.maxLen - 1;
  if (zoneLo > cs && zoneHi < edge) {
    // No global match near the zone: every zone position is free in the global walk, where the
    // regex failed, and reads the same characters in the clause (inside it, away from its edges).
    const k = lastBefore(w.starts, zoneHi + 1);
    if (k < 0 || w.starts[k]! < zoneLo - rx.maxLen) return undefined;
  }
  // At the clause's first position only a look-behind can tell the clause from the whole text.
  const startDiffers = cs > 0 && isCasedUnit(folded.text.charCodeAt(cs - 1));
  let x = cs; // the clause walk's position: no clause match covers it
  let k = -1; // the last global match starting before x
  while (x < ce && x <= zoneHi) {
    if (k + 1 < w.starts.length && w.starts[k + 1]! < x) {
      k++;
      if (k + 1 < w.starts.length && w.starts[k + 1]! < x) k = lastBefore(w.starts, x);
    }
    const inside = k >= 0 && w.ends[k]! > x;
    if ((x === cs && startDiffers) || inside || x >= edge) {
      // The global walk says nothing reliable here: try the regex at this one position of the clause
      // (after a letter inside the clause, a regex of word starts cannot match: no need to try).
      if (rx.wordStart && x > cs && isCasedUnit(folded.text.charCodeAt(x - 1))) {
        x++;
        continue;
      }
      rx.sticky.lastIndex = x - cs;
      const m = rx.sticky.exec(clauseText(folded, c));
      if (m !== null && m[0].length > 0) {
        consider(folded, w, c, x, x + m[0].length, -1, distance, isVerb, before, negatedAt);
        x += m[0].length;
      } else x++;
      continue;
    }
    // x is free in both walks and inside the clause: they agree from here until the edge.
    const j = k + 1;
    if (j < w.starts.length && w.starts[j]! < zoneLo) {
      // Matches before zoneLo cannot be the nearest: skip to the last one's end (a free position).
      x = Math.max(x, w.ends[lastBefore(w.starts, zoneLo)]!);
      continue;
    }
    if (j >= w.starts.length || w.starts[j]! >= edge) {
      x = Math.max(x + 1, edge); // nothing matches before the edge
      continue;
    }
    // The clause's matches up to the edge (or past the zone) are the global ones j…last; of those
    // before the noun the nearest is the last one accepted, after it the first: look outwards.
    const last = lastBefore(w.starts, Math.min(edge, zoneHi + 1));
    if (last < j) {
      x = zoneHi + 1; // the next match starts past the zone (and before the edge)
      continue;
    }
    let b = lastBefore(w.ends, c.n0 + 1); // the last match ending at or before the noun
    if (b > last) b = last;
    for (; b >= j && c.n0 - w.ends[b]! <= distance; b--) {
      const previous: [number, number] | undefined = search.best;
      consider(folded, w, c, w.starts[b]!, w.ends[b]!, b, distance, isVerb, before, negatedAt);
      if (search.best !== previous) break;
    }
    if (!before) {
      for (let a = Math.max(j, lastBefore(w.starts, c.n1) + 1); a <= last && w.starts[a]! - c.n1 <= distance; a++) {
        const previous: [number, number] | undefined = search.best;
        consider(folded, w, c, w.starts[a]!, w.ends[a]!, a, distance, isVerb, before, negatedAt);
        if (search.best !== previous) break;
      }
    }
    x = Math.max(x, w.ends[last]!);
  }
  return search.best;
}
