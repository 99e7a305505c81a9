import { randomBytes } from 'node:crypto';
import { hashTokens, type TokenHashes } from './tokenize.js';

/**
 * Shingling for replication: a text's tokens (`hashTokens`) cut into hashed shingles of `k`
 * consecutive tokens, and an input prepared for lookups (its shingles by key, and the paragraph
 * each belongs to). Texts are attacker-controlled: the hashes are seeded per process, a long text
 * is shingled only at its edges, and every pass is linear in the number of tokens (times `k`).
 */

/**
 * Bound on work: of a text longer than `2 * EDGE_CHARS`, only the first and the last `EDGE_CHARS`
 * characters are shingled (a block hidden after padding at the end of a document is still seen),
 * so a text yields at most `2 * EDGE_CHARS` shingles.
 */
const EDGE_CHARS = 65_536;

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
export interface Shingled {
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
export interface PreparedInput {
  readonly text: string;
  readonly count: number;
  readonly block: Int32Array;
  readonly blockSize: readonly number[];
  readonly mask: number;
  readonly slots: Int32Array;
  readonly values: Int32Array;
}

/** The shingles of `text`, `k` tokens each. */
export function shingle(text: string, k: number): Shingled {
  const tokens: CutTokens =
    text.length > 2 * EDGE_CHARS
      ? joinTokens(hashTokens(text, SEED_TOKEN, EDGE_CHARS, 0, EDGE_CHARS), hashTokens(text, SEED_TOKEN, EDGE_CHARS, text.length - EDGE_CHARS))
      : hashTokens(text, SEED_TOKEN);
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

/** An input ready for `lookup`: its shingles, their paragraphs, and the key table. */
export function prepareInput(text: string, k: number): PreparedInput {
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
export function lookup(input: PreparedInput, key: number): number {
  let slot = key & input.mask;
  for (;;) {
    const held = input.slots[slot] ?? -1;
    if (held === key) return input.values[slot] ?? -1;
    if (held === -1) return -1;
    slot = (slot + 1) & input.mask;
  }
}
