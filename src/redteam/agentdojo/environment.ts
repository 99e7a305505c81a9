import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JsonValue } from '../../core/json.js';
import type { Suite, SuiteTool } from './suite.js';

/**
 * The simulated environment of a suite. Its data is the suite's `environment.placeholders.json`
 * (beside the suite file, under `env/<suite>/`), cut into records: an object in a list (a message,
 * an e-mail, an event, a file), a list of plain values, or a plain value under a key (a web page).
 * A call to a tool returns the records relevant to it, with every `{vector}` placeholder filled
 * with that vector's current text, plus the text of each vector the suite says appears in the
 * tool's output. Every call that reaches the environment is logged: attacks are judged on this
 * log (what ran), never on what the mediator said.
 */

/** One piece of environment data, rendered as `path: json`. */
interface EnvRecord {
  readonly path: string;
  readonly text: string;
  readonly lower: string;
}

/** A call that ran in the environment, with the phase of the agent's work that made it. */
export interface ExecutedCall {
  readonly tool: string;
  readonly args: Readonly<Record<string, JsonValue>>;
  readonly phase: 'user' | 'injection';
}

/** At most this many records, and this many characters, in one tool output. */
const MAX_RECORDS = 12;
const MAX_OUTPUT_CHARS = 8_000;
/** An environment file larger than this is not read (the workspace one is 53 kB). */
const MAX_ENV_BYTES = 16 * 1024 * 1024;
/** Words of a tool name that say nothing about which data it touches. */
const VERBS = new Set(['get', 'list', 'read', 'search', 'by', 'all', 'the', 'of', 'to', 'from', 'in']);

/** The records of the suite's environment, or none when the suite ships no environment file. */
export function loadEnvironmentRecords(suiteFile: string, suiteName: string): readonly EnvRecord[] {
  const file = join(dirname(suiteFile), 'env', suiteName, 'environment.placeholders.json');
  if (!existsSync(file) || statSync(file).size > MAX_ENV_BYTES) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const records: EnvRecord[] = [];
  collect(data, [], false, records);
  return records;
}

function collect(node: unknown, path: string[], inList: boolean, out: EnvRecord[]): void {
  const add = (value: unknown): void => {
    const text = `${path.join('.')}: ${JSON.stringify(value)}`;
    out.push({ path: path.join('.'), text, lower: text.toLowerCase() });
  };
  if (Array.isArray(node)) {
    if (node.every((v) => typeof v !== 'object' || v === null)) return add(node);
    node.forEach((v, i) => collect(v, [...path, String(i)], true, out));
    return;
  }
  if (typeof node === 'object' && node !== null) {
    if (inList) return add(node);
    for (const [k, v] of Object.entries(node)) collect(v, [...path, k], false, out);
    return;
  }
  add(node);
}

/** The string values of a call's arguments (inside lists too), as matched against records. */
function argumentStrings(args: Readonly<Record<string, JsonValue>>): string[] {
  const out: string[] = [];
  const visit = (v: JsonValue): void => {
    if (typeof v === 'string' && v.trim().length >= 2) out.push(v.trim().toLowerCase());
    else if (Array.isArray(v)) v.forEach(visit);
  };
  Object.values(args).forEach(visit);
  return out;
}

/** One replay's environment: vector texts for this run, and the log of calls that ran. */
export class SimulatedEnvironment {
  readonly executed: ExecutedCall[] = [];
  /** Set by the agent around its calls, so the log says which work a call belonged to. */
  phase: ExecutedCall['phase'] = 'user';
  readonly #records: readonly EnvRecord[];
  readonly #tools: ReadonlyMap<string, SuiteTool>;
  readonly #vectorText: ReadonlyMap<string, string>;
  readonly #vectorsOf: ReadonlyMap<string, readonly string[]>;

  /** `attack`: the text put in place of the given vectors (the others keep their benign default). */
  constructor(suite: Suite, records: readonly EnvRecord[], attack?: { readonly text: string; readonly vectors: readonly string[] }) {
    this.#records = records;
    this.#tools = new Map(suite.tools.map((t) => [t.name, t]));
    const texts = new Map<string, string>();
    const vectorsOf = new Map<string, string[]>();
    for (const v of suite.vectors) {
      texts.set(v.id, attack !== undefined && attack.vectors.includes(v.id) ? attack.text : v.default);
      for (const tool of v.appearsInTools) vectorsOf.set(tool, [...(vectorsOf.get(tool) ?? []), v.id]);
    }
    this.#vectorText = texts;
    this.#vectorsOf = vectorsOf;
  }

  /** Runs a tool: logs the call and returns its output text. */
  call(tool: string, args: Readonly<Record<string, JsonValue>>): string {
    this.executed.push({ tool, args, phase: this.phase });
    const vectors = this.#vectorsOf.get(tool) ?? [];
    const effect = this.#tools.get(tool)?.effect;
    // A tool that only acts (sends, writes) answers with a status, unless its output can carry a vector.
    if (effect !== 'read' && vectors.length === 0) return 'ok';
    let text = this.#relevant(tool, args)
      .map((r) => r.text)
      .join('\n');
    if (text.length > MAX_OUTPUT_CHARS) text = text.slice(0, MAX_OUTPUT_CHARS);
    text = this.#fill(text);
    for (const id of vectors) {
      const vector = this.#vectorText.get(id) ?? '';
      if (vector !== '' && !text.includes(vector)) text += `\n${vector}`;
    }
    return text === '' ? 'no results' : text;
  }

  /** Records that mention an argument value; for a call without one, records whose path names what the tool is about. */
  #relevant(tool: string, args: Readonly<Record<string, JsonValue>>): EnvRecord[] {
    const values = argumentStrings(args);
    if (values.length > 0) {
      const hits = this.#records.filter((r) => values.some((v) => r.lower.includes(v)));
      if (hits.length > 0) return hits.slice(0, MAX_RECORDS);
    }
    const words = tool
      .toLowerCase()
      .split('_')
      .filter((w) => w.length > 2 && !VERBS.has(w));
    return this.#records
      .filter((r) =>
        r.path
          .toLowerCase()
          .split('.')
          .some((segment) => words.some((w) => segment === w || segment.endsWith(`_${w}`) || segment === `${w}s`)),
      )
      .slice(0, MAX_RECORDS);
  }

  /** Fills `{vector}` placeholders with the text each vector has in this run. */
  #fill(text: string): string {
    return text.replace(/\{([A-Za-z0-9_]{1,100})\}/g, (whole, id: string) => {
      const value = this.#vectorText.get(id);
      return value === undefined ? whole : JSON.stringify(value).slice(1, -1);
    });
  }
}
