import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openCheckpoint } from '../../src/audit/checkpoint.js';
import { decodeEntry, externalEntry } from '../../src/audit/entry.js';
import { AuditLog } from '../../src/audit/log.js';
import { LogKey } from '../../src/audit/log-key.js';
import { AuditRecorder } from '../../src/mesh/audit-recorder.js';
import { LogVerificationError, verifyLog } from '../../src/audit/verify-log.js';
import { isMassError } from '../../src/core/errors.js';
import { canonicalJson } from '../../src/core/json.js';
import { createMesh } from '../../src/mesh/mesh.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { exampleConfig } from '../support/fixtures.js';
import { logRows } from '../store/log-rows.js';

const ORIGIN = 'test.example/mass/audit-log';
const open = (store: Store, key = LogKey.ephemeral()): Promise<AuditLog> => AuditLog.open(store, { origin: ORIGIN, key });

/** RFC 9162 §2.1.3.2, written independently of src/audit, to check the proofs the log hands out. */
function independentInclusionRoot(leaf: Buffer, index: number, size: number, proof: Buffer[]): Buffer {
  const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new Error('proof too long');
    if (fn % 2 === 1 || fn === sn) {
      r = h(Buffer.from([1]), p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else r = h(Buffer.from([1]), r, p);
    fn >>= 1;
    sn >>= 1;
  }
  if (sn !== 0) throw new Error('proof too short');
  return r;
}

async function withFileStore<T>(work: (store: Store, path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'mass-log-'));
  const path = join(dir, 'mass.db');
  const store = await openSqliteStore(path);
  try {
    return await work(store, path);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('group commit: concurrent appends get contiguous indexes from 0, each entry stored as canonical JSON with its leaf hash', async () => {
  await withFileStore(async (store) => {
    const log = await open(store);
    const receipts = await Promise.all(Array.from({ length: 1000 }, (_, n) => log.append(externalEntry({ n, z: 'last', a: 'first' }, 1_000 + n))));
    assert.deepEqual(
      receipts.map((r) => r.index),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.equal(log.size, 1000);
    const row = await store.log.row(7);
    assert.ok(row);
    assert.equal(Buffer.from(row.entry).toString(), canonicalJson(externalEntry({ n: 7, z: 'last', a: 'first' }, 1_007)));
    const expectedLeaf = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), row.entry]))
      .digest();
    assert.deepEqual(Buffer.from(row.leaf), expectedLeaf);
  });
});

test('reopening reloads the tree: same root, appends continue at the next index', async () => {
  await withFileStore(async (store, path) => {
    const log = await open(store);
    for (let i = 0; i < 37; i++) await log.append(externalEntry({ i }, i));
    const root = Buffer.from(log.root()).toString('hex');
    await store.close();
    const again = await openSqliteStore(path);
    try {
      const reopened = await open(again);
      assert.equal(Buffer.from(reopened.root()).toString('hex'), root);
      assert.deepEqual(await reopened.append(externalEntry({ i: 37 }, 37)), { index: 37 });
    } finally {
      await again.close();
    }
  });
});

test('checkpoints: signed C2SP notes, reused while the tree has not grown, consistent as it grows', async () => {
  await withFileStore(async (store) => {
    const log = await open(store);
    for (let i = 0; i < 5; i++) await log.append(externalEntry({ i }, i));
    const first = await log.checkpoint();
    assert.equal(first.size, 5);
    assert.equal((await log.checkpoint()).note, first.note);
    const opened = openCheckpoint(first.note, { origin: ORIGIN, verifiers: [log.verifier] });
    assert.equal(opened.size, 5);
    assert.deepEqual(Buffer.from(opened.root), Buffer.from(log.root(5)));
    for (let i = 5; i < 12; i++) await log.append(externalEntry({ i }, i));
    const second = await log.checkpoint();
    assert.equal(second.size, 12);
    // Sizes 0 (signed when the empty log was opened), 5 and 12.
    assert.deepEqual(
      (await store.log.checkpoints()).map((c) => c.size),
      [0, 5, 12],
    );
  });
});

test('proofs handed out verify with an independent RFC 9162 implementation', async () => {
  await withFileStore(async (store) => {
    const log = await open(store);
    for (let i = 0; i < 21; i++) await log.append(externalEntry({ i }, i));
    await log.checkpoint();
    for (const index of [0, 1, 7, 20]) {
      const p = await log.inclusionProof(index);
      assert.equal(p.tree_size, 21);
      const root = independentInclusionRoot(
        Buffer.from(p.leaf_hash, 'base64'),
        p.index,
        p.tree_size,
        p.proof.map((x) => Buffer.from(x, 'base64')),
      );
      assert.equal(root.toString('base64'), p.root);
    }
    const c = await log.consistencyProof(13);
    assert.equal(c.root_from, Buffer.from(log.root(13)).toString('base64'));
    assert.equal(c.to, 21);
  });
});

test('changing one byte of one stored entry makes verification fail naming that index', async () => {
  await withFileStore(async (store, path) => {
    const log = await open(store);
    for (let i = 0; i < 10; i++) await log.append(externalEntry({ i, note: 'original' }, i));
    await log.checkpoint();
    await verifyLog(store, ORIGIN, log.verifier);
    const db = new Database(path);
    db.prepare("UPDATE log_entries SET entry = CAST(replace(CAST(entry AS TEXT), 'original', 'origina1') AS BLOB) WHERE idx = 6").run();
    db.close();
    await assert.rejects(verifyLog(store, ORIGIN, log.verifier), (error: unknown) => {
      assert.ok(error instanceof LogVerificationError);
      assert.equal(error.index, 6);
      assert.equal(error.code, 'LOG_INVALID');
      return true;
    });
  });
});

