import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Mode of files that hold a private key or a capability token: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Writes `content` to `path` through a new file created with `mode` (O_CREAT|O_EXCL: never an
 * existing file, never through a symlink) and renamed over the target, so that the mode is the one
 * given whatever an existing file had, and a symlink planted at `path` is replaced, not followed.
 * Creates the parent directory if needed.
 */
export function writeFileAtomically(path: string, content: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(temp, mode); // the umask may have narrowed it; never widened beyond `mode`
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
