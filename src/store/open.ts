import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { MassError } from '../core/errors.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/**
 * Opens the store named by a `store:` URL of mass.yaml: `sqlite:PATH` (relative to `baseDir`) or
 * `sqlite::memory:`. PostgreSQL URLs are recognised but not served by this version.
 */
export function openStore(url: string, baseDir: string, options: { mustExist?: boolean } = {}): Store {
  const file = storeFileOf(url, baseDir);
  if (file === undefined) return openSqliteStore(':memory:');
  // Commands that only read must not create an empty store and report on it.
  if (options.mustExist === true && !existsSync(file)) throw new MassError('STORE_NOT_FOUND', `no store at ${file} (store: ${url}); run \`mass init\` or check --config`);
  return openSqliteStore(file);
}

/** The absolute path of the SQLite file a `store:` URL names; undefined for an in-memory store. */
export function storeFileOf(url: string, baseDir: string): string | undefined {
  if (url === 'sqlite::memory:' || url === ':memory:') return undefined;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new MassError('STORE_UNSUPPORTED', 'store: "sqlite:" needs a path, e.g. sqlite:./.mass/mass.db');
    return isAbsolute(path) ? path : resolve(baseDir, path);
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    throw new MassError('STORE_UNSUPPORTED', 'store: PostgreSQL is not supported by this version; use sqlite:PATH');
  }
  throw new MassError('STORE_UNSUPPORTED', 'store: expected sqlite:PATH or sqlite::memory:');
}
