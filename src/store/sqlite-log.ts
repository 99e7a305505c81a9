import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';
import type { LogAppendResult, LogAppendRow, LogChunk, LogRow, LogTable, StoredCheckpoint } from './store.js';

const LEAF_CHUNK = 65_536;
const ROW_CHUNK = 16_384;
/** Rows read per page by `rows` (a page is read whole, so the consumer may use the store between rows). */
const ROW_PAGE = 1024;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/** Expired envelope ids are purged at most this often (inside an append transaction). */
const PURGE_EVERY_MS = 60_000;

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
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(length) || end > packed.length)
      throw new MassError('STORE_FAILED', 'log rows could not be read in bulk');
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

export class SqliteLog implements LogTable {
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
  readonly #appendBatch: { immediate: (rows: readonly LogAppendRow[], now: number) => LogAppendResult };
  #lastPurge = 0;

  constructor(db: Database.Database) {
    this.#size = db.prepare('SELECT coalesce(max(idx) + 1, 0) AS n FROM log_entries');
    const next = db.prepare<[], { n: number | null }>('SELECT max(idx) + 1 AS n FROM log_entries');
    this.#insert = db.prepare('INSERT INTO log_entries (idx, entry, leaf) VALUES (?, ?, ?)');
    // Bulk reads: SQLite concatenates a chunk into one blob (bytes reinterpreted, not converted:
    // the database is UTF-8), far fewer objects than a row each. Layout per row:
    // idx as 12 hex digits, entry length as 8 hex digits, the 32-byte leaf, the entry.
    this.#leafBulk = db
      .prepare<[number, number], Buffer | null>(
        "SELECT CAST(group_concat(CAST(leaf AS TEXT), '' ORDER BY idx) AS BLOB) FROM log_entries WHERE idx >= ? AND idx < ?",
      )
      .pluck();
    this.#rowsBulk = db
      .prepare<[number, number], Buffer | null>(
        "SELECT CAST(group_concat(printf('%012x%08x', idx, length(entry)) || CAST(leaf AS TEXT) || CAST(entry AS TEXT), '' ORDER BY idx) AS BLOB) FROM log_entries WHERE idx >= ? AND idx < ?",
      )
      .pluck();
    this.#bytes = db.prepare<[number, number], number | null>('SELECT sum(length(entry)) FROM log_entries WHERE idx >= ? AND idx < ?').pluck();
    this.#row = db.prepare('SELECT entry, leaf FROM log_entries WHERE idx = ?');
    this.#range = db
      .prepare<[number, number], [number, Buffer, Buffer]>('SELECT idx, entry, leaf FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx')
      .raw();
    this.#latest = db.prepare('SELECT * FROM log_checkpoints ORDER BY size DESC LIMIT 1');
    this.#all = db.prepare('SELECT * FROM log_checkpoints ORDER BY size');
    this.#saveCheckpoint = db.prepare('INSERT OR REPLACE INTO log_checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)');
    // An id is claimed if absent or expired; a live one is left alone (changes = 0: a replay).
    const claim = db.prepare(
      'INSERT INTO replay (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO UPDATE SET expires_at = excluded.expires_at WHERE replay.expires_at <= ?',
    );
    const consume = db.prepare(
      'INSERT INTO replay (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO UPDATE SET expires_at = max(replay.expires_at, excluded.expires_at)',
    );
    const purge = db.prepare('DELETE FROM replay WHERE expires_at <= ?');
    this.#appendBatch = db.transaction((rows: readonly LogAppendRow[], now: number): LogAppendResult => {
      // Indexes are assigned inside the (immediate) transaction: concurrent writers queue on the
      // write lock and each batch lands after the previous one, without gaps.
      const first = next.get()?.n ?? 0;
      if (now - this.#lastPurge > PURGE_EVERY_MS) {
        purge.run(now);
        this.#lastPurge = now;
      }
      const written: boolean[] = [];
      let index = first;
      for (const row of rows) {
        const replay = row.replay;
        if (replay !== undefined && replay.mode === 'claim' && claim.run(replay.id, replay.expiresAt, now).changes !== 1) {
          written.push(false); // the envelope was already accepted: this row is a replay, not written
          continue;
        }
        if (replay !== undefined && replay.mode === 'consume') consume.run(replay.id, replay.expiresAt);
        this.#insert.run(index++, row.entry, row.leaf);
        written.push(true);
      }
      return { first, written };
    });
  }

  append(rows: readonly LogAppendRow[], now: number): Promise<LogAppendResult> {
    try {
      return Promise.resolve(this.#appendBatch.immediate(rows, now));
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

  async *scan(from: number, to: number): AsyncIterable<LogChunk> {
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

  async *rows(from: number, to: number): AsyncIterable<LogRow> {
    for (let lo = from; lo < to; lo += ROW_PAGE) {
      const page = this.#range.all(lo, Math.min(to, lo + ROW_PAGE));
      for (const [index, entry, leaf] of page) yield { index, entry, leaf };
    }
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
