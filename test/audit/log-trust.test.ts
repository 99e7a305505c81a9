import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { signCheckpoint } from '../../src/audit/checkpoint.js';
import { externalEntry } from '../../src/audit/entry.js';
import { formatKeptCheckpoint, parseKeptCheckpoint } from '../../src/audit/kept-checkpoint.js';
import { AuditLog, LEGACY_LOG_KEY_NAME } from '../../src/audit/log.js';
import { LogKey } from '../../src/audit/log-key.js';
import { MerkleTree } from '../../src/audit/merkle.js';
import { LogVerificationError, verifyLog } from '../../src/audit/verify-log.js';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { isMassError } from '../../src/core/errors.js';
import { canonicalJson } from '../../src/core/json.js';
import { generateEd25519Key, privateKeyFromPkcs8 } from '../../src/identity/keys.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { openGateway, signedRequests } from './replay/support.js';

// The audit log's trust model: the checkpoint key lives outside the store, checkpoints are signed
// automatically, and a checkpoint kept elsewhere catches a rewrite by someone holding both.

const ORIGIN = 'example.org/mass/audit-log';

async function cli(dir: string, argv: string[], stdin = ''): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { cwd: dir, out: (t) => (stdout += t), err: (t) => (stderr += t), stdin: Readable.from([stdin]) };
  const status = await run(argv, io);
  return { status, stdout, stderr };
}

