import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import type { MassConfig } from '../config/load.js';
import { storeFileOf } from '../store/open.js';
import type { Store } from '../store/store.js';
import { AuditLog, LEGACY_LOG_KEY_NAME, logOrigin } from './log.js';
import { LogKey } from './log-key.js';
import type { NoteVerifier } from './note.js';

/** Name of the default key file, beside the store's database file. */
export const DEFAULT_LOG_KEY_FILE = 'audit-log.key';

/**
 * The key file of an installation: `auditLog.keyFile` of mass.yaml (relative to its folder), else
 * audit-log.key beside the SQLite store file (`store` names the store actually opened, when it is
 * not the configured one). Undefined for an in-memory store without a key file (its log lives as
 * long as the process: an ephemeral key serves).
 */
export function logKeyFileOf(config: MassConfig, store?: Store): string | undefined {
  const configured = config.data.auditLog.keyFile;
  if (configured !== undefined) return isAbsolute(configured) ? configured : resolve(config.dir, configured);
  const storeFile = storeFileOf(store?.description ?? config.data.store, config.dir);
  return storeFile === undefined ? undefined : join(dirname(storeFile), DEFAULT_LOG_KEY_FILE);
}

/**
 * The signing key of the installation's log. A missing key file is created only for a log that
 * has nothing in it yet (no entry, no checkpoint): a first start. A log that holds anything and has
 * lost its key fails closed (LOG_KEY_MISSING): a new key would vouch for whatever the database now
 * says. `mass log key --new` is the deliberate way to start a new key for an existing log.
 */
export async function openLogKey(config: MassConfig, store: Store): Promise<LogKey> {
  const file = logKeyFileOf(config, store);
  if (file === undefined) return LogKey.ephemeral();
  if (LogKey.exists(file)) return LogKey.load(file);
  const size = await store.log.size();
  const checkpoints = size === 0 ? await store.log.latestCheckpoint() : undefined;
  if (size === 0 && checkpoints === undefined) {
    try {
      return LogKey.create(file);
    } catch (error) {
      if (error instanceof MassError && error.code === 'LOG_KEY_INVALID' && LogKey.exists(file)) return LogKey.load(file); // another process created it first
      throw error;
    }
  }
  // An older store kept the key in its keystore: anyone with the database could read it, so it is never used.
  const legacy =
    (await store.keys.get(LEGACY_LOG_KEY_NAME)) === undefined
      ? ''
      : ' (this store comes from a version that kept the key in the database; that key is no longer trusted)';
  throw new MassError(
    'LOG_KEY_MISSING',
    `the audit log key file ${file} does not exist, but the log holds ${size} entries${legacy}: restore the key file (auditLog.keyFile in mass.yaml), or start a new key deliberately with \`mass log key --new\``,
  );
}

/** Opens the installation's audit log on `store` with its key and checkpoint settings. */
export async function openAuditLog(config: MassConfig, store: Store, clock?: Clock): Promise<AuditLog> {
  const key = await openLogKey(config, store);
  return AuditLog.open(store, {
    origin: logOrigin(config.data.trustDomain),
    key,
    ...(clock === undefined ? {} : { clock }),
    checkpointEvery: config.data.auditLog.checkpointEvery,
    checkpointSeconds: config.data.auditLog.checkpointSeconds,
  });
}

/** The verifier of the installation's checkpoints, from its key file (for commands that only read). */
export function logVerifierOf(config: MassConfig): NoteVerifier {
  const file = logKeyFileOf(config);
  if (file === undefined) throw new MassError('LOG_KEY_MISSING', 'an in-memory store has no lasting log key: pass --key with the verifier key');
  const key = LogKey.load(file);
  return { name: logOrigin(config.data.trustDomain), publicKey: key.publicKey };
}
