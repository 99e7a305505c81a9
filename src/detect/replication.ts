import { randomBytes } from 'node:crypto';
import type { ContextualDetector, DetectorFinding, InputText } from './detector.js';
import { hashTokens, type TokenHashes } from './normalize.js';

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
 *   are shingled (a block hidden after padding at the end of a document is still seen), so a text
 *   yields at most `2 * EDGE_CHARS` shingles;
 * - the inputs of one call are examined newest (last in the array) first, until they have
 *   contributed `MAX_INPUT_SHINGLES` shingles or `MAX_LOOKUPS` output-shingle lookups were made.
 */
const EDGE_CHARS = 65_536;
const MAX_INPUT_SHINGLES = 400_000;
const MAX_LOOKUPS = 4_000_000;
const RECENT_TEXTS = 256;
const RECENT_TEXT_CHARS = 16_384;
/** Weight of a character of a script written without spaces (about a word's worth of text). */
const SINGLE_WEIGHT = 3;

/**
 * Seeds of the token and shingle hashes, fresh per process: an attacker who cannot predict the
 * hash cannot craft texts whose shingles collide (in the key or in the index's probe sequences).
 * Keys have 30 bits: a chance collision matches one isolated shingle, far from the `minShingles`
 * needed for a finding.
 */
const SEEDS = randomBytes(8);
const SEED_TOKEN = SEEDS.readUInt32LE(0);
const SEED_SHINGLE = SEEDS.readUInt32LE(4) | 0;

/** Tokens of a text; for a long text, head then tail, `cut` being the first tail token. */
type CutTokens = TokenHashes & { readonly cut?: number };

/**
 * A text cut into shingles: shingle `j` covers tokens `at[j]`…`at[j] + k - 1` (the tokens of the
 * tail of a long text follow those of its head, and no shingle straddles the two).
 */
interface Shingled {
  readonly tokens: CutTokens;
  /** 30-bit shingle keys. */
  readonly keys: number[];
  /** Token index of each shingle. */
  readonly at: number[];
}

/**
 * A prepared input: its shingles, the paragraph of each (-1 when it spans a paragraph break),
 * shingles per paragraph, and key → first shingle as an open-addressing table with linear probing
 * (far faster than a `Map` for the many misses of a scan; at most half full).
 */
interface PreparedInput {
  readonly text: string;
  readonly count: number;
  readonly block: Int32Array;
  readonly blockSize: readonly number[];
  readonly mask: number;
  readonly slots: Int32Array;
  readonly values: Int32Array;
}

interface Match {
  readonly generation: number;
  readonly start: number;
  readonly end: number;
  readonly containment: number;
}

function shingle(text: string, k: number): Shingled {
  const tokens: CutTokens =
    text.length > 2 * EDGE_CHARS ? joinTokens(hashTokens(text, SEED_TOKEN, EDGE_CHARS, 0, EDGE_CHARS), hashTokens(text, SEED_TOKEN, EDGE_CHARS, text.length - EDGE_CHARS)) : hashTokens(text, SEED_TOKEN);
  const h = tokens.hashes;
  const keys: number[] = [];
  const at: number[] = [];
  const n = h.length;
  for (let i = 0; i + k <= n; i++) {
    // Shingles do not straddle the head/tail cut of a long text.
    if (tokens.cut !== undefined && i < tokens.cut && i + k > tokens.cut) continue;
    let x = SEED_SHINGLE;
    for (let m = 0; m < k; m++) {
      x = Math.imul(x ^ (h[i + m] ?? 0), 0x9e3779b1);
      x ^= x >>> 15;
    }
    keys.push(x & 0x3fffffff);
    at.push(i);
  }
  return { tokens, keys, at };
}

function joinTokens(head: TokenHashes, tail: TokenHashes): CutTokens {
  return {
    hashes: head.hashes.concat(tail.hashes),
    starts: head.starts.concat(tail.starts),
    ends: head.ends.concat(tail.ends),
    single: head.single.concat(tail.single),
    cut: head.hashes.length,
  };
}

/** Whether the text between two tokens holds a blank line. Linear in the gap. */
function blankLineIn(text: string, from: number, to: number): boolean {
  let newline = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (newline) return true;
      newline = true;
    } else if (c !== 32 && c !== 9 && c !== 13) {
      newline = false;
    }
  }
  return false;
}

function prepareInput(text: string, k: number): PreparedInput {
  const { tokens, keys, at } = shingle(text, k);
  // Paragraph of each token: a new one after a blank line (and after the head/tail cut).
  const n = tokens.hashes.length;
  const tokenBlock = new Int32Array(n);
  let b = 0;
  for (let i = 1; i < n; i++) {
    if (i === tokens.cut || blankLineIn(text, tokens.ends[i - 1] ?? 0, tokens.starts[i] ?? 0)) b++;
    tokenBlock[i] = b;
  }
  const blockSize = new Array<number>(b + 1).fill(0);
  const block = new Int32Array(keys.length);
  for (let j = 0; j < keys.length; j++) {
    const i = at[j] ?? 0;
    const bi = tokenBlock[i] ?? 0;
    // A shingle that runs across a paragraph break belongs to neither paragraph.
    if (tokenBlock[i + k - 1] === bi) {
      block[j] = bi;
      blockSize[bi] = (blockSize[bi] ?? 0) + 1;
    } else {
      block[j] = -1;
    }
  }
  let size = 16;
  while (size < keys.length * 2) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size).fill(-1);
  const values = new Int32Array(size);
  for (let j = 0; j < keys.length; j++) {
    const key = keys[j] ?? 0;
    let slot = key & mask;
    for (;;) {
      const held = slots[slot] ?? -1;
      if (held === -1) {
        slots[slot] = key;
        values[slot] = j;
        break;
      }
      if (held === key) break;
      slot = (slot + 1) & mask;
    }
  }
  return { text, count: keys.length, block, blockSize, mask, slots, values };
}

/** Index of the first shingle of `input` with this key, or -1. */
function lookup(input: PreparedInput, key: number): number {
  let slot = key & input.mask;
  for (;;) {
    const held = input.slots[slot] ?? -1;
    if (held === key) return input.values[slot] ?? -1;
    if (held === -1) return -1;
    slot = (slot + 1) & input.mask;
  }
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
