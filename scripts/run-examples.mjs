// Runs every runnable example in examples/ (the `*.mjs` files that are programs, not the helper
// servers they start) with plain `node`, one after the other, as a newcomer would. The examples
// import `mass-runtime` by name, which resolves to this package's own dist/ (`npm run examples`
// builds it first). An example fails when it exits non-zero — each checks what it demonstrates —
// or when it has not finished by itself within the time limit (a dangling handle).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXAMPLES = ['in-process-mesh.mjs', 'mcp-proxy.mjs', 'gateway-client.mjs'];
const TIME_LIMIT_MS = 60_000;
const root = fileURLToPath(new URL('..', import.meta.url));

if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('run-examples: dist/ is missing; run `npm run build` first (`npm run examples` does)');
  process.exit(1);
}
const named = process.argv.slice(2);
let failed = 0;
for (const name of named.length > 0 ? named : EXAMPLES) {
  console.log(`== examples/${name}`);
  const run = spawnSync(process.execPath, [join('examples', name)], { cwd: root, stdio: 'inherit', timeout: TIME_LIMIT_MS, killSignal: 'SIGKILL' });
  if (run.error?.code === 'ETIMEDOUT' || run.signal !== null) {
    console.error(`examples/${name}: did not finish by itself within ${TIME_LIMIT_MS / 1000} s`);
    failed++;
  } else if (run.status !== 0) {
    console.error(`examples/${name}: exit status ${run.status}`);
    failed++;
  }
}
if (failed > 0) {
  console.error(`examples: ${failed} failed`);
  process.exit(1);
}
console.log('examples: all ok');
