/**
 * npm run eval:detect — evaluates the prompt-injection detector (rules + model, at its default
 * threshold) on the test split of each source, measures its latency, and estimates how it
 * generalises with a leave-one-source-out table: for each source, the model is retrained without
 * it (same code as train-detect.ts) and tested on all of it.
 *
 * Options: --no-loso (skip the retraining), --errors (print misclassified texts of the test split).
 */
import { InjectionDetector } from '../src/detect/injection/detector.js';
import { hasSharedData, sharedDataDir, SOURCES, type DataSource, type Example } from './detect-data.js';
import { DEFAULT_TRAIN_OPTIONS, featurize, loadAllExamples, trainModel } from './detect-train-lib.js';

interface Counts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  micros: number[];
}

function evaluate(detector: InjectionDetector, examples: readonly Example[], timed: boolean): Counts {
  const c: Counts = { tp: 0, fp: 0, tn: 0, fn: 0, micros: [] };
  for (const e of examples) {
    const t0 = timed ? process.hrtime.bigint() : 0n;
    const flagged = detector.scan(e.text).length > 0;
    if (timed) c.micros.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (e.label === 1 && flagged) c.tp++;
    else if (e.label === 1) c.fn++;
    else if (flagged) c.fp++;
    else c.tn++;
  }
  return c;
}

function pct(n: number, d: number): string {
  return d === 0 ? '    –' : `${((100 * n) / d).toFixed(1).padStart(5)}%`;
}

function f1(c: Counts): string {
  const d = 2 * c.tp + c.fp + c.fn;
  return c.tp === 0 && d === 0 ? '   –' : ((2 * c.tp) / d).toFixed(3);
}

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function row(name: string, c: Counts, extra = ''): string {
  return `${name.padEnd(14)} ${String(c.tp + c.fn).padStart(6)} ${String(c.tn + c.fp).padStart(6)}  ${pct(c.tp, c.tp + c.fn)}  ${pct(c.fp, c.fp + c.tn)}  ${f1(c).padStart(5)}${extra}`;
}

function bySource(examples: readonly Example[]): Map<DataSource, Example[]> {
  const map = new Map<DataSource, Example[]>();
  for (const e of examples) map.set(e.source, [...(map.get(e.source) ?? []), e]);
  return map;
}

/** Texts joined end to end and cut into 1 KiB messages (at most 2,000). */
function kilobyteMessages(texts: readonly string[]): string[] {
  const joined = texts.join('\n\n');
  const out: string[] = [];
  // a fresh flat string per message, as a message parsed from the wire would be
  for (let i = 0; i + 1024 <= joined.length && out.length < 2000; i += 1024) out.push(Buffer.from(joined.slice(i, i + 1024)).toString());
  return out;
}

function latency(detector: InjectionDetector, messages: readonly string[]): { median: number; p99: number } {
  for (let r = 0; r < 20; r++) for (const m of messages) detector.scan(m); // warm up the JIT
  const micros: number[] = [];
  for (let r = 0; r < 5; r++) {
    for (const m of messages) {
      const t0 = process.hrtime.bigint();
      detector.scan(m);
      micros.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  }
  return { median: quantile(micros, 0.5), p99: quantile(micros, 0.99) };
}

function printErrors(detector: InjectionDetector, examples: readonly Example[]): void {
  for (const e of examples) {
    const findings = detector.analyze(e.text);
    const score = Math.max(...findings.map((f) => f.score));
    const flagged = score >= detector.threshold;
    if (flagged === (e.label === 1)) continue;
    const why = findings
      .filter((f) => f.score >= 0.3)
      .map((f) => `${f.category}:${f.score.toFixed(2)}`)
      .join(' ');
    console.log(`${e.label === 1 ? 'FN' : 'FP'} ${e.source}/${e.kind} score=${score.toFixed(3)} [${why}] ${JSON.stringify(e.text.slice(0, 300))}`);
  }
}

function main(): void {
  const dir = sharedDataDir();
  if (!hasSharedData(dir)) {
    console.log(`eval:detect: shared data folder ${dir} (injection/, agentdojo/) is absent; set MASS_SHARED_DATA. Nothing evaluated.`);
    return;
  }
  const args = new Set(process.argv.slice(2));
  const examples = loadAllExamples(dir);
  const detector = new InjectionDetector();
  const test = examples.filter((e) => e.split === 'test' && e.evaluated);

  for (let r = 0; r < 3; r++) for (const e of test) detector.scan(e.text); // warm up the JIT before timing
  console.log(`\nInjectionDetector (rules + model) at the default threshold ${detector.threshold}, test split`);
  console.log('source         attacks benign     TPR     FPR     F1   median µs  p99 µs  (per text)');
  const all: Counts = { tp: 0, fp: 0, tn: 0, fn: 0, micros: [] };
  for (const [source, list] of bySource(test)) {
    const c = evaluate(detector, list, true);
    all.tp += c.tp;
    all.fp += c.fp;
    all.tn += c.tn;
    all.fn += c.fn;
    all.micros.push(...c.micros);
    console.log(row(source, c, `  ${quantile(c.micros, 0.5).toFixed(0).padStart(9)} ${quantile(c.micros, 0.99).toFixed(0).padStart(7)}`));
  }
  console.log(row('all', all, `  ${quantile(all.micros, 0.5).toFixed(0).padStart(9)} ${quantile(all.micros, 0.99).toFixed(0).padStart(7)}`));
  const cse = test.filter((e) => e.source === 'cyberseceval' && (e.label === 0 || e.trainable));
  console.log(row('cse sec-viol.', evaluate(detector, cse, false), '  (cyberseceval without the logic-violating rows)'));

  // Latency per 1 KiB message: real benign texts (e-mails, code answers, tool outputs, prompts), and
  // separately the synthetic benign texts, which are packed with trigger words (more rule work).
  const real = examples.filter((e) => e.label === 0 && e.source !== 'synthetic').map((e) => e.text);
  const dense = examples.filter((e) => e.label === 0 && e.source === 'synthetic').map((e) => e.text);
  console.log('\nlatency per 1 KiB message, one core (µs)');
  for (const [name, texts] of [
    ['real benign', real],
    ['trigger-dense', dense],
  ] as const) {
    const messages = kilobyteMessages(texts);
    const lat = latency(detector, messages);
    console.log(`  ${name.padEnd(14)} ${String(messages.length).padStart(5)} messages: median ${lat.median.toFixed(1)}, p99 ${lat.p99.toFixed(1)}`);
  }

  if (args.has('--errors')) printErrors(detector, test);
  if (args.has('--no-loso')) return;

  console.log('\nLeave-one-source-out: retrained without the source (synthetic data kept), tested on all of it');
  console.log('held out       attacks benign     TPR     FPR     F1  threshold');
  const feat = featurize(examples);
  const sources = bySource(examples);
  for (const source of SOURCES) {
    const trainIds = examples.flatMap((e, i) => (e.split === 'train' && e.source !== source ? [i] : []));
    const { model } = trainModel(feat, trainIds, DEFAULT_TRAIN_OPTIONS);
    const held = new InjectionDetector({ model });
    const c = evaluate(
      held,
      (sources.get(source) ?? []).filter((e) => e.evaluated),
      false,
    );
    console.log(row(source, c, `  ${String(model.threshold).padStart(9)}`));
  }
}

main();