/** A folder after `mass init` and ten appended entries; `work` gets its paths and the pinned verifier key. */
async function withInstallation(work: (paths: { dir: string; db: string; keyFile: string; vkey: string }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mass-log-trust-'));
  try {
    assert.equal((await cli(dir, ['init'])).status, 0);
    const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ event: `e${i}` })).join('\n');
    assert.equal((await cli(dir, ['log', 'append'], `${lines}\n`)).status, 0);
    const vkey = (await cli(dir, ['log', 'key'])).stdout.trim();
    await work({ dir, db: join(dir, '.mass', 'mass.db'), keyFile: join(dir, '.mass', 'audit-log.key'), vkey });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withDir(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mass-log-close-'));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const leafOf = (bytes: Buffer): Buffer =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), bytes]))
    .digest();

/** What an attacker with write access to the database does to entry `index`: new bytes, matching leaf hash. */
function rewriteEntry(db: Database.Database, index: number): void {
  const forged = Buffer.from(canonicalJson(externalEntry({ event: 'forged' }, 1)));
  db.prepare('UPDATE log_entries SET entry = ?, leaf = ? WHERE idx = ?').run(forged, leafOf(forged), index);
}

test('mass init keeps the log key in a 0600 file outside the store; the store holds no log key', async () => {
  await withInstallation(async ({ db, keyFile }) => {
    assert.ok(existsSync(keyFile));
    const store = await openSqliteStore(db);
    try {
      assert.equal(await store.keys.get(LEGACY_LOG_KEY_NAME), undefined);
    } finally {
      await store.close();
    }
    chmodSync(keyFile, 0o644);
    assert.throws(
      () => LogKey.load(keyFile),
      (e: unknown) => isMassError(e, 'LOG_KEY_INVALID'),
    );
  });
});

test('rewrite an entry + its leaf hash and re-sign with a key the attacker holds (no log key in the store any more): verify --key fails', async () => {
  await withInstallation(async ({ dir, db: dbPath, vkey }) => {
    const db = new Database(dbPath);
    rewriteEntry(db, 5);
    // With database access only, the best an attacker can sign with is a key of their own.
    const size = (db.prepare('SELECT count(*) AS n FROM log_entries').get() as { n: number }).n;
    const leaves = (db.prepare('SELECT leaf FROM log_entries ORDER BY idx').all() as { leaf: Buffer }[]).map((r) => new Uint8Array(r.leaf));
    const root = MerkleTree.from(leaves).root();
    db.prepare('DELETE FROM log_checkpoints').run();
    const pair = generateEd25519Key();
    const note = signCheckpoint(
      { origin: ORIGIN, size, root },
      { name: ORIGIN, privateKey: privateKeyFromPkcs8(pair.privatePkcs8), publicKey: new Uint8Array(Buffer.from(pair.publicJwk.x, 'base64url')) },
    );
    db.prepare('INSERT INTO log_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)').run(size, Buffer.from(root), note, 1);
    db.close();
    const r = await cli(dir, ['log', 'verify', '--key', vkey]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\[LOG_INVALID\]/);
    // Restarting the writer does not launder the rewrite: the signer remembers what it signed.
    const append = await cli(dir, ['log', 'append'], '{"after":"restart"}\n');
    assert.equal(append.status, 1);
    assert.match(append.stderr, /\[CHECKPOINT_INVALID\]/);
  });
});

test('truncate the tail: verify --key fails naming the first missing index', async () => {
  await withInstallation(async ({ dir, db: dbPath, vkey }) => {
    const db = new Database(dbPath);
    db.prepare('DELETE FROM log_entries WHERE idx >= 11').run();
    db.close();
    const r = await cli(dir, ['log', 'verify', '--key', vkey]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /index 11: entries from here on are missing/);
  });
});

test("truncate the tail and delete the checkpoints that covered it: verify fails on the signer's own record, naming the first missing index", async () => {
  await withInstallation(async ({ dir, db: dbPath, vkey }) => {
    const db = new Database(dbPath);
    db.prepare('DELETE FROM log_entries WHERE idx >= 11').run();
    db.prepare('DELETE FROM log_checkpoints WHERE size > 11').run();
    db.close();
    const r = await cli(dir, ['log', 'verify', '--key', vkey]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /index 11: entries from here on are missing: the signer's last checkpoint \(.*audit-log\.key\.signed\) covers 14/);
  });
});

test('delete all checkpoints: verify --key fails (no signed checkpoint) and says how many entries nothing covers', async () => {
  await withInstallation(async ({ dir, db: dbPath, vkey }) => {
    const ok = await cli(dir, ['log', 'verify', '--key', vkey]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /latest covers 14\).*; 0 entries after it not yet covered by a signature/);
    const db = new Database(dbPath);
    db.prepare('DELETE FROM log_checkpoints').run();
    db.close();
    const r = await cli(dir, ['log', 'verify', '--key', vkey]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no signed checkpoint: none of the 14 entries is covered by a signature \[LOG_INVALID\]/);
  });
});

test('the key file is lost while the log holds entries: LOG_KEY_MISSING, no new key is made up; `mass log key --new` starts one deliberately', async () => {
  await withInstallation(async ({ dir, keyFile }) => {
    unlinkSync(keyFile);
    const r = await cli(dir, ['log', 'append'], '{"x":1}\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\[LOG_KEY_MISSING\]/);
    assert.equal(existsSync(keyFile), false);
    const created = await cli(dir, ['log', 'key', '--new']);
    assert.equal(created.status, 0, created.stderr);
    assert.equal((await cli(dir, ['log', 'key', '--new'])).status, 1, 'an existing key is never replaced');
    assert.equal((await cli(dir, ['log', 'append'], '{"x":1}\n')).status, 0);
    // Checkpoints of the lost key verify only with both keys named.
    const vkey = created.stdout.trim();
    assert.equal((await cli(dir, ['log', 'verify', '--key', vkey])).status, 1);
  });
});

test('an older store that kept the log key in the database: that key is never used to sign', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mass-log-legacy-'));
  try {
    const store = await openSqliteStore(join(dir, 'mass.db'));
    const legacy = generateEd25519Key();
    await store.keys.insert({ name: LEGACY_LOG_KEY_NAME, privatePkcs8: legacy.privatePkcs8, publicJwk: legacy.publicJwk, createdAt: 1 });
    const log = await AuditLog.open(store, { origin: ORIGIN, key: LogKey.create(join(dir, 'audit-log.key')) });
    await log.append(externalEntry({ n: 1 }, 1));
    await log.close();
    const legacyVerifier = { name: ORIGIN, publicKey: new Uint8Array(Buffer.from(legacy.publicJwk.x, 'base64url')) };
    await assert.rejects(verifyLog(store, ORIGIN, legacyVerifier), (e: unknown) => e instanceof LogVerificationError);
    await verifyLog(store, ORIGIN, log.verifier);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an older store with its log key in the database and no key file does not open: LOG_KEY_MISSING says why', async () => {
  await withInstallation(async ({ dir, db, keyFile }) => {
    unlinkSync(keyFile);
    const store = await openSqliteStore(db);
    const legacy = generateEd25519Key();
    await store.keys.insert({ name: LEGACY_LOG_KEY_NAME, privatePkcs8: legacy.privatePkcs8, publicJwk: legacy.publicJwk, createdAt: 1 });
    await store.close();
    const r = await cli(dir, ['log', 'append'], '{"x":1}\n');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /kept the key in the database; that key is no longer trusted.*\[LOG_KEY_MISSING\]/s);
    assert.equal(existsSync(keyFile), false);
  });
});

test('read-only log commands in a folder with no store fail with STORE_NOT_FOUND and create nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mass-log-nostore-'));
  try {
    writeFileSync(join(dir, 'mass.yaml'), 'version: 1\ntrustDomain: example.org\n');
    for (const argv of [
      ['log', 'verify'],
      ['log', 'show'],
      ['log', 'tail'],
      ['log', 'trace', 'x'],
      ['log', 'checkpoint'],
      ['log', 'proof', '--index', '0'],
      ['log', 'consistency', '--from', '0'],
    ]) {
      const r = await cli(dir, argv);
      assert.equal(r.status, 1, argv.join(' '));
      assert.match(r.stderr, /\[STORE_NOT_FOUND\]/, argv.join(' '));
    }
    const r = await cli(dir, ['log', 'verify', '--key', 'example.org/mass/audit-log+01234567+AQ==']);
    assert.notEqual(r.status, 0);
    assert.deepEqual(readdirSync(dir), ['mass.yaml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mass log show --decision maybe: a usage error (exit 2) naming the accepted values', async () => {
  await withInstallation(async ({ dir }) => {
    const r = await cli(dir, ['log', 'show', '--decision', 'maybe']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--decision "maybe" is not one of allow, deny, approval/);
    assert.equal((await cli(dir, ['log', 'show', '--decision', 'approval'])).status, 0);
  });
});

/** Someone with the database and the key file rewrites history and re-signs it; only the kept checkpoint tells. */
async function resignWithKey(dbPath: string, keyFile: string): Promise<void> {
  unlinkSync(`${keyFile}.signed`);
  const db = new Database(dbPath);
  db.prepare('DELETE FROM log_checkpoints').run();
  db.close();
  const store = await openSqliteStore(dbPath);
  const log = await AuditLog.open(store, { origin: ORIGIN, key: LogKey.load(keyFile) });
  await log.close();
  await store.close();
}

for (const [attack, tamper, index] of [
  ['rewrite below a kept checkpoint', (db: Database.Database) => rewriteEntry(db, 6), 6],
  [
    'reorder below a kept checkpoint',
    (db: Database.Database) => {
      db.prepare('UPDATE log_entries SET idx = -1 WHERE idx = 8').run();
      db.prepare('UPDATE log_entries SET idx = 8 WHERE idx = 3').run();
      db.prepare('UPDATE log_entries SET idx = 3 WHERE idx = -1').run();
    },
    3,
  ],
  ['truncate below a kept checkpoint', (db: Database.Database) => db.prepare('DELETE FROM log_entries WHERE idx >= 9').run(), 9],
] as const) {
  test(`${attack}, re-signed with the real key: --checkpoint FILE fails naming index ${index}`, async () => {
    await withInstallation(async ({ dir, db: dbPath, keyFile, vkey }) => {
      const kept = await cli(dir, ['log', 'checkpoint', '--out', 'kept.json']);
      assert.equal(kept.status, 0, kept.stderr);
      const good = await cli(dir, ['log', 'verify', '--key', vkey, '--checkpoint', 'kept.json']);
      assert.equal(good.status, 0, good.stderr);
      assert.match(good.stdout, /consistent with the kept checkpoint\(s\) \(largest covers 14\)/);
      const db = new Database(dbPath);
      tamper(db);
      db.close();
      await resignWithKey(dbPath, keyFile);
      assert.equal((await cli(dir, ['log', 'verify', '--key', vkey])).status, 0, 'the re-signed store verifies on its own');
      const r = await cli(dir, ['log', 'verify', '--key', vkey, '--checkpoint', 'kept.json']);
      assert.equal(r.status, 1);
      assert.match(r.stderr, new RegExp(`index ${index}: `));
    });
  });
}

test('checkpoints are signed automatically: every N entries, after T seconds, and at close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mass-log-auto-'));
  const store = await openSqliteStore(join(dir, 'mass.db'));
  try {
    const log = await AuditLog.open(store, { origin: ORIGIN, key: LogKey.create(join(dir, 'audit-log.key')), checkpointEvery: 10, checkpointSeconds: 0.02 });
    for (let i = 0; i < 25; i++) await log.append(externalEntry({ i }, i));
    const sizes = (await store.log.checkpoints()).map((c) => c.size);
    assert.ok(sizes.includes(10) && sizes.includes(20), `sizes ${sizes.join(',')}`);
    // The timer covers the tail of 5 (bounded wait: polls, no timing assertion).
    for (let i = 0; i < 500 && (await store.log.latestCheckpoint())?.size !== 25; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await store.log.latestCheckpoint())?.size, 25);
    await log.append(externalEntry({ i: 25 }, 25));
    await log.close();
    assert.equal((await store.log.latestCheckpoint())?.size, 26);
    await assert.rejects(log.append(externalEntry({ i: 26 }, 26)), (e: unknown) => isMassError(e, 'STORE_FAILED'));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mesh.close() (what `mass up` does when it stops) signs a checkpoint over everything written, with the key file beside the store', async () => {
  await withDir(async (dir) => {
    const db = join(dir, 'mass.db');
    const mesh = await openGateway(db);
    const [request] = await signedRequests(mesh, 1);
    const verdict = await mesh.mediator.mediate(request!, { run: () => Promise.resolve('ok') });
    assert.equal(verdict.ok, true);
    await mesh.close();
    const store = await openSqliteStore(db);
    try {
      assert.equal((await store.log.latestCheckpoint())?.size, await store.log.size());
      const verifier = { name: ORIGIN, publicKey: LogKey.load(join(dir, 'audit-log.key')).publicKey };
      assert.equal((await verifyLog(store, ORIGIN, verifier)).uncovered, 0);
    } finally {
      await store.close();
    }
  });
});

