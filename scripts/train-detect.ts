/**
 * npm run train:detect — trains the prompt-injection model and writes
 * src/detect/injection/weights.json.
 *
 * Data: the shared data folder ($MASS_SHARED_DATA, else ../shared/data beside the checkout; see
 * detect-data.ts) plus the synthetic examples of detect-synth.ts. Only the train split is used;
 * the test split is left for `npm run eval:detect`. Deterministic: the same data gives the same
 * bytes.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasSharedData, sharedDataDir } from './detect-data.js';
import { DEFAULT_TRAIN_OPTIONS, featurize, loadAllExamples, trainModel } from './detect-train-lib.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../src/detect/injection/weights.json');

function main(): void {
  const dir = sharedDataDir();
  if (!hasSharedData(dir)) {
    console.log(`train:detect: shared data folder ${dir} (injection/, agentdojo/) is absent; set MASS_SHARED_DATA. Nothing trained.`);
    return;
  }
  const t0 = performance.now();
  const examples = loadAllExamples(dir);
  const trainIds = examples.flatMap((e, i) => (e.split === 'train' ? [i] : []));
  console.log(`examples: ${examples.length} (${trainIds.length} in the train split)`);
  const feat = featurize(examples);
  console.log(`featurized ${feat.rows.length} windows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const { file } = trainModel(feat, trainIds, DEFAULT_TRAIN_OPTIONS, (m) => console.log(m));
  const json = `${JSON.stringify(file)}\n`;
  writeFileSync(OUT, json);
  console.log(
    `wrote src/detect/injection/weights.json: ${(json.length / 1024).toFixed(0)} KiB, ${file.sparse.index.length} non-zero weights, threshold ${file.threshold}`,
  );
  console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main();
