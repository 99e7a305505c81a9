import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { PRIVATE_FILE_MODE, writeFileAtomically } from '../core/atomic-file.js';
import { MassError } from '../core/errors.js';
import { generateEd25519Key, privateKeyFromPkcs8 } from '../identity/keys.js';
import { MAX_NOTE_BYTES, type NoteSigner } from './note.js';

/** A PEM private key is a few hundred bytes; anything larger is not one of ours. */
const MAX_KEY_FILE_BYTES = 16 * 1024;

/**
 * The key that signs the audit log's checkpoints. It lives outside the store (a 0600 file), so
 * write access to the database is not enough to re-sign a rewritten log. Beside it, in
 * `<file>.signed`, the signer keeps the last checkpoint it signed: a restarted process refuses to
 * sign a tree that is not consistent with it, even if the store's checkpoints were deleted.
 * An ephemeral key (in-memory stores) keeps both in memory only.
 */
export class LogKey {
  /** The key file, or undefined for an ephemeral key. */
  readonly file: string | undefined;
  readonly privateKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  #lastSigned: string | undefined;

  private constructor(file: string | undefined, privateKey: KeyObject) {
    this.file = file;
    this.privateKey = privateKey;
    this.publicKey = new Uint8Array(Buffer.from(String(createPublicKey(privateKey).export({ format: 'jwk' }).x), 'base64url'));
  }

  /** A key that exists only in this process (an in-memory store, tests). */
  static ephemeral(): LogKey {
    return new LogKey(undefined, privateKeyFromPkcs8(generateEd25519Key().privatePkcs8));
  }

  /** True if a key file exists at `file`. */
  static exists(file: string): boolean {
    return existsSync(file);
  }

  /**
   * Creates a new key file (mode 0600, parent folder 0700). Throws LOG_KEY_INVALID if one
   * already exists there: a key is never overwritten.
   */
  static create(file: string): LogKey {
    const pem = String(privateKeyFromPkcs8(generateEd25519Key().privatePkcs8).export({ format: 'pem', type: 'pkcs8' }));
    // Whole or not at all (a crash leaves no empty key), and never over an existing file.
    try {
      writeFileAtomically(file, pem, PRIVATE_FILE_MODE, { replace: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new MassError('LOG_KEY_INVALID', `the audit log key file ${file} already exists; it is never overwritten`);
      throw new MassError('LOG_KEY_INVALID', `cannot create the audit log key file ${file}`, { cause: error });
    }
    // What an earlier key signed is not this key's memory: set it aside (kept, not deleted).
    if (existsSync(`${file}.signed`)) renameSync(`${file}.signed`, `${file}.signed.replaced-${Date.now()}`);
    return LogKey.load(file);
  }

  /**
   * Loads a key file. The file is checked before it is trusted: a regular file, at most 16 KiB,
   * not readable or writable by group or others (POSIX), holding one Ed25519 PKCS#8 PEM key.
   * Throws LOG_KEY_MISSING if there is none, LOG_KEY_INVALID otherwise. Messages name the file,
   * never its content.
   */
  static load(file: string): LogKey {
    let stat;
    try {
      stat = statSync(file);
    } catch {
      throw new MassError('LOG_KEY_MISSING', `the audit log key file ${file} does not exist`);
    }
    if (!stat.isFile()) throw new MassError('LOG_KEY_INVALID', `the audit log key ${file} is not a regular file`);
    if (stat.size > MAX_KEY_FILE_BYTES) throw new MassError('LOG_KEY_INVALID', `the audit log key file ${file} is larger than ${MAX_KEY_FILE_BYTES} bytes`);
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new MassError(
        'LOG_KEY_INVALID',
        `the audit log key file ${file} is accessible to group or others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`,
      );
    }
    let pem: Buffer;
    try {
      pem = readFileSync(file);
    } catch (error) {
      throw new MassError('LOG_KEY_INVALID', `cannot read the audit log key file ${file} (to verify without it, pass --key with the verifier key)`, {
        cause: error,
      });
    }
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: pem, format: 'pem' });
    } catch (error) {
      throw new MassError('LOG_KEY_INVALID', `the audit log key file ${file} does not hold a PEM private key`, { cause: error });
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new MassError('LOG_KEY_INVALID', `the audit log key file ${file} does not hold an Ed25519 key`);
    return new LogKey(file, privateKey);
  }

  /** The note signer for checkpoints of `origin`. */
  signer(origin: string): NoteSigner {
    return { name: origin, privateKey: this.privateKey, publicKey: this.publicKey };
  }

  /** The last checkpoint note this key signed (from `<file>.signed`), if any. */
  lastSigned(): string | undefined {
    return this.file === undefined ? this.#lastSigned : LogKey.lastSignedBy(this.file);
  }

  /** The last checkpoint note signed with the key of `file` (from `<file>.signed`), without loading the key. */
  static lastSignedBy(file: string): string | undefined {
    const path = `${file}.signed`;
    if (!existsSync(path)) return undefined;
    // Our own file, but bounded all the same before it is read and parsed.
    if (statSync(path).size > MAX_NOTE_BYTES) throw new MassError('LOG_KEY_INVALID', `${path} is larger than a checkpoint can be`);
    return readFileSync(path, 'utf8');
  }

  /** Remembers `note` as the last checkpoint signed (written to a temporary file, synced, renamed). */
  recordSigned(note: string): void {
    if (this.file === undefined) {
      this.#lastSigned = note;
      return;
    }
    writeFileAtomically(`${this.file}.signed`, note, PRIVATE_FILE_MODE);
  }
}
