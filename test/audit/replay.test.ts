import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { decodeEntry } from '../../src/audit/entry.js';
import { leafHash } from '../../src/audit/merkle.js';
import type { ActionRequest } from '../../src/mediator/types.js';
import type { Mesh } from '../../src/mesh/mesh.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { LogAppendRow } from '../../src/store/store.js';
import { NO_EARLY_GUARD, openGateway, signedRequests } from './replay/support.js';
import { logRows } from '../store/log-rows.js';

// Acceptance and replay protection are one fact: the envelope's id (iss/jti) is stored in the
// same transaction as the intent record, so no process and no restart accepts it twice.

const GATEWAY = join(fileURLToPath(new URL('.', import.meta.url)), 'replay', 'gateway.ts');

function withDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'mass-replay-'));
  return work(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const row = (n: number, replay?: LogAppendRow['replay']): LogAppendRow => {
  const entry = Buffer.from(JSON.stringify({ n }));
  return { entry, leaf: leafHash(entry), ...(replay === undefined ? {} : { replay }) };
};

test('LogTable.append: a live id claimed again (earlier batch or same batch) is not written; expired ids are claimable; consumed rows are always written; indexes stay contiguous', async () => {
  const store = await openSqliteStore(':memory:');
  try {
    const claim = (id: string, expiresAt = 10_000) => ({ id, expiresAt, mode: 'claim' as const });
    const first = await store.log.append([row(0, claim('a/1')), row(1, claim('a/1')), row(2), row(3, claim('a/2'))], 1_000);
    assert.deepEqual(first, { first: 0, written: [true, false, true, true] });
    const second = await store.log.append([row(4, claim('a/2')), row(5, { id: 'a/2', expiresAt: 10_000, mode: 'consume' }), row(6, claim('a/3'))], 2_000);
    assert.deepEqual(second, { first: 3, written: [false, true, true] });
    // Once expired, an id may be claimed again (the envelope itself is then refused as expired).
    assert.deepEqual(await store.log.append([row(7, claim('a/1', 20_000))], 10_000), { first: 5, written: [true] });
    assert.equal(await store.log.size(), 6);
    assert.deepEqual(
      (await logRows(store, 0, 6)).map((r) => r.index),
      [0, 1, 2, 3, 4, 5],
    );
  } finally {
    await store.close();
  }
});

/** Mediates `request` with an effect that counts runs per request index. */
function mediate(mesh: Mesh, request: ActionRequest, runs: number[], i: number) {
  return mesh.mediator.mediate(request, {
    run: () => {
      runs[i] = (runs[i] ?? 0) + 1;
      return Promise.resolve({ ok: true });
    },
  });
}

test('one envelope sent twice to a mediator whose early guard lets it through: ENVELOPE_REPLAYED at record, on record as a denial, the effect runs once', async () => {
  await withDir(async (dir) => {
    const mesh = await openGateway(join(dir, 'mass.db'), { earlyGuard: NO_EARLY_GUARD });
    try {
      const [request] = await signedRequests(mesh, 1);
      const runs: number[] = [];
      const verdicts = await Promise.all([mediate(mesh, request!, runs, 0), mediate(mesh, request!, runs, 0)]);
      assert.deepEqual(runs, [1]);
      const refused = verdicts.find((v) => !v.ok);
      assert.ok(refused !== undefined && !refused.ok);
      assert.equal(refused.code, 'ENVELOPE_REPLAYED');
      assert.equal(refused.stage, 'record');
      assert.equal(refused.executed, false);
      await mesh.log.flush();
      const kinds = (await logRows(mesh.store, 0, mesh.log.size)).map((r) => decodeEntry(r.entry)).filter((e) => e.kind !== 'admin' && e.kind !== 'external');
      assert.deepEqual(kinds.map((e) => e.kind).sort(), ['denial', 'intent', 'outcome']);
    } finally {
      await mesh.close();
    }
  });
});

test('monitor mode (red-team baseline): a replay is recorded as a denial and still runs, so the record stays complete', async () => {
  await withDir(async (dir) => {
    const mesh = await openGateway(join(dir, 'mass.db'), { earlyGuard: NO_EARLY_GUARD, mode: 'monitor' });
    try {
      const [request] = await signedRequests(mesh, 1);
      const runs: number[] = [];
      await mediate(mesh, request!, runs, 0);
      await mediate(mesh, request!, runs, 0);
      assert.deepEqual(runs, [2]);
      await mesh.mediator.settled();
      await mesh.log.flush();
      const entries = (await logRows(mesh.store, 0, mesh.log.size)).map((r) => decodeEntry(r.entry));
      const denial = entries.find((e) => e.kind === 'denial');
      assert.ok(denial?.kind === 'denial');
      assert.deepEqual(denial.outcome, { status: 'denied', code: 'ENVELOPE_REPLAYED', stage: 'record' });
      assert.equal(entries.filter((e) => e.kind === 'outcome').length, 2);
    } finally {
      await mesh.close();
    }
  });
});

/** Runs the gateway script on `requests`; resolves with its report lines (or kills it after the first `executed` with `killOnExecute`). */
function runGateway(
  dbPath: string,
  requestsFile: string,
  mode: 'all' | 'hang',
  killOnExecute = false,
): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', GATEWAY, dbPath, requestsFile, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (killOnExecute && line.startsWith('executed')) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === null && code !== 0) reject(new Error(`gateway exited ${code}: ${stderr.slice(0, 2000)}`));
      else resolve({ lines, signal });
    });
  });
}

