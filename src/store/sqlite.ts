import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Ed25519PublicJwk } from '../identity/keys.js';
import { MassError } from '../core/errors.js';
import type {
  AgentRecord,
  AgentStatus,
  AgentTable,
  CertificateTable,
  IssuedCertificate,
  KeyTable,
  LogChunk,
  LogRow,
  LogTable,
  MailboxMessage,
  MailboxTable,
  Revocation,
  RevocationTable, ReplayEntry, ReplayTable, Store, StoredCheckpoint, StoredKey } from './store.js';

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
CREATE TABLE IF NOT EXISTS log_checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, created_at INTEGER NOT NULL);
`;

const SCHEMA_VERSION = '1';

interface AgentRow {
  id: string;
  status: AgentStatus;
  kid: string;
  public_jwk: string;
  created_at: number;
  updated_at: number;
  status_reason: string | null;
}

interface KeyRow {
  name: string;
  private_pkcs8: Buffer;
  public_jwk: string;
  created_at: number;
}

/** Opens (creating if needed) a SQLite store. `path` `:memory:` gives a private in-memory store. */
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
  }

  close(): Promise<void> {
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }
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

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_CONSTRAINT');
}

class SqliteAgents implements AgentTable {
  readonly #byId: Database.Statement<[string], AgentRow>;
  readonly #byKid: Database.Statement<[string], AgentRow>;
  readonly #all: Database.Statement<[], AgentRow>;
  readonly #insert: Database.Statement;
  readonly #status: Database.Statement;

  constructor(db: Database.Database) {
    this.#byId = db.prepare('SELECT * FROM agents WHERE id = ?');
    this.#byKid = db.prepare('SELECT * FROM agents WHERE kid = ?');
    this.#all = db.prepare('SELECT * FROM agents ORDER BY id');
    this.#insert = db.prepare(
      'INSERT INTO agents (id, status, kid, public_jwk, created_at, updated_at, status_reason) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
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

class SqliteKeys implements KeyTable {
  readonly #get: Database.Statement<[string], KeyRow>;
  readonly #insert: Database.Statement;

  constructor(db: Database.Database) {
    this.#get = db.prepare('SELECT * FROM keys WHERE name = ?');
    this.#insert = db.prepare('INSERT INTO keys (name, private_pkcs8, public_jwk, created_at) VALUES (?, ?, ?, ?)');
  }

  get(name: string): Promise<StoredKey | undefined> {
    const row = this.#get.get(name);
    if (row === undefined) return Promise.resolve(undefined);
    return Promise.resolve({
      name: row.name,
      privatePkcs8: new Uint8Array(row.private_pkcs8),
      publicJwk: JSON.parse(row.public_jwk) as Ed25519PublicJwk,
      createdAt: row.created_at,
    });
  }

  insert(key: StoredKey): Promise<void> {
    try {
      this.#insert.run(key.name, Buffer.from(key.privatePkcs8), JSON.stringify(key.publicJwk), key.createdAt);
    } catch (error) {
      if (isUniqueViolation(error)) return Promise.reject(new MassError('AGENT_EXISTS', `a key named "${key.name}" is already stored`));
      return Promise.reject(new MassError('STORE_FAILED', 'cannot store key', { cause: error }));
    }
    return Promise.resolve();
  }
}

class SqliteReplay implements ReplayTable {
  readonly #insert: Database.Statement;
  readonly #purge: Database.Statement;
  readonly #live: Database.Statement<[number], { jti: string; expires_at: number }>;
  readonly #has: Database.Statement<[string, number], { one: number }>;
  readonly #upsert: Database.Statement;
  readonly #remember: (jti: string, expiresAt: number, now: number) => boolean;
  readonly #rememberAll: (entries: readonly ReplayEntry[], now: number) => void;
  #lastPurge = 0;

  constructor(db: Database.Database) {
    // ON CONFLICT: an expired row for the same jti may be reused; a live one may not.
    this.#insert = db.prepare(
      'INSERT INTO replay (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at WHERE replay.expires_at <= ?',
    );
    this.#purge = db.prepare('DELETE FROM replay WHERE expires_at <= ?');
    this.#live = db.prepare('SELECT jti, expires_at FROM replay WHERE expires_at > ?');
    this.#has = db.prepare('SELECT 1 AS one FROM replay WHERE jti = ? AND expires_at > ?');
    this.#upsert = db.prepare(
      'INSERT INTO replay (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO UPDATE SET expires_at = max(replay.expires_at, excluded.expires_at)',
    );
    this.#rememberAll = db.transaction((entries: readonly ReplayEntry[], now: number) => {
      this.#purge.run(now);
      for (const e of entries) this.#upsert.run(e.jti, e.expiresAt);
    });
    this.#remember = db.transaction((jti: string, expiresAt: number, now: number) => {
      if (now - this.#lastPurge > 60_000) {
        this.#purge.run(now);
        this.#lastPurge = now;
      }
      return this.#insert.run(jti, expiresAt, now).changes === 1;
    });
  }

  remember(jti: string, expiresAt: number, now: number): Promise<boolean> {
    try {
      return Promise.resolve(this.#remember(jti, expiresAt, now));
    } catch (error) {
      return Promise.reject(new MassError('STORE_FAILED', 'cannot record envelope id', { cause: error }));
    }
  }

  rememberAll(entries: readonly ReplayEntry[], now: number): Promise<void> {
    try {
      this.#rememberAll(entries, now);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(new MassError('STORE_FAILED', 'cannot record envelope ids', { cause: error }));
    }
  }

  has(jti: string, now: number): Promise<boolean> {
    return Promise.resolve(this.#has.get(jti, now) !== undefined);
  }

  live(now: number): Promise<ReplayEntry[]> {
    return Promise.resolve(this.#live.all(now).map((row) => ({ jti: row.jti, expiresAt: row.expires_at })));
  }
}

const LEAF_CHUNK = 65_536;
const ROW_CHUNK = 16_384;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

/** Splits `[idx: 12 hex][length: 8 hex][leaf: 32 bytes][entry]…` into rows (views, no copies). */
function parseRows(packed: Buffer): LogChunk {
  const indexes: number[] = [];
  const entries: Uint8Array[] = [];
  const leaves: Uint8Array[] = [];
  let offset = 0;
  while (offset < packed.length) {
    const index = parseInt(packed.toString('latin1', offset, offset + 12), 16);
    const length = parseInt(packed.toString('latin1', offset + 12, offset + 20), 16);
    const end = offset + 52 + length;
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(length) || end > packed.length) throw new MassError('STORE_FAILED', 'log rows could not be read in bulk');
    indexes.push(index);
    leaves.push(packed.subarray(offset + 20, offset + 52));
    entries.push(packed.subarray(offset + 52, end));
    offset = end;
  }
  return { indexes, entries, leaves };
}

interface CheckpointRow {
  size: number;
  root: Buffer;
  note: string;
  created_at: number;
}

class SqliteLog implements LogTable {
  readonly #size: Database.Statement<[], { n: number }>;
  readonly #insert: Database.Statement;
  readonly #leafBulk: Database.Statement<[number, number], Buffer | null>;
  readonly #rowsBulk: Database.Statement<[number, number], Buffer | null>;
  readonly #bytes: Database.Statement<[number, number], number | null>;
  readonly #row: Database.Statement<[number], { entry: Buffer; leaf: Buffer }>;
  readonly #range: Database.Statement<[number, number], [number, Buffer, Buffer]>;
  readonly #latest: Database.Statement<[], CheckpointRow>;
  readonly #all: Database.Statement<[], CheckpointRow>;
  readonly #saveCheckpoint: Database.Statement;
  readonly #appendBatch: (first: number, rows: readonly { entry: Uint8Array; leaf: Uint8Array }[]) => void;

  constructor(db: Database.Database) {
    this.#size = db.prepare('SELECT coalesce(max(idx) + 1, 0) AS n FROM log_entries');
    const next = db.prepare<[], { n: number | null }>('SELECT max(idx) + 1 AS n FROM log_entries');
    this.#insert = db.prepare('INSERT INTO log_entries (idx, entry, leaf) VALUES (?, ?, ?)');
    // Bulk reads: SQLite concatenates a chunk into one blob (bytes reinterpreted, not converted:
    // the database is UTF-8), far fewer objects than a row each. Layout per row:
    // idx as 12 hex digits, entry length as 8 hex digits, the 32-byte leaf, the entry.
    this.#leafBulk = db
      .prepare<[number, number], Buffer | null>("SELECT CAST(group_concat(CAST(leaf AS TEXT), '' ORDER BY idx) AS BLOB) FROM log_entries WHERE idx >= ? AND idx < ?")
      .pluck();
    this.#rowsBulk = db
      .prepare<[number, number], Buffer | null>(
        "SELECT CAST(group_concat(printf('%012x%08x', idx, length(entry)) || CAST(leaf AS TEXT) || CAST(entry AS TEXT), '' ORDER BY idx) AS BLOB) FROM log_entries WHERE idx >= ? AND idx < ?",
      )
      .pluck();
    this.#bytes = db.prepare<[number, number], number | null>('SELECT sum(length(entry)) FROM log_entries WHERE idx >= ? AND idx < ?').pluck();
    this.#row = db.prepare('SELECT entry, leaf FROM log_entries WHERE idx = ?');
    this.#range = db.prepare<[number, number], [number, Buffer, Buffer]>('SELECT idx, entry, leaf FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx').raw();
    this.#latest = db.prepare('SELECT * FROM log_checkpoints ORDER BY size DESC LIMIT 1');
    this.#all = db.prepare('SELECT * FROM log_checkpoints ORDER BY size');
    this.#saveCheckpoint = db.prepare('INSERT OR REPLACE INTO log_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)');
    this.#appendBatch = db.transaction((first: number, rows: readonly { entry: Uint8Array; leaf: Uint8Array }[]) => {
      // Contiguity is checked inside the transaction: a writer that lost track of the size fails whole.
      const size = next.get()?.n ?? 0;
      if (size !== first) throw new MassError('LOG_CONFLICT', `log append at index ${first}, but the log holds ${size} entries`);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        this.#insert.run(first + i, row.entry, row.leaf);
      }
    });
  }

  append(first: number, rows: readonly { entry: Uint8Array; leaf: Uint8Array }[]): Promise<void> {
    try {
      this.#appendBatch(first, rows);
      return Promise.resolve();
    } catch (error) {
      if (error instanceof MassError) return Promise.reject(error);
      return Promise.reject(new MassError('STORE_FAILED', 'cannot append to the audit log', { cause: error }));
    }
  }

  size(): Promise<number> {
    return Promise.resolve(this.#size.get()?.n ?? 0);
  }

  leaves(): Promise<Uint8Array[]> {
    const size = this.#size.get()?.n ?? 0;
    const out: Uint8Array[] = [];
    for (let from = 0; from < size; from += LEAF_CHUNK) {
      const packed = this.#leafBulk.get(from, Math.min(size, from + LEAF_CHUNK)) ?? Buffer.alloc(0);
      if (packed.length % 32 !== 0) throw new MassError('STORE_FAILED', `leaf hashes from index ${from} are not 32 bytes each`);
      for (let offset = 0; offset < packed.length; offset += 32) out.push(packed.subarray(offset, offset + 32));
    }
    return Promise.resolve(out);
  }

  *scan(from: number, to: number): Iterable<LogChunk> {
    let lo = from;
    let rows = ROW_CHUNK;
    while (lo < to) {
      const hi = Math.min(to, lo + rows);
      // Keep each chunk's text within bounds whatever the entry sizes (entries may be large).
      if (hi - lo > 1 && (this.#bytes.get(lo, hi) ?? 0) > MAX_CHUNK_BYTES) {
        rows = Math.max(1, Math.floor(rows / 2));
        continue;
      }
      yield parseRows(this.#rowsBulk.get(lo, hi) ?? Buffer.alloc(0));
      lo = hi;
      rows = ROW_CHUNK;
    }
  }

  row(index: number): Promise<LogRow | undefined> {
    const row = this.#row.get(index);
    return Promise.resolve(row === undefined ? undefined : { index, entry: new Uint8Array(row.entry), leaf: new Uint8Array(row.leaf) });
  }

  *rows(from: number, to: number): Iterable<LogRow> {
    for (const [index, entry, leaf] of this.#range.iterate(from, to)) yield { index, entry, leaf };
  }

  latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const row = this.#latest.get();
    return Promise.resolve(row === undefined ? undefined : toCheckpoint(row));
  }

  checkpoints(): Promise<StoredCheckpoint[]> {
    return Promise.resolve(this.#all.all().map(toCheckpoint));
  }

  saveCheckpoint(c: StoredCheckpoint): Promise<void> {
    try {
      this.#saveCheckpoint.run(c.size, Buffer.from(c.root), c.note, c.createdAt);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(new MassError('STORE_FAILED', 'cannot store checkpoint', { cause: error }));
    }
  }
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return { size: row.size, root: new Uint8Array(row.root), note: row.note, createdAt: row.created_at };
}

class SqliteRevocations implements RevocationTable {
  readonly #add: Database.Statement;
  readonly #get: Database.Statement<[string, string], { kind: Revocation['kind']; id: string; reason: string | null; at: number }>;
  readonly #list: Database.Statement<[string], { kind: Revocation['kind']; id: string; reason: string | null; at: number }>;

  constructor(db: Database.Database) {
    this.#add = db.prepare('INSERT OR IGNORE INTO revocations (kind, id, reason, at) VALUES (?, ?, ?, ?)');
    this.#get = db.prepare('SELECT * FROM revocations WHERE kind = ? AND id = ?');
    this.#list = db.prepare('SELECT * FROM revocations WHERE kind = ? ORDER BY at, id');
  }

  add(r: Revocation): Promise<void> {
    try {
      this.#add.run(r.kind, r.id, r.reason, r.at);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(new MassError('STORE_FAILED', 'cannot record revocation', { cause: error }));
    }
  }

  get(kind: Revocation['kind'], id: string): Promise<Revocation | undefined> {
    return Promise.resolve(this.#get.get(kind, id));
  }

  list(kind: Revocation['kind']): Promise<Revocation[]> {
    return Promise.resolve(this.#list.all(kind));
  }
}

interface CertificateRow {
  serial: string;
  subject: string;
  pem: string;
  not_before: number;
  not_after: number;
  issued_at: number;
}

function toCertificate(row: CertificateRow): IssuedCertificate {
  return { serial: row.serial, subject: row.subject, pem: row.pem, notBefore: row.not_before, notAfter: row.not_after, issuedAt: row.issued_at };
}

class SqliteCertificates implements CertificateTable {
  readonly #add: Database.Statement;
  readonly #get: Database.Statement<[string], CertificateRow>;
  readonly #bySubject: Database.Statement<[string], CertificateRow>;
  readonly #all: Database.Statement<[], CertificateRow>;

  constructor(db: Database.Database) {
    this.#add = db.prepare('INSERT INTO certificates (serial, subject, pem, not_before, not_after, issued_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.#get = db.prepare('SELECT * FROM certificates WHERE serial = ?');
    this.#bySubject = db.prepare('SELECT * FROM certificates WHERE subject = ? ORDER BY issued_at DESC, serial');
    this.#all = db.prepare('SELECT * FROM certificates ORDER BY issued_at, serial');
  }

  add(c: IssuedCertificate): Promise<void> {
    try {
      this.#add.run(c.serial, c.subject, c.pem, c.notBefore, c.notAfter, c.issuedAt);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(new MassError('STORE_FAILED', `cannot store certificate ${c.serial}`, { cause: error }));
    }
  }

  get(serial: string): Promise<IssuedCertificate | undefined> {
    const row = this.#get.get(serial);
    return Promise.resolve(row === undefined ? undefined : toCertificate(row));
  }

  bySubject(subject: string): Promise<IssuedCertificate[]> {
    return Promise.resolve(this.#bySubject.all(subject).map(toCertificate));
  }

  list(): Promise<IssuedCertificate[]> {
    return Promise.resolve(this.#all.all().map(toCertificate));
  }
}

interface MailboxRow {
  id: number;
  recipient: string;
  sender: string;
  body: string;
  label: string;
  action_id: string;
  at: number;
}

class SqliteMailbox implements MailboxTable {
  readonly #put: Database.Statement;
  readonly #pending: Database.Statement<[string, number], MailboxRow>;
  readonly #ack: Database.Statement;
  readonly #ackAll: (recipient: string, ids: readonly number[]) => number;

  constructor(db: Database.Database) {
    this.#put = db.prepare('INSERT INTO mailbox (recipient, sender, body, label, action_id, at) VALUES (?, ?, ?, ?, ?, ?)');
    this.#pending = db.prepare('SELECT * FROM mailbox WHERE recipient = ? ORDER BY id LIMIT ?');
    this.#ack = db.prepare('DELETE FROM mailbox WHERE recipient = ? AND id = ?');
    this.#ackAll = db.transaction((recipient: string, ids: readonly number[]) => ids.reduce((n, id) => n + this.#ack.run(recipient, id).changes, 0));
  }

  put(m: Omit<MailboxMessage, 'id'>): Promise<number> {
    try {
      return Promise.resolve(Number(this.#put.run(m.recipient, m.sender, m.body, m.label, m.actionId, m.at).lastInsertRowid));
    } catch (error) {
      return Promise.reject(new MassError('STORE_FAILED', 'cannot store message', { cause: error }));
    }
  }

  pending(recipient: string, limit: number): Promise<MailboxMessage[]> {
    return Promise.resolve(
      this.#pending.all(recipient, limit).map((r) => ({ id: r.id, recipient: r.recipient, sender: r.sender, body: r.body, label: r.label, actionId: r.action_id, at: r.at })),
    );
  }

  ack(recipient: string, ids: readonly number[]): Promise<number> {
    try {
      return Promise.resolve(this.#ackAll(recipient, ids));
    } catch (error) {
      return Promise.reject(new MassError('STORE_FAILED', 'cannot acknowledge messages', { cause: error }));
    }
  }
}
