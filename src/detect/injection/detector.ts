/**
 * The prompt-injection detector: rules (rules.ts), hidden text (hidden-text.ts) and a logistic
 * regression over hashed character and word n-grams (model.ts), trained by
 * `npm run train:detect` into weights.json.
 *
 * Findings: `injection` (the model; span = the highest-scoring window), and per rule `override`,
 * `role-injection`, `framing`, `jailbreak`, `prompt-leak`, `exfiltration`, `concealment`,
 * `addressed`, `hidden-text`, `encoded-payload` (spans on the offending text). `scan` returns the
 * findings scoring at or above the threshold, so a text is flagged iff `scan` returns something;
 * `analyze` returns every finding with its score.
 */
import { readFileSync } from 'node:fs';
import type { Detector, DetectorFinding } from '../detector.js';
import { ruleFindings } from './cues.js';
import type { HiddenHit } from './hidden-text.js';
import { InjectionModel, type InjectionModelFile } from './model.js';
import type { RuleHit } from './rule-hit.js';

const WEIGHTS_URL = new URL('./weights.json', import.meta.url);

function loadModelFile(): InjectionModelFile | undefined {
  try {
    return JSON.parse(readFileSync(WEIGHTS_URL, 'utf8')) as InjectionModelFile;
  } catch {
    return undefined; // reported when a detector is constructed (fail closed there)
  }
}

const MODEL_FILE = loadModelFile();
let defaultModel: InjectionModel | undefined;

/** The score at or above which a text counts as flagged (chosen by the training script, stored in weights.json). */
export const DEFAULT_INJECTION_THRESHOLD: number = MODEL_FILE?.threshold ?? 0.5;

/** The model shipped in weights.json; throws if the file is missing or malformed. */
export function defaultInjectionModel(): InjectionModel {
  if (defaultModel === undefined) {
    if (MODEL_FILE === undefined)
      throw new Error('injection model weights (weights.json beside detector.js) are missing or unreadable: run npm run train:detect');
    defaultModel = InjectionModel.fromFile(MODEL_FILE);
  }
  return defaultModel;
}

export interface InjectionDetectorOptions {
  /** Flag at or above this score (0–1); defaults to DEFAULT_INJECTION_THRESHOLD. */
  readonly threshold?: number;
  /** Another trained model (evaluation); defaults to the shipped weights. */
  readonly model?: InjectionModel;
}

const NAME = 'injection';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one (linear). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export class InjectionDetector implements Detector {
  readonly name = NAME;
  readonly threshold: number;
  readonly #model: InjectionModel;

  constructor(options: InjectionDetectorOptions = {}) {
    this.#model = options.model ?? defaultInjectionModel();
    const threshold = options.threshold ?? (options.model !== undefined ? options.model.threshold : DEFAULT_INJECTION_THRESHOLD);
    if (!(threshold >= 0 && threshold <= 1)) throw new TypeError('threshold must be a number in [0, 1]');
    this.threshold = threshold;
  }

  scan(text: string): readonly DetectorFinding[] {
    return this.analyze(text).filter((f) => f.score >= this.threshold);
  }

  /** The highest score of any finding (0 when none): the text is flagged iff it reaches the threshold. */
  score(text: string): number {
    let best = 0;
    for (const f of this.analyze(text)) if (f.score > best) best = f.score;
    return best;
  }

  /** Every finding, whatever its score. */
  analyze(input: string): DetectorFinding[] {
    if (typeof input !== 'string') throw new TypeError('text must be a string');
    // A lone surrogate is no character: a reader (or a model's tokenizer) drops it or shows U+FFFD,
    // so one placed inside or between words must not break a phrase. Each becomes a zero-width
    // space (one unit: every offset stays the same), which the detector reads as invisible.
    const text = input.replace(LONE_SURROGATE, '\u200b');
    const { hidden, rules, revealedRules } = ruleFindings(text);
    const hiddenHits: HiddenHit[] = hidden.hits.slice();
    hidden.revealed.forEach((r, i) => {
      // What was hidden is judged on its own: its rules and its model score raise the hidden-text finding.
      const inner = revealedRules[i] ?? [];
      let score = this.#model.score(r.text, inner).probability;
      for (const hit of inner) if (hit.score > score) score = hit.score;
      const base = hiddenHits[r.hit];
      if (base !== undefined && score > base.score) hiddenHits[r.hit] = { ...base, score: Math.min(0.99, round(score)) };
    });
    const cues: (HiddenHit | RuleHit)[] = [...hiddenHits, ...rules];
    const best = this.#model.score(text, cues);
    const findings: DetectorFinding[] = [finding(text, 'injection', round(best.probability), best.start, best.end)];
    for (const h of cues) findings.push(finding(text, h.category, h.score, h.start, h.end));
    return findings;
  }
}

/** A finding whose span neither starts nor ends inside a surrogate pair (windows are cut every 256 units). */
function finding(text: string, category: string, score: number, start: number, end: number): DetectorFinding {
  if (start > 0 && isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1))) start--;
  if (end < text.length && isLow(text.charCodeAt(end)) && isHigh(text.charCodeAt(end - 1))) end++;
  return { detector: NAME, category, score, start, end };
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function round(p: number): number {
  return Math.round(p * 1e6) / 1e6;
}