test('two gateway processes on one SQLite file get the same 20 envelopes at once: each effect runs exactly once', { timeout: 120_000 }, async () => {
  await withDir(async (dir) => {
    const dbPath = join(dir, 'mass.db');
    const mesh = await openGateway(dbPath);
    const requests = await signedRequests(mesh, 20);
    await mesh.close();
    const file = join(dir, 'requests.json');
    writeFileSync(file, JSON.stringify(requests));
    const reports = await Promise.all([runGateway(dbPath, file, 'all'), runGateway(dbPath, file, 'all')]);
    const runs = new Array<number>(20).fill(0);
    for (const { lines } of reports) for (const line of lines) if (line.startsWith('executed ')) runs[Number(line.split(' ')[1])]! += 1;
    assert.deepEqual(runs, new Array<number>(20).fill(1));
    for (const { lines } of reports) for (const line of lines.filter((l) => l.startsWith('denied '))) assert.match(line, /ENVELOPE_REPLAYED$/);
  });
});

test(
  'an envelope accepted just before SIGKILL is refused after the restart: ENVELOPE_REPLAYED, the effect does not run again',
  { timeout: 120_000 },
  async () => {
    await withDir(async (dir) => {
      const dbPath = join(dir, 'mass.db');
      const mesh = await openGateway(dbPath);
      const requests = await signedRequests(mesh, 1);
      await mesh.close();
      const file = join(dir, 'requests.json');
      writeFileSync(file, JSON.stringify(requests));
      const killed = await runGateway(dbPath, file, 'hang', true);
      assert.equal(killed.signal, 'SIGKILL');
      assert.deepEqual(killed.lines, ['executed 0']);
      const restarted = await runGateway(dbPath, file, 'all');
      assert.deepEqual(restarted.lines, ['denied 0 ENVELOPE_REPLAYED', 'done']);
    });
  },
);

test(
  "property: random duplicates and interleavings across two writers on one store — every id's effect runs at most once (and once)",
  { timeout: 120_000 },
  async () => {
    await withDir(async (dir) => {
      const dbPath = join(dir, 'mass.db');
      // Two mediators on two connections to one file, without early guards: only the log's claim stands between them.
      const a = await openGateway(dbPath, { earlyGuard: NO_EARLY_GUARD });
      const b = await openGateway(dbPath, { earlyGuard: NO_EARLY_GUARD });
      try {
        await fc.assert(
          fc.asyncProperty(
            fc
              .integer({ min: 1, max: 6 })
              .chain((n) =>
                fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.boolean(), fc.nat({ max: 3 })), { minLength: 1, maxLength: 24 })),
              ),
            async ([n, sends]) => {
              const requests = await signedRequests(a, n);
              const runs: number[] = [];
              // Interleave: each send starts after a random number of event-loop turns.
              await Promise.all(
                sends.map(async ([i, onA, delay]) => {
                  for (let t = 0; t < delay; t++) await new Promise((r) => setImmediate(r));
                  return mediate(onA ? a : b, requests[i]!, runs, i);
                }),
              );
              const sent = new Set(sends.map(([i]) => i));
              for (let i = 0; i < n; i++) assert.equal(runs[i] ?? 0, sent.has(i) ? 1 : 0, `request ${i}`);
            },
          ),
          { numRuns: 20 },
        );
      } finally {
        await a.close();
        await b.close();
      }
    });
  },
);

test('property: two writers claiming random ids in random batches: each id is written at most once, indexes stay contiguous', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'log.db');
    const one = await openSqliteStore(path);
    const two = await openSqliteStore(path);
    let round = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.boolean(), fc.array(fc.nat({ max: 7 }), { minLength: 1, maxLength: 6 })), { minLength: 1, maxLength: 12 }),
          async (batches) => {
            round++;
            const before = await one.log.size();
            const results = await Promise.all(
              batches.map(([first, ids]) =>
                (first ? one : two).log.append(
                  ids.map((id) => row(id, { id: `r${round}/${id}`, expiresAt: 1e13, mode: 'claim' })),
                  1_000,
                ),
              ),
            );
            const written = new Map<number, number>();
            batches.forEach(([, ids], k) => ids.forEach((id, j) => results[k]!.written[j] === true && written.set(id, (written.get(id) ?? 0) + 1)));
            const distinct = new Set(batches.flatMap(([, ids]) => ids));
            for (const id of distinct) assert.equal(written.get(id), 1, `id ${id}`);
            const after = await one.log.size();
            assert.equal(after - before, distinct.size);
            assert.deepEqual(
              (await logRows(one, before, after)).map((r) => r.index),
              Array.from({ length: after - before }, (_, i) => before + i),
            );
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      await one.close();
      await two.close();
    }
  });
});
