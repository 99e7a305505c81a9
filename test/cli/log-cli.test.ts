import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { verifierKey } from '../../src/audit/note.js';
import { generateEd25519Key } from '../../src/identity/keys.js';

const BIN = fileURLToPath(new URL('../../bin/mass.js', import.meta.url));
let dir = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mass-log-cli-'));
  assert.equal((await cli(['init'])).status, 0);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], stdin = ''): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { cwd: dir, out: (t) => (stdout += t), err: (t) => (stderr += t), stdin: Readable.from([stdin]) };
  const status = await run(argv, io);
  return { status, stdout, stderr };
}

test('mass log append: one {"index": n} per JSON line, after the entries mass init logged', async () => {
  const r = await cli(['log', 'append'], '{"event":"deploy","by":"ci"}\n\n{"event":"rotate"}\n');
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
    [{ index: 4 }, { index: 5 }],
  );
});

test('mass log append: a line that is not a JSON object appends nothing and exits 2', async () => {
  for (const bad of ['{"ok":1}\nnot json\n', '[1,2]\n', '"text"\n']) {
    const r = await cli(['log', 'append'], bad);
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /nothing was appended/);
  }
  const show = await cli(['log', 'show', '--json']);
  assert.equal(show.stdout.trim().split('\n').length, 6);
});

test('mass log checkpoint, proof, consistency: the documented shapes', async () => {
  const cp = await cli(['log', 'checkpoint']);
  assert.equal(cp.status, 0, cp.stderr);
  const lines = cp.stdout.split('\n');
  assert.equal(lines[0], 'example.org/mass/audit-log');
  assert.equal(lines[1], '6');
  assert.match(lines[2] ?? '', /^[A-Za-z0-9+/]{43}=$/);
  assert.equal(lines[3], '');
  assert.match(lines[4] ?? '', /^— example\.org\/mass\/audit-log [A-Za-z0-9+/]+=*$/);

  const proof = JSON.parse((await cli(['log', 'proof', '--index', '3'])).stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(proof), ['index', 'tree_size', 'leaf_hash', 'root', 'proof']);
  assert.equal(proof.tree_size, 6);
  assert.equal(proof.root, lines[2]);
  const sized = JSON.parse((await cli(['log', 'proof', '--index', '1', '--size', '3'])).stdout) as Record<string, unknown>;
  assert.equal(sized.tree_size, 3);

  const consistency = JSON.parse((await cli(['log', 'consistency', '--from', '2'])).stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(consistency), ['from', 'to', 'root_from', 'root_to', 'proof']);
  assert.equal(consistency.to, 6);
  assert.equal(consistency.root_to, lines[2]);

  assert.equal((await cli(['log', 'proof', '--index', '9'])).status, 1);
  assert.equal((await cli(['log', 'proof', '--index', 'x'])).status, 2);
});

test('mass log show filters by agent, decision and time; tail prints the last entries', async () => {
  const all = await cli(['log', 'show']);
  assert.match(all.stdout, /admin\tagent\.add router/);
  const byAgent = await cli(['log', 'show', '--agent', 'cli', '--json']);
  assert.equal(byAgent.stdout.trim().split('\n').length, 4);
  const denies = await cli(['log', 'show', '--decision', 'deny']);
  assert.equal(denies.stdout, '');
  const future = await cli(['log', 'show', '--since', '2999-01-01']);
  assert.equal(future.stdout, '');
  assert.equal((await cli(['log', 'show', '--since', 'yesterday-ish'])).status, 1);
  const tail = await cli(['log', 'tail', '-n', '2', '--json']);
  assert.deepEqual(
    tail.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { index: number }).index),
    [4, 5],
  );
});

test('mass log verify --key: checkpoints must be signed by the pinned key', async () => {
  const key = (await cli(['log', 'key'])).stdout.trim();
  assert.equal((await cli(['log', 'verify', '--key', key])).status, 0);
  const other = verifierKey('example.org/mass/audit-log', Buffer.from(generateEd25519Key().publicJwk.x, 'base64url'));
  const refused = await cli(['log', 'verify', '--key', other]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /\[LOG_INVALID\]/);
});

test('mass log verify: ok, then after one byte of one entry changes, non-zero naming the index (real executable)', async () => {
  const ok = await exec(['log', 'verify']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^ok: 6 entries/);
  const db = new Database(join(dir, '.mass', 'mass.db'));
  db.prepare("UPDATE log_entries SET entry = CAST(replace(CAST(entry AS TEXT), 'rotate', 'rotatf') AS BLOB) WHERE idx = 5").run();
  db.close();
  const bad = await exec(['log', 'verify']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /index 5: entry bytes do not match/);
  assert.match(bad.stderr, /\[LOG_INVALID\]/);
});

function exec(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}
