import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';
import type { MailboxMessage, MailboxTable } from './store.js';

interface MailboxRow {
  id: number;
  recipient: string;
  sender: string;
  body: string;
  label: string;
  action_id: string;
  at: number;
}

export class SqliteMailbox implements MailboxTable {
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
      this.#pending
        .all(recipient, limit)
        .map((r) => ({ id: r.id, recipient: r.recipient, sender: r.sender, body: r.body, label: r.label, actionId: r.action_id, at: r.at })),
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
