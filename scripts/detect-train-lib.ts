/**
 * Training of the injection model, shared by train-detect.ts and eval-detect.ts (which retrains it
 * without one source at a time): featurization with the detector's own feature and cue code,
 * logistic regression by AdaGrad with L2, K-fold out-of-fold scores for Platt calibration and the
 * threshold (weights.json: detect-weights.ts). Deterministic: one seeded PRNG, one thread.
 */
import { maxRuleScore, ruleFindings } from '../src/detect/injection/cues.js';
import {
  CHUNK,
  CHUNK_STEP,
  FEATURE_BUCKETS,
  FeatureEvents,
  STRIDE,
  WORD_FLAG,
  chunkCount,
  normalizer,
  windowsOfChunk,
} from '../src/detect/injection/features.js';
import { InjectionModel, MODEL_DIMENSION, BIAS_FEATURE, denseFeatures, sigmoid, type CueSpan, type InjectionModelFile } from '../src/detect/injection/model.js';
import { fitPlatt } from './detect-calibrate.js';
import { agentdojo } from './detect-agentdojo.js';
import { hashString, loadInjectionSources, Prng, type DataSource, type Example } from './detect-data.js';
import { syntheticExamples } from './detect-synth.js';
import { quantize, toModelFile } from './detect-weights.js';

export interface TrainOptions {
  readonly seed: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly folds: number;
  /** Mean benign false-positive rate over sources the threshold is chosen for (out-of-fold). */
  readonly targetFpr: number;
  /** Weight of the benign class relative to the attacks. */
  readonly benignWeight: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { seed: 20240601, epochs: 6, learningRate: 0.15, l2: 2e-6, folds: 3, targetFpr: 0.01, benignWeight: 1.5 };
/** Thresholds are searched in [MIN_THRESHOLD, MAX_THRESHOLD]: weak rule cues (≤ 0.45) never flag alone. */
const MIN_THRESHOLD = 0.46;
const MAX_THRESHOLD = 0.95;

/** All examples: the shared data sets and the synthetic ones. */
export function loadAllExamples(dir: string): Example[] {
  return [...loadInjectionSources(dir, new Prng(0x5eed)), ...agentdojo(dir, new Prng(0xad0)), ...syntheticExamples()];
}

// ---- featurization -----------------------------------------------------------------------------

export interface Row {
  readonly idx: Int32Array;
  readonly val: Float32Array;
  readonly dense: Int32Array;
  readonly label: 0 | 1;
  readonly example: number;
}

export interface Featurized {
  readonly examples: readonly Example[];
  readonly cues: readonly CueSpan[][];
  readonly ruleScore: Float64Array;
  readonly rows: readonly Row[];
  /** Row indices per example. */
  readonly rowsOf: readonly number[][];
}

/** Training windows of every example (all splits; callers choose which examples to train on). */
export function featurize(examples: readonly Example[]): Featurized {
  const events = new FeatureEvents();
  const scratch = new Float64Array(FEATURE_BUCKETS);
  const touched = new Int32Array(CHUNK * 7 + 16);
  const dense: number[] = [];
  const rows: Row[] = [];
  const rowsOf: number[][] = [];
  const cues: CueSpan[][] = [];
  const ruleScore = new Float64Array(examples.length);
  examples.forEach((ex, e) => {
    const findings = ruleFindings(ex.text);
    const exCues: CueSpan[] = [...findings.hidden.hits, ...findings.rules];
    cues.push(exCues);
    ruleScore[e] = maxRuleScore(findings);
    const mine: number[] = [];
    rowsOf.push(mine);
    const length = ex.text.length;
    const [a, b] = ex.span ?? [0, length];
    for (let j = 0; j < chunkCount(length); j++) {
      const start = j * CHUNK_STEP;
      events.extract(ex.text, start, Math.min(length, start + CHUNK));
      windowsOfChunk(events, length, (k, s, end) => {
        const overlap = Math.max(0, Math.min(b, end) - Math.max(a, s));
        let label: 0 | 1;
        if (ex.label === 0 || overlap === 0) label = 0;
        else if (overlap >= 0.8 * Math.min(b - a, end - s)) label = 1;
        else return; // a window cutting the injection: neither clearly attack nor clearly benign
        const m = (s - start) / STRIDE;
        const from = events.blockStart[m]!,
          to = events.blockStart[m + 2]!; // window m: blocks m, m + 1
        let nc = 0,
          nw = 0;
        for (let i = from; i < to; i++) {
          if (events.code[i]! & WORD_FLAG) nw++;
          else nc++;
        }
        const sc = 1 / normalizer(nc);
        const sw = 1 / normalizer(nw);
        let n = 0;
        for (let i = from; i < to; i++) {
          const c = events.code[i]!;
          const bucket = c & (FEATURE_BUCKETS - 1);
          if (scratch[bucket] === 0) touched[n++] = bucket;
          scratch[bucket]! += c & WORD_FLAG ? sw : sc;
        }
        const idx = new Int32Array(n);
        const val = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const bucket = touched[i]!;
          idx[i] = bucket;
          val[i] = scratch[bucket]!;
          scratch[bucket] = 0;
        }
        denseFeatures(s, end, exCues, dense);
        mine.push(rows.length);
        rows.push({ idx, val, dense: Int32Array.from(dense), label, example: e });
      });
    }
  });
  return { examples, cues, ruleScore, rows, rowsOf };
}

