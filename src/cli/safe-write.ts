import { closeSync, constants, lstatSync, mkdirSync, openSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { MassError } from '../core/errors.js';

/**
 * Writing files a command creates inside a folder (`mass init`) without following symbolic links:
 * a `mass.yaml` that is a link — dangling or not — would otherwise make the command write wherever
 * the link points (another user's file, a file outside the folder).
 */

function symlinkError(path: string): MassError {
  let target = '';
  try {
    target = ` (it points to ${readlinkSync(path)})`;
  } catch {
    // the link vanished meanwhile; the refusal stands
  }
  return new MassError('PATH_UNSAFE', `refusing to write ${path}: it is a symbolic link${target}; remove it or write the files elsewhere`);
}

/**
 * Throws PATH_UNSAFE if `relativePath` below `root`, or any folder between them, is a symbolic
 * link. `root` itself may be one (the user chose it). Missing components are fine.
 */
export function refuseSymlinks(root: string, relativePath: string): void {
  const rel = isAbsolute(relativePath) ? relative(root, relativePath) : relativePath;
  if (rel.startsWith('..') || isAbsolute(rel)) throw new TypeError(`${relativePath} is not inside ${root}`);
  let path = root;
  for (const part of rel.split(sep).filter((p) => p !== '' && p !== '.')) {
    path = join(path, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(path).isSymbolicLink();
    } catch {
      return; // does not exist yet: nothing below it does either
    }
    if (isLink) throw symlinkError(path);
  }
}

/**
 * Writes `content` to `root/relativePath`, creating folders as needed, never through a symbolic
 * link: every component is checked first, and the file is opened with O_NOFOLLOW so that a link
 * put in its place after the check is refused too (ELOOP).
 */
export function writeFileNoFollow(root: string, relativePath: string, content: string, mode = 0o644): string {
  refuseSymlinks(root, relativePath);
  const path = join(root, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkError(path);
    throw error;
  }
  try {
    writeFileSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return path;
}
