/**
 * A small seeded pseudo-random generator for the red-team harness (sfc32 seeded through
 * splitmix32). Everything random in a red-team run — the reviewer's attention, attack variants,
 * a divergent agent's choices — comes from here, so two runs with the same seed behave alike.
 * Not for anything security-relevant: keys and ids still come from node:crypto.
 */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  /** The seed this generator started from (forks derive theirs from it). */
  readonly seed: string;

  constructor(seed: number | string) {
    this.seed = String(seed);
    let s = hashString(this.seed);
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.#u32();
  }

  #u32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#u32() / 4294967296;
  }

  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) throw new TypeError('int: expected integers with min <= max');
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new TypeError('pick: empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /**
   * An independent generator derived from this one's seed and a label: the stream of one attack
   * does not depend on which attacks ran before it.
   */
  fork(label: string): Prng {
    return new Prng(`${this.seed}/${label}`);
  }
}

/** FNV-1a over UTF-16 code units, 32 bits. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
