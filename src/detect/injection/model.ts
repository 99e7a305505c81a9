/**
 * Logistic-regression inference for the injection model, over the windows of `features.ts`.
 *
 * A window's logit is
 *   z = Σ w[char n-gram] / √(their count) + Σ w[word n-gram] / √(their count)
 *       + w[bias] + Σ w[rule cue overlapping the window]
 * and its calibrated probability is σ(a·z + b) (Platt scaling fitted on held-out predictions by
 * the training script). A text's score is the highest window probability.
 */
import { CHUNK, CHUNK_STEP, FEATURE_BUCKETS, FEATURE_VERSION, FeatureEvents, STRIDE, WINDOW, chunkCount, normalizer, windowsOfChunk } from './features.js';

/** Rule categories fed to the model as cue features (a window has the cue when a finding overlaps it). */
export const CUE_CATEGORIES = [
  'override',
  'role-injection',
  'framing',
  'jailbreak',
  'exfiltration',
  'prompt-leak',
  'concealment',
  'addressed',
  'hidden-text',
  'encoded-payload',
] as const;
export type CueCategory = (typeof CUE_CATEGORIES)[number];

export const BIAS_FEATURE = FEATURE_BUCKETS;
const CUE_BASE = FEATURE_BUCKETS + 1;
/** Size of the weight vector: hashed buckets, then the bias and the cues. */
export const MODEL_DIMENSION = CUE_BASE + CUE_CATEGORIES.length;

const CUE_INDEX = new Map<string, number>(CUE_CATEGORIES.map((c, i) => [c, CUE_BASE + i]));

/** A rule finding as the model sees it. */
export interface CueSpan {
  readonly category: string;
  readonly start: number;
  readonly end: number;
}

/** The dense features of a window: the bias and the cues overlapping it. */
export function denseFeatures(start: number, end: number, cues: readonly CueSpan[], out: number[]): void {
  out.length = 0;
  out.push(BIAS_FEATURE);
  for (const cue of cues) {
    const index = CUE_INDEX.get(cue.category);
    if (index === undefined || cue.end <= start || cue.start >= end || out.includes(index)) continue;
    out.push(index);
  }
}

/** weights.json, as written by the training script. */
export interface InjectionModelFile {
  readonly format: 'mass-injection-lr';
  readonly version: 1;
  /** FEATURE_VERSION of the features the weights were trained on. */
  readonly features: number;
  readonly featureBits: number;
  readonly window: number;
  readonly stride: number;
  /** Platt scaling: p = σ(a·z + b). */
  readonly platt: { readonly a: number; readonly b: number };
  /** Score at or above which a text counts as flagged. */
  readonly threshold: number;
  /** Dense features by name: `bias`, `cue:<category>`. */
  readonly dense: Readonly<Record<string, number>>;
  /** Non-zero hashed weights: bucket indices delta-coded, values as integers × scale. */
  readonly sparse: { readonly scale: number; readonly index: readonly number[]; readonly value: readonly number[] };
  readonly training: Readonly<Record<string, unknown>>;
}

/** Names of the dense features, in weight-vector order from BIAS_FEATURE. */
export function denseNames(): string[] {
  return ['bias', ...CUE_CATEGORIES.map((c) => `cue:${c}`)];
}

/** The best window of a text: its calibrated probability, logit and span. */
export interface WindowScore {
  probability: number;
  logit: number;
  start: number;
  end: number;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export class InjectionModel {
  readonly weights: Float32Array;
  readonly platt: { readonly a: number; readonly b: number };
  readonly threshold: number;
  readonly #events = new FeatureEvents();
  readonly #dense: number[] = [];
  readonly #sums = new Float64Array(4);

  constructor(weights: Float32Array, platt: { a: number; b: number }, threshold: number) {
    if (weights.length !== MODEL_DIMENSION) throw new TypeError(`injection model weights must have ${MODEL_DIMENSION} entries`);
    this.weights = weights;
    this.platt = platt;
    this.threshold = threshold;
  }

  /** Reads weights.json (already parsed); throws TypeError on a malformed file. */
  static fromFile(file: InjectionModelFile): InjectionModel {
    if (file.format !== 'mass-injection-lr' || file.version !== 1) throw new TypeError('not a mass-injection-lr v1 weights file');
    if (file.features !== FEATURE_VERSION || file.featureBits !== Math.log2(FEATURE_BUCKETS) || file.window !== WINDOW || file.stride !== STRIDE) {
      throw new TypeError('injection weights were trained with other feature settings');
    }
    if (
      !Number.isFinite(file.platt?.a) ||
      !Number.isFinite(file.platt?.b) ||
      !(file.threshold >= 0 && file.threshold <= 1) ||
      !Number.isFinite(file.sparse?.scale)
    ) {
      throw new TypeError('injection weights: bad calibration, threshold or scale');
    }
    const weights = new Float32Array(MODEL_DIMENSION);
    const { scale, index, value } = file.sparse;
    if (index.length !== value.length) throw new TypeError('injection weights: index and value lengths differ');
    let at = 0;
    for (let i = 0; i < index.length; i++) {
      at += index[i]!;
      if (!(at >= 0 && at < FEATURE_BUCKETS)) throw new TypeError('injection weights: bucket out of range');
      const q = value[i]!;
      if (!Number.isInteger(q)) throw new TypeError('injection weights: values must be integers');
      weights[at] = q * scale;
    }
    denseNames().forEach((name, i) => {
      const v = file.dense[name] ?? 0;
      if (!Number.isFinite(v)) throw new TypeError(`injection weights: ${name} is not a number`);
      weights[BIAS_FEATURE + i] = v;
    });
    return new InjectionModel(weights, file.platt, file.threshold);
  }

  calibrate(logit: number): number {
    return sigmoid(this.platt.a * logit + this.platt.b);
  }

  /** Scores every window of `text` and returns the best one (cues: rule findings on the text). */
  score(text: string, cues: readonly CueSpan[]): WindowScore {
    const best: WindowScore = { probability: 0, logit: -Infinity, start: 0, end: text.length };
    const ev = this.#events;
    const w = this.weights;
    const dense = this.#dense;
    const sums = this.#sums;
    const chunks = chunkCount(text.length);
    for (let j = 0; j < chunks; j++) {
      const start = j * CHUNK_STEP;
      ev.accumulate(text, start, Math.min(text.length, start + CHUNK), w);
      windowsOfChunk(ev, text.length, (_k, s, e) => {
        ev.windowSums((s - start) / STRIDE, sums);
        let z = sums[0]! / normalizer(sums[1]!) + sums[2]! / normalizer(sums[3]!);
        denseFeatures(s, e, cues, dense);
        for (const index of dense) z += w[index]!;
        if (z > best.logit) {
          best.logit = z;
          best.start = s;
          best.end = e;
        }
      });
    }
    best.probability = this.calibrate(best.logit);
    return best;
  }
}
