import type { ContextualDetector, DetectorFinding, InputText } from './detector.js';
import { type PreparedInput, type Shingled, lookup, prepareInput, shingle } from './shingles.js';

/**
 * Replication: an outgoing text that reproduces a block of text the agent read earlier in the
 * task. That is how a prompt worm spreads: an instruction in a document or message tells the
 * agent to copy the instruction into what it sends on, and the next agent does the same.
 *
 * Method: both texts are tokenized language-agnostically (`hashTokens`, the tokens of `tokenize`:
 * NFKC, lower case, split on white space and punctuation in any script, one token per character
 * in scripts written without spaces, invisible characters ignored) and cut into shingles of
 * `shingleSize` consecutive tokens. Output shingles found in an input are grouped into copied
 * segments (hits at most `maxGap` shingles apart, so that one changed word does not split a
 * copy). A segment counts when it copies at least `minShingles` distinct input shingles and
 * `minChars` characters, so that quoting a name, an address or a short phrase is not replication:
 * the defaults (12 shingles, i.e. 16 consecutive words, and 60 characters) sit above a full name
 * and postal address (about 13 words, 70 characters), which agents pass along legitimately.
 *
 * Finding: category `replication`, score = containment of the input block in the output (the
 * share of the shingles of the input's paragraphs — blocks separated by a blank line — that the
 * segment copied), span = the segment in the output. When the input it copies had already been
 * forwarded by an agent (`generation >= 1`), the copy makes two hops or more: category `worm`,
 * score at least 0.9.
 *
 * Shingling and the index of an input's shingles are in `shingles.ts` (tokens from
 * `tokenize.ts`); this module groups the hits into segments and reports them.
 */

const NAME = 'replication';

export interface ReplicationOptions {
  /** Tokens per shingle (default 5). */
  readonly shingleSize?: number;
  /** Distinct input shingles a segment must copy (default 12, i.e. 16 consecutive words). */
  readonly minShingles?: number;
  /** Characters a segment must copy (default 60; a character of a script without spaces counts 3). */
  readonly minChars?: number;
  /** Unmatched shingles allowed inside a segment (default: `shingleSize`). */
  readonly maxGap?: number;
}

/**
 * Bounds on work, because inputs and outputs are attacker-controlled:
 * - of a text longer than `2 * EDGE_CHARS`, only the first and the last `EDGE_CHARS` characters
 *   are shingled (see `shingles.ts`), so a text yields at most `2 * EDGE_CHARS` shingles;
 * - the inputs of one call are examined newest (last in the array) first, until they have
 *   contributed `MAX_INPUT_SHINGLES` shingles or `MAX_LOOKUPS` output-shingle lookups were made.
 */
const MAX_INPUT_SHINGLES = 400_000;
const MAX_LOOKUPS = 4_000_000;
const RECENT_TEXTS = 256;
const RECENT_TEXT_CHARS = 16_384;
/** Weight of a character of a script written without spaces (about a word's worth of text). */
const SINGLE_WEIGHT = 3;

interface Match {
  readonly generation: number;
  readonly start: number;
  readonly end: number;
  readonly containment: number;
}

function generationOf(input: InputText): number {
  const g = input.generation;
  return Number.isFinite(g) && g > 0 ? Math.floor(g) : 0;
}

export class ReplicationDetector implements ContextualDetector {
  readonly name = NAME;
  readonly #k: number;
  readonly #minShingles: number;
  readonly #minChars: number;
  readonly #maxGap: number;
  /**
   * Inputs are usually scanned against many outputs of the same task: keep their shingles, by
   * input object and, for callers that rebuild input objects, by text (the most recent
   * `RECENT_TEXTS` texts of at most `RECENT_TEXT_CHARS` characters each).
   */
  readonly #cache = new WeakMap<InputText, PreparedInput>();
  readonly #recent = new Map<string, PreparedInput>();

  constructor(options: ReplicationOptions = {}) {
    this.#k = positiveInt(options.shingleSize ?? 5, 'shingleSize');
    this.#minShingles = positiveInt(options.minShingles ?? 12, 'minShingles');
    this.#minChars = Math.max(0, options.minChars ?? 60);
    this.#maxGap = Math.max(0, Math.floor(options.maxGap ?? this.#k));
  }

  scan(text: string, inputs: readonly InputText[]): readonly DetectorFinding[] {
    const matches = this.#match(text, inputs);
    if (matches.length === 0) return [];
    const findings = matches.map((m): DetectorFinding => {
      const worm = m.generation >= 1;
      const score = worm ? Math.max(0.9, m.containment) : m.containment;
      return { detector: NAME, category: worm ? 'worm' : 'replication', score, start: m.start, end: m.end };
    });
    return mergeOverlaps(findings);
  }