// ---- logistic regression -------------------------------------------------------------------------

/** Row weights: each (source, class) cell weighs √(its examples); an example's weight is shared by its windows of one class. */
function rowWeights(feat: Featurized, exampleIds: readonly number[], benignWeight: number): Map<number, number> {
  const cells = new Map<string, number>();
  const cellOf = (e: number, label: number): string => `${feat.examples[e]!.source}:${label}`;
  for (const e of exampleIds) cells.set(cellOf(e, feat.examples[e]!.label), (cells.get(cellOf(e, feat.examples[e]!.label)) ?? 0) + 1);
  const weights = new Map<number, number>();
  let pos = 0,
    neg = 0;
  for (const e of exampleIds) {
    const ex = feat.examples[e]!;
    const n = cells.get(cellOf(e, ex.label))!;
    const exampleWeight = Math.sqrt(n) / n;
    const rows = feat.rowsOf[e]!;
    const perLabel = [0, 0];
    for (const r of rows) perLabel[feat.rows[r]!.label]!++;
    for (const r of rows) {
      const label = feat.rows[r]!.label;
      // benign windows of an attack text count as much as a benign text's window
      const w = exampleWeight / perLabel[label]!;
      weights.set(r, w);
      if (label === 1) pos += w;
      else neg += w;
    }
  }
  const scalePos = weights.size / 2 / (pos || 1);
  const scaleNeg = (benignWeight * weights.size) / 2 / (neg || 1);
  for (const [r, w] of weights) weights.set(r, w * (feat.rows[r]!.label === 1 ? scalePos : scaleNeg));
  return weights;
}

/**
 * Trains on the windows of `exampleIds`; returns the weight vector (MODEL_DIMENSION).
 *
 * Multiple-instance learning, as the detector scores a text by its best window: each benign window
 * is a negative; the attack windows of one text form a bag, and each visit updates only the bag's
 * currently highest-scoring window (a long jailbreak need not make its every paragraph look like
 * an attack, only its worst one).
 */
export function trainWeights(feat: Featurized, exampleIds: readonly number[], options: TrainOptions): Float64Array {
  const w = new Float64Array(MODEL_DIMENSION);
  const g2 = new Float64Array(MODEL_DIMENSION);
  const weights = rowWeights(feat, exampleIds, options.benignWeight);
  const units: { rows: number[]; weight: number; label: 0 | 1 }[] = [];
  for (const e of exampleIds) {
    const bag: number[] = [];
    let bagWeight = 0;
    for (const r of feat.rowsOf[e]!) {
      const weight = weights.get(r);
      if (weight === undefined) continue;
      if (feat.rows[r]!.label === 0) units.push({ rows: [r], weight, label: 0 });
      else {
        bag.push(r);
        bagWeight += weight;
      }
    }
    if (bag.length > 0) units.push({ rows: bag, weight: bagWeight, label: 1 });
  }
  const rng = new Prng(options.seed);
  const { learningRate: lr, l2 } = options;
  const dot = (row: Row): number => {
    let z = 0;
    for (let i = 0; i < row.idx.length; i++) z += w[row.idx[i]!]! * row.val[i]!;
    for (let i = 0; i < row.dense.length; i++) z += w[row.dense[i]!]!;
    return z;
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    rng.shuffle(units);
    const rate = lr / Math.sqrt(1 + epoch);
    for (const unit of units) {
      let row = feat.rows[unit.rows[0]!]!;
      let z = dot(row);
      for (let k = 1; k < unit.rows.length; k++) {
        const other = feat.rows[unit.rows[k]!]!;
        const zo = dot(other);
        if (zo > z) {
          z = zo;
          row = other;
        }
      }
      const g = (sigmoid(z) - unit.label) * unit.weight;
      const { idx, val, dense } = row;
      for (let i = 0; i < idx.length; i++) {
        const j = idx[i]!;
        const grad = g * val[i]! + l2 * w[j]!;
        g2[j]! += grad * grad;
        w[j]! -= (rate * grad) / Math.sqrt(g2[j]! + 1e-8);
      }
      for (let i = 0; i < dense.length; i++) {
        const j = dense[i]!;
        const grad = g + (j === BIAS_FEATURE ? 0 : l2 * w[j]!);
        g2[j]! += grad * grad;
        w[j]! -= (rate * grad) / Math.sqrt(g2[j]! + 1e-8);
      }
    }
  }
  return w;
}

