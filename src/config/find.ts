import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MassError } from '../core/errors.js';

export const DEFAULT_CONFIG_FILE = 'mass.yaml';

/** Where `mass.yaml` was found, and the folders looked in to find it (nearest first). */
export interface FoundConfig {
  readonly path: string;
  /** The folders searched, from the starting folder up to the one holding the file. */
  readonly searched: readonly string[];
  /** True if the file is not in the starting folder but in one of its parents. */
  readonly inParent: boolean;
}

/** A repository root: the search for mass.yaml stops there (a `.git` folder, or file for worktrees). */
function isRepositoryRoot(dir: string): boolean {
  return existsSync(join(dir, '.git'));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds `mass.yaml` without `--config`: in `cwd`, then in each parent folder, up to and including
 * the root of the repository `cwd` is in (the first folder holding `.git`), or up to the
 * filesystem root outside a repository.
 *
 * A file found in a parent folder must belong to the user running the command (as git does for
 * repositories): a `mass.yaml` someone else left in a shared parent (`/tmp`) would otherwise choose
 * the store, keys and policies of every command run below it. Such a file is refused (PATH_UNSAFE),
 * naming it; `--config` uses it deliberately.
 */
export function findConfigFile(cwd: string): FoundConfig {
  const searched: string[] = [];
  let dir = resolve(cwd);
  // Bounded: each step removes one path component, and the root is its own parent.
  for (;;) {
    searched.push(dir);
    const candidate = join(dir, DEFAULT_CONFIG_FILE);
    if (isFile(candidate)) {
      const inParent = searched.length > 1;
      if (inParent) checkOwner(candidate);
      return { path: candidate, searched, inParent };
    }
    const parent = dirname(dir);
    if (isRepositoryRoot(dir) || parent === dir) break;
    dir = parent;
  }
  const last = searched[searched.length - 1] ?? cwd;
  const scope = isRepositoryRoot(last) ? `up to the repository root ${last}` : 'up to the filesystem root';
  throw new MassError(
    'CONFIG_NOT_FOUND',
    `no ${DEFAULT_CONFIG_FILE} in ${cwd} or its parent folders (searched ${scope}: ${searched.join(', ')}): run \`mass init\` to create one, or pass --config FILE`,
  );
}

function checkOwner(path: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return; // no file ownership to compare (Windows)
  const owner = statSync(path).uid;
  if (owner !== uid) {
    throw new MassError(
      'PATH_UNSAFE',
      `found ${path} in a parent folder, but it belongs to another user (uid ${owner}): not using it; pass --config ${path} to use it anyway, or run \`mass init\` here`,
    );
  }
}
