import type { JsonValue } from '../../core/json.js';
import type { Detector, DetectorFinding, DetectorSuite, InputText } from '../../detect/detector.js';
import { memberPath } from '../../flow/field-path.js';
import type { Segment } from '../../flow/segment.js';
import { DEADLINE_MISSED } from '../../detect/worker-pool.js';
import type { Inspector } from '../stages.js';
import type { ActionRequest, Finding, MaybePromise } from '../types.js';
import { DEFAULT_DEADLINE_MS, inspectPool, type InspectPool } from './inspect-pool.js';

/** At most this much text (UTF-16 units) is scanned per action; the rest is reported as a finding. */
const MAX_SCANNED = 256 * 1024;
/**
 * At most this many findings are kept per action (crafted text can produce one per few bytes);
 * past it one `truncated` finding says so. The labels are already as high as the findings kept make
 * them, and a threat finding is never dropped for a sensitive-data one.
 */
export const MAX_FINDINGS = 1000;

export const NO_DETECTORS: DetectorSuite = { text: [], contextual: [], thresholds: new Map() };

/** Actions whose strings (and, with contextual detectors, the task's inputs) total at most this many UTF-16 units are scanned on the calling thread: the worker round trip costs more than the scan. */
export const IN_THREAD_MAX = 1024;

export interface DetectorInspectorOptions {
  /** Deadline of one inspection in a worker (default: the suite's `deadlineMs`, else DEFAULT_DEADLINE_MS). */
  readonly deadlineMs?: number;
  /** The worker pool (default: the process-wide one). */
  readonly pool?: InspectPool;
}

/**
 * Runs every detector over every string and every key in the action's body (findings name the
 * field, e.g. `$.text`, `$.items[2]` or `$["odd key"]`); contextual detectors also get the texts
 * the agent read in the task. With no detectors it finds nothing.
 *
 * A suite built from configuration (`detectorSuite`) runs in a worker thread, so a slow input never
 * stalls the event loop, under a deadline: an inspection that misses it yields `inspect`/`timeout`
 * findings (score 1: the content is untrusted, never passed) and its worker is replaced. Small
 * inputs (IN_THREAD_MAX) and suites of detector objects the worker cannot rebuild run in-thread.
 */
export class DetectorInspector implements Inspector {
  readonly #suite: DetectorSuite;
  readonly #deadlineMs: number;
  readonly #pool: InspectPool | undefined;

  constructor(suite: DetectorSuite | readonly Detector[] = NO_DETECTORS, options: DetectorInspectorOptions = {}) {
    this.#suite = isSuite(suite) ? suite : { text: suite, contextual: [], thresholds: new Map() };
    const deadlineMs = options.deadlineMs ?? this.#suite.config?.deadlineMs ?? DEFAULT_DEADLINE_MS;
    if (!(Number.isFinite(deadlineMs) && deadlineMs > 0)) throw new TypeError('deadlineMs must be a positive number');
    this.#deadlineMs = deadlineMs;
    this.#pool = options.pool;
  }

  inspect(request: ActionRequest): MaybePromise<readonly Finding[]> {
    const suite = this.#suite;
    if (suite.text.length === 0 && suite.contextual.length === 0) return [];
    const inputs = suite.contextual.length === 0 || request.context === undefined ? [] : inputTexts(request.context);
    return this.#scan(request.body, inputs);
  }

  /** The result of a tool call or message, before the agent reads it: text detectors only. */
  inspectResult(_request: ActionRequest, result: JsonValue): MaybePromise<readonly Finding[]> {
    if (this.#suite.text.length === 0) return [];
    return this.#scan(result, []);
  }

  #scan(value: JsonValue, inputs: readonly InputText[]): MaybePromise<Finding[]> {
    const suite = this.#suite;
    const config = suite.config;
    if (config === undefined || scannedSize(value, inputs, IN_THREAD_MAX) <= IN_THREAD_MAX) return scanValue(suite, value, inputs);
    const pool = this.#pool ?? inspectPool();
    return pool.run({ config, value, inputs }, this.#deadlineMs).then((out) => (out === DEADLINE_MISSED ? timeoutFindings(value) : out));
  }
}

/**
 * Every detector of `suite` over every string of `value` (the inspection itself, on whichever
 * thread runs it): findings below their detector's threshold are dropped, at most MAX_SCANNED
 * units are scanned (past it an `oversized` finding) and MAX_FINDINGS kept (past it `truncated`).
 */
export function scanValue(suite: DetectorSuite, value: JsonValue, inputs: readonly InputText[]): Finding[] {
  const findings: Finding[] = [];
  let budget = MAX_SCANNED;
  let truncated = false;
  for (const [field, text] of strings(value, '$')) {
    if (text.length > budget) {
      findings.push({ detector: 'inspect', category: 'oversized', score: 1, field, start: 0, end: text.length });
      break;
    }
    budget -= text.length;
    const keep = (f: DetectorFinding) => {
      if (f.score < (suite.thresholds.get(f.detector) ?? 0)) return;
      if (findings.length < MAX_FINDINGS) findings.push(withField(f, field));
      else if (f.confidentiality === undefined && !findings.some((x) => x.detector === f.detector && x.confidentiality === undefined))
        findings.push(withField(f, field));
      else truncated = true;
    };
    for (const detector of suite.text) for (const f of detector.scan(text)) keep(f);
    if (inputs.length > 0) for (const detector of suite.contextual) for (const f of detector.scan(text, inputs)) keep(f);
  }
  if (truncated) findings.push({ detector: 'inspect', category: 'truncated', score: 1, field: '$', start: 0, end: 0 });
  return findings;
}

/**
 * What an inspection that missed its deadline reports: nothing was judged, so the whole content
 * and every top-level argument are untrusted (a policy asking for one trusted argument denies).
 */
export function timeoutFindings(value: JsonValue): Finding[] {
  const timeout = (field: string): Finding => ({ detector: 'inspect', category: 'timeout', score: 1, field, start: 0, end: 0 });
  const findings = [timeout('$')];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) for (const key of Object.keys(value)) findings.push(timeout(`$.${key}`));
  return findings;
}

/** UTF-16 units an inspection would read (strings of `value`, plus the inputs), counted up to just past `limit`. */
function scannedSize(value: JsonValue, inputs: readonly InputText[], limit: number): number {
  let size = 0;
  for (const input of inputs) if ((size += input.text.length) > limit) return size;
  for (const [, text] of strings(value, '$')) if ((size += text.length) > limit) return size;
  return size;
}

function isSuite(value: DetectorSuite | readonly Detector[]): value is DetectorSuite {
  return !Array.isArray(value);
}

function withField(f: DetectorFinding, field: string): Finding {
  const base = { detector: f.detector, category: f.category, score: f.score, field, start: f.start, end: f.end };
  return f.confidentiality === undefined ? base : { ...base, confidentiality: f.confidentiality };
}

/** The task's segments as the replication detector sees them (cached per segment object). */
const inputCache = new WeakMap<Segment, InputText>();
function inputTexts(segments: readonly Segment[]): InputText[] {
  return segments.map((s) => {
    let input = inputCache.get(s);
    if (input === undefined) {
      input = { text: s.text, source: s.source, generation: s.generation };
      inputCache.set(s, input);
    }
    return input;
  });
}

function* strings(value: JsonValue, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i] as JsonValue, `${path}[${i}]`);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      // Keys are content too: an instruction or an IBAN can sit in one. A key is scanned under its value's path.
      const field = memberPath(path, k);
      yield [field, k];
      yield* strings(v, field);
    }
  }
}
