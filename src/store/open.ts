import { isAbsolute, resolve } from 'node:path';
import { MassError } from '../core/errors.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/**
 * Opens the store named by a `store:` URL of mass.yaml: `sqlite:PATH` (relative to `baseDir`) or
 * `sqlite::memory:`. PostgreSQL URLs are recognised but not served by this version.
 */
export function openStore(url: string, baseDir: string): Store {
  if (url === 'sqlite::memory:' || url === ':memory:') return openSqliteStore(':memory:');
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new MassError('STORE_UNSUPPORTED', 'store: "sqlite:" needs a path, e.g. sqlite:./.mass/mass.db');
    return openSqliteStore(isAbsolute(path) ? path : resolve(baseDir, path));
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    throw new MassError('STORE_UNSUPPORTED', 'store: PostgreSQL is not supported by this version; use sqlite:PATH');
  }
  throw new MassError('STORE_UNSUPPORTED', 'store: expected sqlite:PATH or sqlite::memory:');
}
