import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';
import type { Ed25519PublicJwk } from '../core/jwk.js';
import type { AgentRecord, AgentStatus, AgentTable } from './store.js';

interface AgentRow {
  id: string;
  status: AgentStatus;
  kid: string;
  public_jwk: string;
  created_at: number;
  updated_at: number;
  status_reason: string | null;
}

function toAgent(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    status: row.status,
    kid: row.kid,
    publicJwk: JSON.parse(row.public_jwk) as Ed25519PublicJwk,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.status_reason === null ? {} : { statusReason: row.status_reason }),
  };
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_CONSTRAINT');
}

export class SqliteAgents implements AgentTable {
  readonly #byId: Database.Statement<[string], AgentRow>;
  readonly #byKid: Database.Statement<[string], AgentRow>;
  readonly #all: Database.Statement<[], AgentRow>;
  readonly #insert: Database.Statement;
  readonly #status: Database.Statement;

  constructor(db: Database.Database) {
    this.#byId = db.prepare('SELECT * FROM agents WHERE id = ?');
    this.#byKid = db.prepare('SELECT * FROM agents WHERE kid = ?');
    this.#all = db.prepare('SELECT * FROM agents ORDER BY id');
    this.#insert = db.prepare('INSERT INTO agents (id, status, kid, public_jwk, created_at, updated_at, status_reason) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.#status = db.prepare('UPDATE agents SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?');
  }

  get(id: string): Promise<AgentRecord | undefined> {
    const row = this.#byId.get(id);
    return Promise.resolve(row === undefined ? undefined : toAgent(row));
  }

  getByKid(kid: string): Promise<AgentRecord | undefined> {
    const row = this.#byKid.get(kid);
    return Promise.resolve(row === undefined ? undefined : toAgent(row));
  }

  list(): Promise<AgentRecord[]> {
    return Promise.resolve(this.#all.all().map(toAgent));
  }

  insert(r: AgentRecord): Promise<void> {
    try {
      this.#insert.run(r.id, r.status, r.kid, JSON.stringify(r.publicJwk), r.createdAt, r.updatedAt, r.statusReason ?? null);
    } catch (error) {
      if (isUniqueViolation(error)) return Promise.reject(new MassError('AGENT_EXISTS', `agent "${r.id}" is already registered`));
      return Promise.reject(new MassError('STORE_FAILED', 'cannot insert agent', { cause: error }));
    }
    return Promise.resolve();
  }

  setStatus(id: string, status: AgentStatus, reason: string | undefined, at: number): Promise<boolean> {
    const info = this.#status.run(status, reason ?? null, at, id);
    return Promise.resolve(info.changes === 1);
  }
}
