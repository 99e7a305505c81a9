import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Mode of files that hold a private key or a capability token: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Writes `content` to `path` whole or not at all: through a new temporary file created with `mode`
 * (O_CREAT|O_EXCL: never an existing file, never through a symlink), synced, then put in place.
 * - `replace` (default): renamed over the target, so the mode is the one given whatever an existing
 *   file had, and a symlink planted at `path` is replaced, not followed;
 * - `replace: false`: hard-linked into place, which fails with EEXIST if anything exists at `path`
 *   (a key that must never be overwritten).
 * A crash leaves the old file or the new one, never a partial one. Creates the parent folder
 * (mode 0700) if needed.
 */
export function writeFileAtomically(path: string, content: string, mode: number, options: { replace?: boolean } = {}): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(temp, mode); // the umask may have narrowed it; never widened beyond `mode`
    if (options.replace === false) linkSync(temp, path);
    else renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}