// ---- calibration and threshold ---------------------------------------------------------------------

export interface Scored {
  readonly example: number;
  readonly logit: number;
}

/** Text-level logits of `exampleIds` under `weights`, through the detector's scoring code. */
export function scoreExamples(feat: Featurized, exampleIds: readonly number[], weights: Float64Array): Scored[] {
  const model = new InjectionModel(Float32Array.from(weights), { a: 1, b: 0 }, 0.5);
  return exampleIds.map((e) => ({ example: e, logit: model.score(feat.examples[e]!.text, feat.cues[e]!).logit }));
}

function sourceBalanced(feat: Featurized, ids: readonly number[]): number[] {
  const count = new Map<string, number>();
  for (const e of ids) {
    const k = `${feat.examples[e]!.source}:${feat.examples[e]!.label}`;
    count.set(k, (count.get(k) ?? 0) + 1);
  }
  return ids.map((e) => 1 / count.get(`${feat.examples[e]!.source}:${feat.examples[e]!.label}`)!);
}

/** The lowest threshold whose mean benign false-positive rate over sources stays within the target. */
export function chooseThreshold(feat: Featurized, scored: readonly Scored[], platt: { a: number; b: number }, targetFpr: number): number {
  const bySource = new Map<DataSource, number[]>();
  for (const s of scored) {
    const ex = feat.examples[s.example]!;
    if (ex.label !== 0) continue;
    const combined = Math.max(sigmoid(platt.a * s.logit + platt.b), feat.ruleScore[s.example]!);
    bySource.set(ex.source, [...(bySource.get(ex.source) ?? []), combined]);
  }
  for (let t = MIN_THRESHOLD; t <= MAX_THRESHOLD + 1e-9; t += 0.01) {
    let sum = 0;
    for (const scores of bySource.values()) sum += scores.filter((x) => x >= t).length / scores.length;
    if (sum / Math.max(1, bySource.size) <= targetFpr) return Math.round(t * 100) / 100;
  }
  return MAX_THRESHOLD;
}

export interface TrainedModel {
  readonly file: InjectionModelFile;
  readonly model: InjectionModel;
  /** Out-of-fold scores of the training examples: calibrated model probability and rule score. */
  readonly oof: readonly { readonly example: number; readonly probability: number; readonly rules: number }[];
}

/** The full pipeline: out-of-fold scores → Platt + threshold; then the final model on every example given. */
export function trainModel(
  feat: Featurized,
  exampleIds: readonly number[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  log: (m: string) => void = () => {},
): TrainedModel {
  const trainable = exampleIds.filter((e) => feat.examples[e]!.trainable);
  const foldOf = (e: number): number => hashString(`fold:${options.seed}:${feat.examples[e]!.foldKey}`) % options.folds;
  const oof: Scored[] = [];
  for (let f = 0; f < options.folds; f++) {
    const train = trainable.filter((e) => foldOf(e) !== f);
    const held = trainable.filter((e) => foldOf(e) === f);
    oof.push(...scoreExamples(feat, held, quantize(trainWeights(feat, train, options)).dense));
    log(`fold ${f + 1}/${options.folds}: trained on ${train.length} examples, scored ${held.length}`);
  }
  // calibrate and choose the threshold on what is evaluated (not on the trained-only examples)
  const evaluated = oof.filter((o) => feat.examples[o.example]!.evaluated);
  const ids = evaluated.map((s) => s.example);
  const platt = fitPlatt(
    evaluated.map((s) => s.logit),
    ids.map((e) => feat.examples[e]!.label),
    sourceBalanced(feat, ids),
  );
  const threshold = chooseThreshold(feat, evaluated, platt, options.targetFpr);
  const weights = trainWeights(feat, trainable, options);
  const file = toModelFile(weights, platt, threshold, {
    examples: trainable.length,
    windows: trainable.reduce((n, e) => n + feat.rowsOf[e]!.length, 0),
    options,
  });
  log(`final model: ${trainable.length} examples; platt a=${platt.a.toFixed(4)} b=${platt.b.toFixed(4)}; threshold ${threshold}`);
  const oofScores = oof.map((o) => ({ example: o.example, probability: sigmoid(platt.a * o.logit + platt.b), rules: feat.ruleScore[o.example]! }));
  return { file, model: InjectionModel.fromFile(file), oof: oofScores };
}
