import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { SQLITE_SCHEMA_VERSION } from '../../src/store/sqlite-migrations.js';
import { statusOf } from '../../src/store/mcp-tool-status.js';
import { describeStore } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'mass-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describeStore('SQLite file', () => openSqliteStore(join(dir, `conformance-${files++}.db`)));
describeStore('SQLite :memory:', () => openSqliteStore(':memory:'));

/** The schema the previous release created: version 1, no agent-context tables, no tool status column. */
const PREVIOUS_RELEASE = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE agents (id TEXT PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('active', 'quarantined', 'revoked')), kid TEXT NOT NULL UNIQUE, public_jwk TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, status_reason TEXT);
CREATE TABLE keys (name TEXT PRIMARY KEY, private_pkcs8 BLOB NOT NULL, public_jwk TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE replay (jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE log_entries (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL, leaf BLOB NOT NULL CHECK (length(leaf) = 32));
CREATE TABLE revocations (kind TEXT NOT NULL, id TEXT NOT NULL, reason TEXT, at INTEGER NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE certificates (serial TEXT PRIMARY KEY, subject TEXT NOT NULL, pem TEXT NOT NULL, not_before INTEGER NOT NULL, not_after INTEGER NOT NULL, issued_at INTEGER NOT NULL);
CREATE TABLE mailbox (id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL, sender TEXT NOT NULL, body TEXT NOT NULL, label TEXT NOT NULL, action_id TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE mcp_tools (server TEXT NOT NULL, tool TEXT NOT NULL, seen_hash TEXT NOT NULL, seen TEXT NOT NULL, approved_hash TEXT, reason TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (server, tool));
CREATE TABLE log_checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, created_at INTEGER NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
`;

function previousReleaseStore(name: string, setup: (db: Database.Database) => void = () => undefined): string {
  const path = join(dir, name);
  const db = new Database(path);
  db.exec(PREVIOUS_RELEASE);
  setup(db);
  db.close();
  return path;
}

function schemaVersion(path: string): string | undefined {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
}

test('a store of the previous release (version 1, no agent context) opens, migrates once, and keeps its rows', async () => {
  const path = previousReleaseStore('v1.db', (db) => {
    db.prepare('INSERT INTO log_entries VALUES (0, ?, ?)').run(Buffer.from('e0'), Buffer.alloc(32, 7));
  });
  const store = await openSqliteStore(path);
  try {
    assert.equal((await store.log.row(0))?.entry.length, 2);
    await store.agentContext.startTask('alice', { text: 'req', label: 'l', source: 'user', generation: 0, echoes: null, at: 1 });
    assert.equal((await store.agentContext.read('alice', 0, 0)).rows.length, 1);
  } finally {
    await store.close();
  }
  assert.equal(schemaVersion(path), String(SQLITE_SCHEMA_VERSION));
  const again = await openSqliteStore(path); // already migrated: nothing to do, nothing lost
  assert.equal((await again.agentContext.read('alice', 0, 0)).rows.length, 1);
  await again.close();
});

test('MCP tool status moves from reason prefixes to its own column: a rug-pulled or poisoned tool stays blocked', async () => {
  const path = previousReleaseStore('v1-tools.db', (db) => {
    const put = db.prepare('INSERT INTO mcp_tools VALUES (?, ?, ?, ?, ?, ?, 1)');
    put.run('desk', 'pinned', 'h1', '{}', 'h1', null);
    put.run('desk', 'rugpull', 'h2', '{}', 'h1', 'its definition changed since it was approved');
    put.run('desk', 'poisoned', 'h3', '{}', null, 'tool-poisoning detector: hidden-instructions in description');
    put.run('desk', 'fresh', 'h4', '{}', null, 'its definition changed since it was approved');
    put.run('desk', 'lookalike', 'h5', '{}', null, 'Tool-Poisoning detector: not the prefix the pins wrote');
  });
  const store = await openSqliteStore(path);
  try {
    const status = Object.fromEntries((await store.mcpTools.list('desk')).map((t) => [t.tool, t.status]));
    assert.deepEqual(status, { fresh: 'unapproved', lookalike: 'unapproved', pinned: 'approved', poisoned: 'poisoned', rugpull: 'changed' });
  } finally {
    await store.close();
  }
});

test('a store written by a newer version is refused naming both versions: STORE_SCHEMA_NEWER, nothing changed', async () => {
  const path = previousReleaseStore('future.db', (db) => db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run());
  await assert.rejects(openSqliteStore(path), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'STORE_SCHEMA_NEWER');
    assert.match(error.message, /schema version 99/);
    assert.match(error.message, new RegExp(`version ${SQLITE_SCHEMA_VERSION}\\b`));
    return true;
  });
  assert.equal(schemaVersion(path), '99');
});

test('an unreadable schema_version is refused (STORE_FAILED), not treated as a new store', async () => {
  for (const value of ['', '1.5', '01', '-1', 'two', '1e3']) {
    const path = previousReleaseStore(`bad-${files++}.db`, (db) => db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(value));
    await assert.rejects(openSqliteStore(path), (error: Error & { code?: string }) => error.code === 'STORE_FAILED', value);
  }
});

test('a failed migration leaves the store at its version: one transaction', async () => {
  // A status column already there (a hand edit) makes step 2 fail half way: nothing of it may stay.
  const path = previousReleaseStore('half.db', (db) =>
    db.exec("ALTER TABLE mcp_tools ADD COLUMN status TEXT; INSERT INTO mcp_tools VALUES ('s', 't', 'h', '{}', 'h', NULL, 1, NULL)"),
  );
  await assert.rejects(openSqliteStore(path), (error: Error & { code?: string }) => error.code === 'STORE_FAILED');
  assert.equal(schemaVersion(path), '1');
  const db = new Database(path, { readonly: true });
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('agent_tasks', 'agent_context')").all();
  db.close();
  assert.deepEqual(tables, []);
});

test('a stored tool whose column says approved but whose hashes differ is not approved (fail closed)', () => {
  assert.equal(statusOf({ server: 's', tool: 't', seenHash: 'h2', seen: '{}', approvedHash: 'h1', reason: null, status: 'approved', updatedAt: 1 }), 'changed');
  assert.equal(statusOf({ server: 's', tool: 't', seenHash: 'h1', seen: '{}', approvedHash: 'h1', reason: 'x', status: 'poisoned', updatedAt: 1 }), 'poisoned');
});
