/**
 * The weights.json format of the injection model: hashed weights quantized to integers (one scale
 * for all), near-zero ones pruned, non-zero ones stored sparse with delta-coded bucket indices; the
 * bias and cue weights by name. Training scores out-of-fold data with the quantized weights, so
 * what is calibrated is what ships.
 */
import { FEATURE_BITS, FEATURE_BUCKETS, FEATURE_VERSION, STRIDE, WINDOW } from '../src/detect/injection/features.js';
import { BIAS_FEATURE, MODEL_DIMENSION, denseNames, type InjectionModelFile } from '../src/detect/injection/model.js';

const QUANT_LEVELS = 32767;
const PRUNE_BELOW = 3; // quantized |w| under this are dropped (they move a logit by < 1e-3)

/** Quantizes the hashed weights as stored in weights.json (training scores what will ship). */
export function quantize(weights: Float64Array): { dense: Float64Array; scale: number; index: number[]; value: number[] } {
  let max = 0;
  for (let i = 0; i < FEATURE_BUCKETS; i++) max = Math.max(max, Math.abs(weights[i]!));
  const scale = Number(((max || 1) / QUANT_LEVELS).toPrecision(6));
  const dense = Float64Array.from(weights);
  const index: number[] = [];
  const value: number[] = [];
  let last = 0;
  for (let i = 0; i < FEATURE_BUCKETS; i++) {
    const q = Math.round(weights[i]! / scale);
    if (Math.abs(q) < PRUNE_BELOW) {
      dense[i] = 0;
      continue;
    }
    dense[i] = Math.fround(q * scale);
    index.push(i - last);
    value.push(q);
    last = i;
  }
  for (let i = FEATURE_BUCKETS; i < MODEL_DIMENSION; i++) dense[i] = Math.fround(round6(weights[i]!));
  return { dense, scale, index, value };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function toModelFile(weights: Float64Array, platt: { a: number; b: number }, threshold: number, training: Record<string, unknown>): InjectionModelFile {
  const { scale, index, value } = quantize(weights);
  const dense: Record<string, number> = {};
  denseNames().forEach((name, i) => {
    dense[name] = round6(weights[BIAS_FEATURE + i]!);
  });
  return {
    format: 'mass-injection-lr',
    version: 1,
    features: FEATURE_VERSION,
    featureBits: FEATURE_BITS,
    window: WINDOW,
    stride: STRIDE,
    platt: { a: round6(platt.a), b: round6(platt.b) },
    threshold,
    dense,
    sparse: { scale, index, value },
    training,
  };
}
