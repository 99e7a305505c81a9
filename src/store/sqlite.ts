import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MassError } from '../core/errors.js';
import type {
  AgentContextTable,
  AgentTable,
  CertificateTable,
  KeyTable,
  LogTable,
  MailboxTable,
  McpToolTable,
  ReplayTable,
  RevocationTable,
  Store,
} from './store.js';
import { SqliteAgentContext } from './sqlite-agent-context.js';
import { SqliteAgents } from './sqlite-agents.js';
import { SqliteCertificates } from './sqlite-certificates.js';
import { SqliteKeys } from './sqlite-keys.js';
import { SqliteLog } from './sqlite-log.js';
import { SqliteMailbox } from './sqlite-mailbox.js';
import { SqliteMcpTools } from './sqlite-mcp-tools.js';
import { migrateSqlite } from './sqlite-migrations.js';
import { SqliteReplay } from './sqlite-replay.js';
import { SqliteRevocations } from './sqlite-revocations.js';

/**
 * Opens (creating if needed) the SQLite store at `path`, or an in-memory one for `:memory:`, and
 * migrates its schema to the version this code reads. Async like every store: a network store connects.
 */
export async function openSqliteStore(path: string): Promise<Store> {
  const memory = path === ':memory:';
  if (!memory) {
    const dir = dirname(path);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    if (!memory) chmodSync(path, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrateSqlite(db);
  } catch (error) {
    if (db !== undefined && db.open) db.close();
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
