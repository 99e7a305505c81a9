import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';
import type { Revocation, RevocationTable } from './store.js';

export class SqliteRevocations implements RevocationTable {
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
