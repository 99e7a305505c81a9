import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { MassError } from '../core/errors.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/**
 * Why this version cannot open the store named by a `store:` URL of mass.yaml, or undefined if it
 * can. The one rule `openStore` and `mass check-config` share, so that they never disagree.
 * The URL is never echoed: a database URL may carry a password.
 */
export function storeUrlProblem(url: string): string | undefined {
  if (url === 'sqlite::memory:' || url === ':memory:') return undefined;
  if (url.startsWith('sqlite:')) return url === 'sqlite:' ? '"sqlite:" needs a path, e.g. sqlite:./.mass/mass.db' : undefined;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'PostgreSQL is not supported by this version; use sqlite:PATH';
  return 'expected sqlite:PATH or sqlite::memory:';
}

/** The file of a `sqlite:PATH` store (relative to `baseDir`); undefined for memory and other stores. */
export function sqliteStorePath(url: string, baseDir: string): string | undefined {
  if (!url.startsWith('sqlite:') || url === 'sqlite::memory:' || url === 'sqlite:') return undefined;
  const path = url.slice('sqlite:'.length);
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/**
 * Opens the store named by a `store:` URL of mass.yaml: `sqlite:PATH` (relative to `baseDir`) or
 * `sqlite::memory:`, migrated to the schema this code reads. PostgreSQL URLs are recognised but
 * not served by this version.
 */
export async function openStore(url: string, baseDir: string, options: { mustExist?: boolean } = {}): Promise<Store> {
  const file = storeFileOf(url, baseDir);
  if (file === undefined) return await openSqliteStore(':memory:');
  // Commands that only read must not create an empty store and report on it.
  if (options.mustExist === true && !existsSync(file))
    throw new MassError('STORE_NOT_FOUND', `no store at ${file} (store: ${url}); run \`mass init\` or check --config`);
  return await openSqliteStore(file);
}

/** The absolute path of the SQLite file a `store:` URL names; undefined for an in-memory store. Throws STORE_UNSUPPORTED for a URL this version cannot open. */
export function storeFileOf(url: string, baseDir: string): string | undefined {
  const problem = storeUrlProblem(url);
  if (problem !== undefined) throw new MassError('STORE_UNSUPPORTED', `store: ${problem}`);
  return sqliteStorePath(url, baseDir);
}
