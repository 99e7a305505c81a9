import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where spec vectors and datasets live: $MASS_SHARED_DATA, else ../shared/data beside the
 * checkout. Tests that need a file call `sharedDataFile`; when it is absent they skip with a
 * message naming the path.
 */
export const SHARED_DATA_DIR = process.env.MASS_SHARED_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

export interface SharedFile {
  readonly path: string;
  /** undefined when present; otherwise the skip message to give node:test. */
  readonly skip: string | undefined;
}

export function sharedDataFile(relativePath: string): SharedFile {
  const path = join(SHARED_DATA_DIR, relativePath);
  return { path, skip: existsSync(path) ? undefined : `shared data file ${path} is absent (set MASS_SHARED_DATA)` };
}
