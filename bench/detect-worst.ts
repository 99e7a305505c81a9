// Worst-case search for the content detectors: a seeded, bounded hill-climb per detector over
// repeated token patterns (words of the override lexicons and phrase gates, separators, invisible
// and tag characters, accents, CJK, digits, e-mail and key fragments, markup). Each candidate is a
// pattern of tokens repeated to SIZE code units; its cost is µs per KB of the fastest of a few runs.
// Reports, per detector, the median µs/KB on ordinary 8 KB texts, the worst found and the ratio.
import type { Detector, InputText } from '../src/detect/detector.js';
import { InjectionDetector } from '../src/detect/injection/detector.js';
import { OVERRIDE_STEMS } from '../src/detect/injection/lexicon-override.js';
import { OVERRIDE_PHRASES, ROLE_PHRASES, JAILBREAK_PHRASES, EXFIL_PHRASES, LEAK_PHRASES } from '../src/detect/injection/lexicon-phrases.js';
import { PiiDetector } from '../src/detect/pii.js';
import { ReplicationDetector } from '../src/detect/replication.js';
import { SecretsDetector } from '../src/detect/secrets.js';
import { ToolPoisoningDetector } from '../src/detect/tool-poisoning.js';
import { ORDINARY_TEXTS } from './detect.js';

const SIZE = 8192;

export interface WorstRow {
  readonly detector: string;
  readonly medianUsPerKb: number;
  readonly worstUsPerKb: number;
  readonly ratio: number;
  /** The worst pattern found (its first characters, escaped). */
  readonly pattern: string;
}

/** A small deterministic PRNG (mulberry32): the search is reproducible from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function alphabet(): string[] {
  const words = new Set<string>();
  for (const stems of Object.values(OVERRIDE_STEMS)) for (const w of [...stems.verbs, ...stems.nouns, ...stems.mods, ...stems.weak]) words.add(w);
  for (const set of [OVERRIDE_PHRASES, ROLE_PHRASES, JAILBREAK_PHRASES, EXFIL_PHRASES, LEAK_PHRASES])
    for (const p of set) for (const g of p.gates) words.add(g.replace(/\\b/g, ''));
  const extra = [
    ' ',
    '  ',
    '\n',
    '.',
    ',',
    ':',
    '-',
    '_',
    '/',
    '=',
    '"',
    "'",
    '<!--',
    '-->',
    '<',
    '>',
    '[',
    ']',
    '(',
    ')',
    '{',
    '}',
    '#',
    '\u200b',
    '\u00ad',
    '\u202e',
    '\udb40\udc41',
    'é',
    'ü',
    'ß',
    '指示',
    '忽略',
    'à',
    '0',
    '1',
    '42',
    '4111 1111 1111 1111',
    '+1 555',
    'DE89 3704',
    'a@b.co',
    '@',
    'user.name',
    'sk-',
    'AKIA',
    'ghp_',
    'xoxb-',
    'eyJ',
    'QUJD',
    'ZmFr',
    'aGVsbG8g',
    '0101010',
    'ff',
    'style="display:none"',
    'SYSTEM:',
    '<|im_start|>',
    'assistant',
    'you must',
    'do not tell',
  ];
  return [...words, ...extra];
}

function repeatTo(pattern: string, size: number): string {
  if (pattern.length === 0) return ' '.repeat(size);
  return pattern.repeat(Math.ceil(size / pattern.length)).slice(0, size);
}

/** µs per KB of `scan(text)`: the fastest of `runs` runs (the least noisy estimate of the cost). */
function usPerKb(scan: (text: string) => unknown, text: string, runs: number): number {
  // Warm up: a pattern can send the detector down code the JIT has not optimized yet.
  for (let w = 0; w < 3; w++) scan(text);
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    scan(text);
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    if (us < best) best = us;
  }
  return best / (text.length / 1024);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/** Hill-climbing with restarts: mutate the best pattern (replace, insert, delete a token); keep it if it costs more. */
