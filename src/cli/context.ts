import type { AdminOperation } from '../audit/admin-operation.js';
import { adminEntry } from '../audit/entry.js';
import { findConfigFile } from '../config/find.js';
import { openAuditLog } from '../audit/open-log.js';
import { loadConfigFile, resolveConfigPath, type MassConfig } from '../config/load.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import type { Io } from './io.js';

/**
 * The configuration a command works on: `--config FILE`, or the nearest `mass.yaml` in the current
 * folder and its parents. A file from a parent folder is named on stderr, so that nobody acts on
 * another system's configuration without seeing it.
 */
export function loadCommandConfig(io: Io, configOption: string | undefined): MassConfig {
  if (configOption !== undefined) return loadConfigFile(resolveConfigPath(configOption, io.cwd));
  const found = findConfigFile(io.cwd);
  if (found.inParent) io.err(`mass: using ${found.path}\n`);
  return loadConfigFile(found.path);
}

/** Opens the configured store, runs `work`, and always closes it. */
export async function withStore<T>(config: MassConfig, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config.data.store, config.dir);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Records an administrative change (agent added, revoked…) in the audit log; resolves once durable. */
export async function recordAdmin(store: Store, config: MassConfig, operation: AdminOperation, subject: string, reason: string | null): Promise<number> {
  const log = await openAuditLog(config, store);
  try {
    const { index } = await log.append(adminEntry(operation, subject, 'cli', reason, Date.now()));
    return index;
  } finally {
    await log.close(); // signs a checkpoint over the new entry
  }
}
