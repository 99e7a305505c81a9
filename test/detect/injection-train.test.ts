// The injection model's training code (scripts/detect-train-lib.ts), on a small synthetic set so
// that it needs no shared data: deterministic, and consistent with the detector's scoring code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InjectionModel, MODEL_DIMENSION } from '../../src/detect/injection/model.js';
import { WORD_FLAG } from '../../src/detect/injection/features.js';
import { syntheticExamples } from '../../scripts/detect-synth.js';
import { fitPlatt } from '../../scripts/detect-calibrate.js';
import { DEFAULT_TRAIN_OPTIONS, featurize, trainModel, trainWeights } from '../../scripts/detect-train-lib.js';

const options = { ...DEFAULT_TRAIN_OPTIONS, epochs: 2, folds: 2 };

function subset(): ReturnType<typeof syntheticExamples> {
  const all = syntheticExamples();
  // every 12th example keeps both classes, many languages, and stays fast
  return all.filter((_, i) => i % 12 === 0);
}

test('training twice on the same examples gives byte-identical weights files', () => {
  const examples = subset();
  assert.ok(examples.length > 300 && examples.some((e) => e.label === 1) && examples.some((e) => e.label === 0));
  const ids = examples.map((_, i) => i);
  const first = JSON.stringify(trainModel(featurize(examples), ids, options).file);
  const second = JSON.stringify(trainModel(featurize(examples), ids, options).file);
  assert.equal(first, second);
  const parsed = JSON.parse(first) as { threshold: number; platt: { a: number } };
  assert.ok(parsed.threshold > 0 && parsed.threshold < 1);
  assert.ok(Number.isFinite(parsed.platt.a));
});

test("the detector's window logit equals the trained model's dot product on the training features", () => {
  const examples = subset().slice(0, 120);
  const feat = featurize(examples);
  const ids = examples.map((_, i) => i);
  const weights = trainWeights(feat, ids, options);
  const model = new InjectionModel(Float32Array.from(weights), { a: 1, b: 0 }, 0.5);
  let checked = 0;
  examples.forEach((example, e) => {
    const rows = feat.rowsOf[e]!;
    if (example.text.length > 512 || rows.length !== 1) return; // one window: the text's score is that window's
    const row = feat.rows[rows[0]!]!;
    let z = 0;
    for (let i = 0; i < row.idx.length; i++) z += model.weights[row.idx[i]!]! * row.val[i]!;
    for (const d of row.dense) z += model.weights[d]!;
    const scored = model.score(example.text, feat.cues[e]!).logit;
    assert.ok(Math.abs(z - scored) < 1e-4 * Math.max(1, Math.abs(z)), `${z} vs ${scored} for ${JSON.stringify(example.text.slice(0, 60))}`);
    checked++;
  });
  assert.ok(checked > 50, `only ${checked} single-window examples`);
  assert.equal(model.weights.length, MODEL_DIMENSION);
  assert.ok(WORD_FLAG > 0);
});

test('Platt scaling stays finite on separable scores', () => {
  const { a, b } = fitPlatt([-3, -2, -1, 1, 2, 3], [0, 0, 0, 1, 1, 1], [1, 1, 1, 1, 1, 1]);
  assert.ok(Number.isFinite(a) && Number.isFinite(b) && a > 0 && a < 100);
});

test('a weights file with other feature settings is refused', () => {
  const examples = subset().slice(0, 60);
  const { file } = trainModel(
    featurize(examples),
    examples.map((_, i) => i),
    options,
  );
  assert.throws(() => InjectionModel.fromFile({ ...file, stride: 128 }), TypeError);
  assert.throws(() => InjectionModel.fromFile({ ...file, format: 'other' as 'mass-injection-lr' }), TypeError);
  assert.throws(() => InjectionModel.fromFile({ ...file, sparse: { ...file.sparse, index: [1e9], value: [1] } }), TypeError);
});
