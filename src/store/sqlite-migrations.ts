import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';

/** One step of the SQLite schema: the SQL that takes a store at `version - 1` to `version`. */
interface Migration {
  readonly version: number;
  readonly sql: string;
}

/** The agent task context (`agent_tasks`, `agent_context`); some stores at version 1 predate it. */
const AGENT_CONTEXT_TABLES = `
CREATE TABLE IF NOT EXISTS agent_tasks (agent TEXT PRIMARY KEY, task INTEGER NOT NULL, floor TEXT);
CREATE TABLE IF NOT EXISTS agent_context (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  agent TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('request', 'read')),
  text TEXT NOT NULL,
  label TEXT NOT NULL,
  source TEXT NOT NULL,
  generation INTEGER NOT NULL,
  echoes_text TEXT,
  echoes_label TEXT,
  chars INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS agent_context_agent ON agent_context (agent, seq);
`;

/** Reason prefix the pins wrote, before version 2, for a tool the tool-poisoning detector blocked. */
const POISONED_PREFIX = 'tool-poisoning detector:';

/**
 * Every schema version, in order. Never edit a released step: add the next one. Each runs inside
 * the one transaction that opens the store, so a store is at one version or the next, never between.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('active', 'quarantined', 'revoked')),
  kid TEXT NOT NULL UNIQUE,
  public_jwk TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  status_reason TEXT
);
CREATE TABLE IF NOT EXISTS keys (name TEXT PRIMARY KEY, private_pkcs8 BLOB NOT NULL, public_jwk TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS replay (jti TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS replay_expiry ON replay (expires_at);
CREATE TABLE IF NOT EXISTS log_entries (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL, leaf BLOB NOT NULL CHECK (length(leaf) = 32));
CREATE TABLE IF NOT EXISTS revocations (kind TEXT NOT NULL, id TEXT NOT NULL, reason TEXT, at INTEGER NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS certificates (serial TEXT PRIMARY KEY, subject TEXT NOT NULL, pem TEXT NOT NULL, not_before INTEGER NOT NULL, not_after INTEGER NOT NULL, issued_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS certificates_subject ON certificates (subject, issued_at);
CREATE TABLE IF NOT EXISTS mailbox (id INTEGER PRIMARY KEY AUTOINCREMENT, recipient TEXT NOT NULL, sender TEXT NOT NULL, body TEXT NOT NULL, label TEXT NOT NULL, action_id TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS mailbox_recipient ON mailbox (recipient, id);
CREATE TABLE IF NOT EXISTS mcp_tools (
  server TEXT NOT NULL,
  tool TEXT NOT NULL,
  seen_hash TEXT NOT NULL,
  seen TEXT NOT NULL,
  approved_hash TEXT,
  reason TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (server, tool)
);
${AGENT_CONTEXT_TABLES}
CREATE TABLE IF NOT EXISTS log_checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, created_at INTEGER NOT NULL);
`,
  },
  {
    // The agent-context tables for stores made before they existed; the MCP tool status in its own
    // column, computed for old rows by the rule the pins used to infer it.
    version: 2,
    sql: `
${AGENT_CONTEXT_TABLES}
ALTER TABLE mcp_tools ADD COLUMN status TEXT NOT NULL DEFAULT 'unapproved' CHECK (status IN ('approved', 'changed', 'poisoned', 'unapproved'));
UPDATE mcp_tools SET status = CASE
  WHEN approved_hash = seen_hash THEN 'approved'
  WHEN approved_hash IS NOT NULL THEN 'changed'
  WHEN substr(reason, 1, ${POISONED_PREFIX.length}) = '${POISONED_PREFIX}' THEN 'poisoned'
  ELSE 'unapproved' END;
`,
  },
];

/** The schema version this code writes and reads. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/**
 * Brings the store to `SQLITE_SCHEMA_VERSION` in one IMMEDIATE transaction (two processes opening
 * the same file migrate it once). Refuses (STORE_SCHEMA_NEWER) a store a newer version wrote,
 * and (STORE_FAILED) an unreadable version; a failed step leaves the store as it was.
 */
export function migrateSqlite(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const read = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const write = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    const current = storedVersion(read.get('schema_version')?.value);
    if (current > SQLITE_SCHEMA_VERSION) {
      throw new MassError(
        'STORE_SCHEMA_NEWER',
        `the store has schema version ${current}, newer than version ${SQLITE_SCHEMA_VERSION} this version of MASS reads; upgrade MASS`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      write.run('schema_version', String(migration.version));
    }
  }).immediate();
}

/** The `schema_version` kept in `meta` (file content: checked, not trusted); 0 for a new store. */
function storedVersion(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^[1-9][0-9]{0,8}$/.test(value))
    throw new MassError('STORE_FAILED', `the store's schema_version ${JSON.stringify(value.slice(0, 32))} is not a version number`);
  return Number(value);
}
