import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';
import { PIN_STATUSES, type McpToolRecord, type McpToolTable, type PinStatus } from './store.js';

interface Row {
  server: string;
  tool: string;
  seen_hash: string;
  seen: string;
  approved_hash: string | null;
  reason: string | null;
  status: string;
  updated_at: number;
}

function fromRow(row: Row): McpToolRecord {
  // The column is CHECK-constrained; anything else is a corrupt file, never an approval.
  if (!(PIN_STATUSES as readonly string[]).includes(row.status))
    throw new MassError('STORE_FAILED', `MCP tool ${row.server}/${row.tool} has an unknown status in the store`);
  const status = row.status as PinStatus;
  return {
    server: row.server,
    tool: row.tool,
    seenHash: row.seen_hash,
    seen: row.seen,
    approvedHash: row.approved_hash,
    reason: row.reason,
    status,
    updatedAt: row.updated_at,
  };
}

export class SqliteMcpTools implements McpToolTable {
  readonly #get: Database.Statement<[string, string], Row>;
  readonly #put: Database.Statement<[string, string, string, string, string | null, string | null, string, number]>;
  readonly #list: Database.Statement<[], Row>;
  readonly #listServer: Database.Statement<[string], Row>;

  constructor(db: Database.Database) {
    this.#get = db.prepare('SELECT * FROM mcp_tools WHERE server = ? AND tool = ?');
    this.#put = db.prepare(
      `INSERT INTO mcp_tools (server, tool, seen_hash, seen, approved_hash, reason, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (server, tool) DO UPDATE SET seen_hash = excluded.seen_hash, seen = excluded.seen, approved_hash = excluded.approved_hash, reason = excluded.reason, status = excluded.status, updated_at = excluded.updated_at`,
    );
    this.#list = db.prepare('SELECT * FROM mcp_tools ORDER BY server, tool');
    this.#listServer = db.prepare('SELECT * FROM mcp_tools WHERE server = ? ORDER BY tool');
  }

  get(server: string, tool: string): Promise<McpToolRecord | undefined> {
    try {
      const row = this.#get.get(server, tool);
      return Promise.resolve(row === undefined ? undefined : fromRow(row));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  put(r: McpToolRecord): Promise<void> {
    try {
      this.#put.run(r.server, r.tool, r.seenHash, r.seen, r.approvedHash, r.reason, r.status, r.updatedAt);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(new MassError('STORE_FAILED', `cannot record MCP tool ${r.server}/${r.tool}`, { cause: error }));
    }
  }

  list(server?: string): Promise<McpToolRecord[]> {
    try {
      return Promise.resolve((server === undefined ? this.#list.all() : this.#listServer.all(server)).map(fromRow));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
