// `npm run bench`: measures the mediation costs and records them in BENCHMARKS.md.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { formatTable, type Measurement } from './measure.js';
import { runMediationBench } from './mediation.js';

const quick = process.argv.includes('--quick');
const results = await runMediationBench(quick ? { iterations: 300, cedarIterations: 200 } : { iterations: 5000, cedarIterations: 2000 });

const byName = (prefix: string): Measurement => {
  const found = results.find((r) => r.name.startsWith(prefix));
  if (found === undefined) throw new Error(`no measurement ${prefix}`);
  return found;
};
const ratio = (a: Measurement, b: Measurement) => `${(a.medianUs / b.medianUs).toFixed(2)}× (median), ${(a.p99Us / b.p99Us).toFixed(2)}× (p99)`;
const direct = byName('direct tool call');
const host = byName('mediated, no signature');
const signed = byName('mediated, signed envelope');
const ed = byName('Ed25519 verify alone');

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const section = [
  `### Mediation (${date})`,
  '',
  `Machine: ${machine}. Command: \`npm run bench\`${quick ? ' --quick' : ''}.`,
  '',
  formatTable(results),
  '',
  `- mediated (no signature) vs direct: +${(host.medianUs - direct.medianUs).toFixed(1)} µs median, +${(host.p99Us - direct.p99Us).toFixed(1)} µs p99`,
  `- signed vs unsigned mediation: ${ratio(signed, host)}`,
  `- signed mediation vs one Ed25519 verification: ${ratio(signed, ed)} (goal for later issues: ≤ 1.25×)`,
].join('\n');

process.stdout.write(`${section}\n`);

if (!quick) {
  const file = 'BENCHMARKS.md';
  const begin = '<!-- bench:mediation -->';
  const end = '<!-- /bench:mediation -->';
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = `${begin}\n${section}\n${end}`;
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next = start >= 0 && stop > start ? current.slice(0, start) + block + current.slice(stop + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
  process.stdout.write(`\nwrote ${file}\n`);
}
