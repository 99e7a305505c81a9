import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MassError } from '../core/errors.js';
import type { AgentContextTable, AgentTable, CertificateTable, KeyTable, LogTable, MailboxTable, McpToolTable, ReplayTable, RevocationTable, Store } from './store.js';
import { SqliteAgentContext } from './sqlite-agent-context.js';
import { SqliteAgents } from './sqlite-agents.js';
import { SqliteCertificates } from './sqlite-certificates.js';
import { SqliteKeys } from './sqlite-keys.js';
import { SqliteLog } from './sqlite-log.js';
import { SqliteMailbox } from './sqlite-mailbox.js';
import { SqliteMcpTools } from './sqlite-mcp-tools.js';
import { SqliteReplay } from './sqlite-replay.js';
import { SqliteRevocations } from './sqlite-revocations.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('active', 'quarantined', 'revoked')),
  kid TEXT NOT NULL UNIQUE,
  public_jwk TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  status_reason TEXT
);
CREATE TABLE IF NOT EXISTS keys (
  name TEXT PRIMARY KEY,
  private_pkcs8 BLOB NOT NULL,
  public_jwk TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
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
CREATE TABLE IF NOT EXISTS log_checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, created_at INTEGER NOT NULL);
`;

const SCHEMA_VERSION = '1';

export function openSqliteStore(path: string): Store {
  const memory = path === ':memory:';
  if (!memory) {
    const dir = dirname(path);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  let db: Database.Database;
  try {
    db = new Database(path);
    if (!memory) chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    const version = db.prepare('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined;
    if (version === undefined) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', SCHEMA_VERSION);
    else if (version.value !== SCHEMA_VERSION) throw new MassError('STORE_FAILED', `store schema version ${version.value} is not supported (expected ${SCHEMA_VERSION})`);
  } catch (error) {
    if (error instanceof MassError) throw error;
    throw new MassError('STORE_FAILED', `cannot open SQLite store at ${path}`, { cause: error });
  }
  return new SqliteStore(db, memory ? 'sqlite::memory:' : `sqlite:${path}`);
}

class SqliteStore implements Store {
  readonly agents: AgentTable;
  readonly keys: KeyTable;
  readonly replay: ReplayTable;
  readonly log: LogTable;
  readonly revocations: RevocationTable;
  readonly certificates: CertificateTable;
  readonly mailbox: MailboxTable;
  readonly mcpTools: McpToolTable;
  readonly agentContext: AgentContextTable;
  readonly description: string;
  readonly #db: Database.Database;

  constructor(db: Database.Database, description: string) {
    this.#db = db;
    this.description = description;
    this.agents = new SqliteAgents(db);
    this.keys = new SqliteKeys(db);
    this.replay = new SqliteReplay(db);
    this.log = new SqliteLog(db);
    this.revocations = new SqliteRevocations(db);
    this.certificates = new SqliteCertificates(db);
    this.mailbox = new SqliteMailbox(db);
    this.mcpTools = new SqliteMcpTools(db);
    this.agentContext = new SqliteAgentContext(db);
  }

  close(): Promise<void> {
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }
}