test('rewriting an entry together with its leaf hash still fails: the tree no longer matches the signed checkpoint', async () => {
  await withFileStore(async (store, path) => {
    const key = LogKey.ephemeral();
    const log = await open(store, key);
    for (let i = 0; i < 10; i++) await log.append(externalEntry({ i }, i));
    await log.checkpoint();
    const forged = Buffer.from(canonicalJson(externalEntry({ i: 999 }, 3)));
    const leaf = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), forged]))
      .digest();
    const db = new Database(path);
    db.prepare('UPDATE log_entries SET entry = ?, leaf = ? WHERE idx = 3').run(forged, leaf);
    db.close();
    await assert.rejects(
      verifyLog(store, ORIGIN, log.verifier),
      (e: unknown) => e instanceof LogVerificationError && /signed checkpoint of size 10/.test(e.message),
    );
    // The signer refuses to sign a tree inconsistent with what it signed before: a log reopened
    // over the forged store with the same key does not open.
    await assert.rejects(open(store, key), (e: unknown) => isMassError(e, 'CHECKPOINT_INVALID'));
  });
});

test('a deleted entry is reported as missing at its index', async () => {
  await withFileStore(async (store, path) => {
    const log = await open(store);
    for (let i = 0; i < 6; i++) await log.append(externalEntry({ i }, i));
    const db = new Database(path);
    db.prepare('DELETE FROM log_entries WHERE idx = 2').run();
    db.close();
    await assert.rejects(verifyLog(store, ORIGIN, log.verifier), (e: unknown) => e instanceof LogVerificationError && e.index === 2);
  });
});

test('every mediated action is in the log: intent and outcome when allowed, a denial when denied', async () => {
  const { config, policies } = exampleConfig();
  const mesh = await createMesh(config, { policies });
  try {
    mesh.tool('refund', () => 'ok');
    const before = mesh.log.size;
    await mesh.agent('billing').call('refund', { customer_id: 'C-1', amount: 5 });
    await assert.rejects(mesh.agent('support').call('refund', { customer_id: 'C-1', amount: 5 }));
    await mesh.log.flush();
    const kinds: string[] = [];
    for await (const row of mesh.store.log.rows(before, mesh.log.size)) {
      const entry = decodeEntry(row.entry);
      if (entry.kind === 'intent' || entry.kind === 'outcome' || entry.kind === 'denial')
        kinds.push(`${entry.kind}:${entry.actor}:${entry.decision?.effect ?? '-'}`);
    }
    assert.deepEqual(kinds, ['intent:billing:allow', 'outcome:billing:allow', 'denial:support:deny']);
    const entries = (await logRows(mesh.store, 0, mesh.log.size)).map((r) => Buffer.from(r.entry).toString());
    assert.equal(
      entries.some((e) => e.includes('C-1')),
      false,
      'arguments are stored as hashes only',
    );
  } finally {
    await mesh.close();
  }
});

test('if the intent cannot be appended durably the action is denied and never runs (fail closed)', async () => {
  const { config, policies } = exampleConfig();
  const store = await openSqliteStore(':memory:');
  const broken: Store = {
    ...store,
    agents: store.agents,
    keys: store.keys,
    replay: store.replay,
    description: store.description,
    close: () => store.close(),
    log: {
      leaves: () => store.log.leaves(),
      size: () => store.log.size(),
      rows: (a: number, b: number) => store.log.rows(a, b),
      row: (i: number) => store.log.row(i),
      scan: (a: number, b: number) => store.log.scan(a, b),
      checkpoints: () => store.log.checkpoints(),
      latestCheckpoint: () => store.log.latestCheckpoint(),
      saveCheckpoint: (c) => store.log.saveCheckpoint(c),
      append: () => Promise.reject(new Error('disk full')),
    },
  };
  const log = await open(broken);
  const mesh = await createMesh(config, { policies, store: broken, recorder: new AuditRecorder(log), autoRegister: false });
  try {
    for (const id of ['router', 'support', 'billing']) await mesh.registry.register(id);
    let runs = 0;
    mesh.tool('refund', () => ((runs += 1), 'ok'));
    await assert.rejects(mesh.agent('billing').call('refund', { customer_id: 'C-1', amount: 5 }), (e: unknown) => isMassError(e, 'RECORD_FAILED'));
    assert.equal(runs, 0);
  } finally {
    await store.close();
  }
});

test('recordArgs: a tool configured to keep its arguments has them in the log; others only hashes', async () => {
  const { config, policies } = exampleConfig();
  const data = { ...config.data, tools: { ...config.data.tools, lookup_customer: { ...config.data.tools.lookup_customer!, recordArgs: true } } };
  const mesh = await createMesh({ ...config, data }, { policies });
  try {
    mesh.tool('lookup_customer', () => ({ found: true }));
    await mesh.agent('support').call('lookup_customer', { customer_id: 'C-777' });
    await mesh.log.flush();
    const last = (await logRows(mesh.store, 0, mesh.log.size)).map((r) => decodeEntry(r.entry)).filter((e) => e.kind === 'intent');
    const intent = last.at(-1);
    assert.ok(intent?.kind === 'intent');
    assert.deepEqual(intent.args, { customer_id: 'C-777' });
    assert.deepEqual(Object.keys(intent.arg_hashes ?? {}), ['customer_id']);
  } finally {
    await mesh.close();
  }
});