  /** The generation the outgoing text should carry: one more than the newest copy it reproduces, 0 if it copies nothing. */
  generation(text: string, inputs: readonly InputText[]): number {
    let g = 0;
    for (const m of this.#match(text, inputs)) g = Math.max(g, m.generation + 1);
    return g;
  }

  #prepared(input: InputText): PreparedInput {
    const cached = this.#cache.get(input);
    if (cached !== undefined && cached.text === input.text) return cached;
    const text = input.text;
    const small = text.length <= RECENT_TEXT_CHARS;
    let prepared = small ? this.#recent.get(text) : undefined;
    if (prepared === undefined) {
      prepared = prepareInput(text, this.#k);
      if (small) {
        if (this.#recent.size >= RECENT_TEXTS) {
          const oldest = this.#recent.keys().next();
          if (oldest.done !== true) this.#recent.delete(oldest.value);
        }
        this.#recent.set(text, prepared);
      }
    }
    this.#cache.set(input, prepared);
    return prepared;
  }

  #match(text: string, inputs: readonly InputText[]): Match[] {
    if (typeof text !== 'string' || text.length === 0 || !Array.isArray(inputs) || inputs.length === 0) return [];
    const out = shingle(text, this.#k);
    if (out.keys.length < this.#minShingles) return [];
    const matches: Match[] = [];
    let shingles = 0;
    let lookups = 0;
    for (let i = inputs.length - 1; i >= 0 && shingles < MAX_INPUT_SHINGLES && lookups + out.keys.length <= MAX_LOOKUPS; i--) {
      const input = inputs[i];
      if (input === undefined || input === null || typeof input.text !== 'string' || input.text.length === 0) continue;
      const prepared = this.#prepared(input);
      shingles += prepared.count;
      lookups += out.keys.length;
      this.#segments(out, prepared, generationOf(input), matches);
    }
    return matches;
  }

  /** Walk the output's shingles once, grouping hits in `input` into copied segments. */
  #segments(out: Shingled, input: PreparedInput, generation: number, matches: Match[]): void {
    const keys = out.keys;
    let first = -1;
    let last = -1;
    let positions: Set<number> | null = null;
    for (let j = 0; j <= keys.length; j++) {
      const p = j < keys.length ? lookup(input, keys[j] ?? 0) : -1;
      const ends = j === keys.length || (p >= 0 && first >= 0 && j - last > this.#maxGap + 1);
      if (ends && positions !== null) {
        const m = this.#segment(out, input, first, last, positions, generation);
        if (m !== null) matches.push(m);
        first = -1;
        positions = null;
      }
      if (p < 0) continue;
      if (positions === null) {
        positions = new Set<number>();
        first = j;
      }
      last = j;
      positions.add(p);
    }
  }

  /** A copied segment (output shingles `first`…`last`, input shingles `positions`), if it counts. */
  #segment(out: Shingled, input: PreparedInput, first: number, last: number, positions: ReadonlySet<number>, generation: number): Match | null {
    if (positions.size < this.#minShingles) return null;
    const t = out.tokens;
    const firstToken = out.at[first] ?? 0;
    const lastToken = (out.at[last] ?? 0) + this.#k - 1;
    const start = t.starts[firstToken] ?? 0;
    const end = t.ends[lastToken] ?? 0;
    let copied = end - start;
    for (let i = firstToken; i <= lastToken; i++) if (t.single[i] === 1) copied += SINGLE_WEIGHT - 1;
    if (copied < this.#minChars) return null;
    const blocks = new Set<number>();
    let inBlocks = 0;
    for (const p of positions) {
      const b = input.block[p] ?? -1;
      if (b < 0) continue;
      blocks.add(b);
      inBlocks++;
    }
    let size = 0;
    for (const b of blocks) size += input.blockSize[b] ?? 0;
    const containment = size > 0 ? Math.min(1, inBlocks / size) : 0;
    return { generation, start, end, containment };
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer`);
  return value;
}

/** Of overlapping findings keep one, over their joint span: a worm over a replication, then the higher score. */
function mergeOverlaps(findings: DetectorFinding[]): DetectorFinding[] {
  if (findings.length <= 1) return findings;
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const rank = (f: DetectorFinding): number => (f.category === 'worm' ? 2 : 0) + f.score;
  const kept: DetectorFinding[] = [];
  for (const f of findings) {
    const prev = kept[kept.length - 1];
    if (prev !== undefined && f.start < prev.end) {
      const best = rank(f) > rank(prev) ? f : prev;
      kept[kept.length - 1] = { ...best, start: prev.start, end: Math.max(f.end, prev.end) };
      continue;
    }
    kept.push(f);
  }
  return kept;
}

const defaultDetector = new ReplicationDetector();

/**
 * The generation an outgoing text should carry: the highest generation among the inputs it
 * reproduces, plus one; 0 when it reproduces none.
 */
export function replicationGeneration(text: string, inputs: readonly InputText[]): number {
  return defaultDetector.generation(text, inputs);
}
