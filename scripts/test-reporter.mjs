// A short node:test reporter: a dot per top-level test while the suite runs, then one line per
// test file, every failure with its error, the skipped tests with their reasons, and the totals on
// one closing line ("tests: N passed, N failed, N skipped").
import { relative } from 'node:path';
import { inspect } from 'node:util';

const cwd = process.cwd();

function fileOf(data) {
  return data.file === undefined ? '(no file)' : relative(cwd, data.file);
}

function describeError(error) {
  // node:test wraps what the test threw in an ERR_TEST_FAILURE whose cause is the original error.
  const original = error?.code === 'ERR_TEST_FAILURE' && error.cause !== undefined ? error.cause : error;
  const text = original instanceof Error ? (original.stack ?? `${original.name}: ${original.message}`) : inspect(original, { depth: 4 });
  const lines = text.split('\n').slice(0, 20);
  if (original !== null && typeof original === 'object' && 'expected' in original && 'actual' in original && original.generatedMessage !== true) {
    lines.push(`expected: ${inspect(original.expected, { depth: 4 })}`, `actual:   ${inspect(original.actual, { depth: 4 })}`);
  }
  return lines.map((line) => `    ${line}`).join('\n');
}

export default async function* shortReporter(source) {
  const files = new Map();
  const failures = [];
  const skips = [];
  const output = new Map();
  const totals = {};
  let column = 0;
  const fileStats = (data) => {
    const name = fileOf(data);
    let stats = files.get(name);
    if (stats === undefined) files.set(name, (stats = { passed: 0, failed: 0, skipped: 0, ms: 0 }));
    return stats;
  };
  for await (const event of source) {
    const { type, data } = event;
    if (type === 'test:pass' || type === 'test:fail') {
      const failed = type === 'test:fail';
      const skipped = !failed && (data.skip !== undefined || data.todo !== undefined);
      if (failed) failures.push({ file: fileOf(data), name: data.name, error: data.details?.error });
      if (skipped && data.nesting === 0)
        skips.push({ file: fileOf(data), name: data.name, reason: data.skip === true ? '' : String(data.skip ?? data.todo ?? '') });
      if (data.nesting !== 0) continue;
      const stats = fileStats(data);
      if (failed) stats.failed++;
      else if (skipped) stats.skipped++;
      else stats.passed++;
      stats.ms += data.details?.duration_ms ?? 0;
      yield failed ? 'x' : skipped ? 's' : '.';
      if (++column % 100 === 0) yield '\n';
    } else if (type === 'test:diagnostic' && data.nesting === 0) {
      const match = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/.exec(data.message ?? '');
      if (match !== null) totals[match[1]] = Number(match[2]);
    } else if ((type === 'test:stderr' || type === 'test:stdout') && data.file !== undefined && data.message !== undefined) {
      // What a test file printed: shown only for files that failed or ran no test (a crash at
      // import), where it explains what happened; the last 8 KiB of each file are kept.
      const name = fileOf(data);
      output.set(name, `${output.get(name) ?? ''}${data.message}`.slice(-8192));
    }
  }
  yield '\n\n';
  for (const [name, s] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = [`${s.passed} passed`];
    if (s.failed > 0) parts.push(`${s.failed} FAILED`);
    if (s.skipped > 0) parts.push(`${s.skipped} skipped`);
    yield `${s.failed > 0 ? '✗' : '✓'} ${name}  ${parts.join(', ')}  (${(s.ms / 1000).toFixed(1)} s)\n`;
  }
  for (const s of skips) yield `\nskipped: ${s.file} › ${s.name}${s.reason === '' ? '' : ` — ${s.reason}`}`;
  if (skips.length > 0) yield '\n';
  for (const f of failures) yield `\nFAILED: ${f.file} › ${f.name}\n${describeError(f.error)}\n`;
  for (const [name, text] of output) {
    const stats = files.get(name);
    if (stats === undefined || stats.failed > 0) yield `\noutput of ${name}:\n${text}\n`;
  }
  const failed = (totals.fail ?? 0) + (totals.cancelled ?? 0);
  const seconds = ((totals.duration_ms ?? 0) / 1000).toFixed(0);
  yield `\n${totals.tests ?? 0} tests in ${files.size} files, ${seconds} s\n`;
  yield `tests: ${totals.pass ?? 0} passed, ${failed} failed, ${(totals.skipped ?? 0) + (totals.todo ?? 0)} skipped\n`;
}
