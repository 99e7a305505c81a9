import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';
import type { ReplayEntry, ReplayTable } from './store.js';

export class SqliteReplay implements ReplayTable {
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