function search(scan: (text: string) => unknown, tokens: readonly string[], iterations: number, seed: number): { worst: number; pattern: string } {
  const random = prng(seed);
  const pick = () => tokens[Math.floor(random() * tokens.length)]!;
  const fresh = () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick());
  // The first climb starts from the reported slow input; restarts start from random patterns.
  let current = ['prompt', 'ignor', ''];
  let currentCost = usPerKb(scan, repeatTo(current.join(' '), SIZE), 3);
  // The costliest patterns seen (a single sample can be a scheduling spike: they are re-measured below).
  const top: { cost: number; pattern: string }[] = [{ cost: currentCost, pattern: current.join(' ') }];
  const remember = (cost: number, pattern: string) => {
    if (top.some((t) => t.pattern === pattern)) return;
    top.push({ cost, pattern });
    top.sort((a, b) => b.cost - a.cost);
    if (top.length > 8) top.pop();
  };
  for (let i = 0; i < iterations; i++) {
    if (i % 40 === 39) {
      current = fresh(); // restart
      currentCost = usPerKb(scan, repeatTo(current.join(' '), SIZE), 3);
    }
    const next = current.slice();
    const op = random();
    const at = Math.floor(random() * (next.length + 1));
    if (op < 0.4 && next.length > 0) next[Math.min(at, next.length - 1)] = pick();
    else if (op < 0.8 && next.length < 12) next.splice(at, 0, pick());
    else if (next.length > 1) next.splice(Math.min(at, next.length - 1), 1);
    const sep = random() < 0.7 ? ' ' : '';
    const pattern = next.join(sep);
    const cost = usPerKb(scan, repeatTo(pattern, SIZE), 3);
    if (cost >= currentCost) {
      current = next;
      currentCost = cost;
    }
    remember(cost, pattern);
  }
  // Re-measure the costliest with more runs, so one noisy sample does not set the figure.
  let worst = 0;
  let worstPattern = '';
  for (const t of top) {
    const cost = usPerKb(scan, repeatTo(t.pattern, SIZE), 15);
    if (cost > worst) {
      worst = cost;
      worstPattern = t.pattern;
    }
  }
  return { worst, pattern: worstPattern };
}

export function runDetectWorstBench(options: { readonly iterations: number; readonly seed: number }): WorstRow[] {
  const tokens = alphabet();
  const ordinary = ORDINARY_TEXTS.map((t) => repeatTo(t, SIZE));
  const replication = new ReplicationDetector();
  const inputs: InputText[] = [{ text: repeatTo(ORDINARY_TEXTS[0]!, SIZE), source: 'tool:read', generation: 0 }];
  const detectors: [string, (text: string) => unknown][] = [
    ['injection', (t) => new InjectionDetectorHolder().get().scan(t)],
    ['secrets', scanOf(new SecretsDetector())],
    ['pii', scanOf(new PiiDetector())],
    ['tool-poisoning', scanOf(new ToolPoisoningDetector())],
    // The text is compared with inputs holding the same pattern (the worst case: everything repeats).
    ['replication', (t) => replication.scan(t, [...inputs, { text: t, source: 'tool:same', generation: 0 }])],
  ];
  const rows: WorstRow[] = [];
  detectors.forEach(([name, scan], i) => {
    const medianUsPerKb = median(ordinary.map((t) => usPerKb(scan, t, 15)));
    const { worst, pattern } = search(scan, tokens, options.iterations, options.seed + i);
    rows.push({ detector: name, medianUsPerKb, worstUsPerKb: worst, ratio: worst / medianUsPerKb, pattern: JSON.stringify(pattern.slice(0, 60)).slice(1, -1) });
  });
  return rows;
}

function scanOf(detector: Detector): (text: string) => unknown {
  return (t) => detector.scan(t);
}

/** One injection detector for the whole search (loading the model once). */
class InjectionDetectorHolder {
  static #detector: InjectionDetector | undefined;
  get(): InjectionDetector {
    InjectionDetectorHolder.#detector ??= new InjectionDetector();
    return InjectionDetectorHolder.#detector;
  }
}

export function formatWorstTable(rows: readonly WorstRow[]): string {
  const lines = ['| detector | median µs/KB (ordinary) | worst µs/KB (found) | worst / median | worst pattern (start) |', '|---|---:|---:|---:|---|'];
  for (const r of rows)
    lines.push(
      `| ${r.detector} | ${r.medianUsPerKb.toFixed(1)} | ${r.worstUsPerKb.toFixed(1)} | ${r.ratio.toFixed(1)}× | \`${r.pattern.replace(/`/g, "'").replace(/\|/g, '\\|')}\` |`,
    );
  return lines.join('\n');
}