test('property: any rewrite, reorder or truncation below a kept checkpoint is caught, naming the first index that differs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mass-log-prop-'));
  try {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 2, max: 40 })
          .chain((size) =>
            fc.tuple(
              fc.constant(size),
              fc.oneof(
                fc.record({ kind: fc.constant('rewrite' as const), at: fc.nat({ max: size - 1 }) }),
                fc.record({ kind: fc.constant('swap' as const), at: fc.nat({ max: size - 2 }), gap: fc.integer({ min: 1, max: size - 1 }) }),
                fc.record({ kind: fc.constant('truncate' as const), at: fc.nat({ max: size - 1 }) }),
              ),
            ),
          ),
        async ([size, mutation]) => {
          const path = join(dir, `p${run++}.db`);
          const key = LogKey.ephemeral();
          const store = await openSqliteStore(path);
          try {
            const log = await AuditLog.open(store, { origin: ORIGIN, key });
            for (let i = 0; i < size; i++) await log.append(externalEntry({ i }, i));
            const checkpoint = await log.checkpoint();
            const kept = parseKeptCheckpoint(formatKeptCheckpoint(checkpoint.note, log.leafHashes(checkpoint.size)));
            const db = new Database(path);
            let expected: number;
            if (mutation.kind === 'rewrite') {
              rewriteEntry(db, mutation.at);
              expected = mutation.at;
            } else if (mutation.kind === 'swap') {
              const other = Math.min(size - 1, mutation.at + mutation.gap);
              db.prepare('UPDATE log_entries SET idx = -1 WHERE idx = ?').run(other);
              db.prepare('UPDATE log_entries SET idx = ? WHERE idx = ?').run(other, mutation.at);
              db.prepare('UPDATE log_entries SET idx = ? WHERE idx = -1').run(mutation.at);
              expected = mutation.at;
            } else {
              db.prepare('DELETE FROM log_entries WHERE idx >= ?').run(mutation.at);
              expected = mutation.at;
            }
            db.close();
            await assert.rejects(
              verifyLog(store, ORIGIN, log.verifier, { kept: [kept] }),
              (e: unknown) => e instanceof LogVerificationError && e.index === expected,
            );
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fuzz: a kept checkpoint file of any content parses or is refused with CHECKPOINT_INVALID, nothing else', () => {
  const jsonish = fc.oneof(
    fc.string(),
    fc.json(),
    fc
      .record({ checkpoint: fc.oneof(fc.string(), fc.integer()), leaves: fc.oneof(fc.base64String(), fc.string(), fc.constant(undefined)) })
      .map((v) => JSON.stringify(v)),
  );
  fc.assert(
    fc.property(jsonish, (text) => {
      try {
        const kept = parseKeptCheckpoint(text);
        assert.equal(typeof kept.note, 'string');
        for (const leaf of kept.leaves ?? []) assert.equal(leaf.length, 32);
      } catch (error) {
        assert.ok(isMassError(error, 'CHECKPOINT_INVALID'), String(error));
      }
    }),
    { numRuns: 3000 },
  );
});
