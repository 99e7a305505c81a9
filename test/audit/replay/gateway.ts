// A gateway process for the replay tests: opens a mesh on a shared SQLite file and mediates the
// signed requests of a JSON file, reporting on stdout, for each request index, `executed i` when
// its effect runs and `denied i CODE` when it is refused; then `done`. With `hang`, the effect
// reports and then never returns, so that the parent can SIGKILL the process right after an
// acceptance. Usage: gateway.ts <db path> <requests file> <all|hang>
import { readFileSync } from 'node:fs';
import type { ActionRequest } from '../../../src/mediator/types.js';
import { openGateway } from './support.js';

const [dbPath, requestsFile, mode] = process.argv.slice(2);
if (dbPath === undefined || requestsFile === undefined || (mode !== 'all' && mode !== 'hang'))
  throw new TypeError('usage: gateway.ts <db> <requests> <all|hang>');

const requests = JSON.parse(readFileSync(requestsFile, 'utf8')) as ActionRequest[];
const mesh = await openGateway(dbPath);
await Promise.all(
  requests.map(async (request, i) => {
    const verdict = await mesh.mediator.mediate(request, {
      run: () => {
        process.stdout.write(`executed ${i}\n`);
        return mode === 'hang' ? new Promise(() => undefined) : Promise.resolve({ ok: true });
      },
    });
    if (!verdict.ok && !verdict.executed) process.stdout.write(`denied ${i} ${verdict.code}\n`);
  }),
);
process.stdout.write('done\n');
await mesh.close();
