import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';
import type { Ed25519PublicJwk } from '../core/jwk.js';
import { isUniqueViolation } from './sqlite-agents.js';
import type { KeyTable, StoredKey } from './store.js';

interface KeyRow {
  name: string;
  private_pkcs8: Buffer;
  public_jwk: string;
  created_at: number;
}

/** Opens (creating if needed) a SQLite store. `path` `:memory:` gives a private in-memory store. */
export class SqliteKeys implements KeyTable {
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
