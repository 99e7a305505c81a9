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

/**
 * In CI (`CI` set) with the shared data folder present, a test that needs a file of it must run:
 * a missing file is an error, not a skip, so a renamed data file cannot turn a test off silently.
 */
export function sharedDataFile(relativePath: string): SharedFile {
  const path = join(SHARED_DATA_DIR, relativePath);
  if (existsSync(path)) return { path, skip: undefined };
  if (process.env.CI !== undefined && process.env.CI !== '' && existsSync(SHARED_DATA_DIR)) {
    throw new Error(`shared data file ${path} is absent although ${SHARED_DATA_DIR} is present: in CI a test that needs it must run`);
  }
  return { path, skip: `shared data file ${path} is absent (set MASS_SHARED_DATA)` };
}
