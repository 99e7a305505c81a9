import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';
import type { CertificateTable, IssuedCertificate } from './store.js';

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

export class SqliteCertificates implements CertificateTable {
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
