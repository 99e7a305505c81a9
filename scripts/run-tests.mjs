// Runs every test file under test/ with node:test through tsx. Node 20's `node --test` does not
// expand globs, so the file list is built here. Extra arguments are passed to node's runner (e.g.
// `npm test -- --test-reporter=spec` for the full tree, or a list of files to run only those).
// The default reporter (test-reporter.mjs) prints a dot per test, one line per file, the failures
// and a closing line `tests: N passed, N failed, N skipped`. Files run two at a time (the machine
// this is written for has two cores); MASS_TEST_CONCURRENCY overrides it.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith('.test.ts') ? [relative(process.cwd(), path)] : [];
  });
}

const extra = process.argv.slice(2);
const named = extra.filter((arg) => arg.endsWith('.test.ts'));
const options = extra.filter((arg) => !arg.endsWith('.test.ts'));
const files = named.length > 0 ? named : findTests('test').sort();
const reporter = options.some((arg) => arg.startsWith('--test-reporter'))
  ? []
  : ['--test-reporter=./scripts/test-reporter.mjs', '--test-reporter-destination=stdout'];
const concurrency = options.some((arg) => arg.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${process.env.MASS_TEST_CONCURRENCY ?? '2'}`];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...reporter, ...concurrency, ...options, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
