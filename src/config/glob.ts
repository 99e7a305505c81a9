import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Expands a file pattern relative to `baseDir`: `*` and `?` within one path segment, `**` for any
 * number of segments. Returns matching regular files, sorted, as absolute paths. A pattern without
 * wildcards is returned as is when the file exists. (Node 20 has no `fs.glob`.)
 */
export function expandGlob(baseDir: string, pattern: string): string[] {
  const segments = pattern.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  const absolute = pattern.startsWith('/');
  const root = absolute ? '/' : baseDir;
  const results = new Set<string>();
  walk(root, segments, results);
  return [...results].sort();
}

function walk(dir: string, segments: string[], out: Set<string>): void {
  const [head, ...rest] = segments;
  if (head === undefined) {
    if (isFile(dir)) out.add(dir);
    return;
  }
  if (head === '**') {
    walk(dir, rest, out);
    for (const entry of listDir(dir)) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) walk(join(dir, entry.name), segments, out);
    }
    return;
  }
  if (head === '..' || !/[*?[]/.test(head)) {
    walk(join(dir, head), rest, out);
    return;
  }
  const matcher = segmentMatcher(head);
  for (const entry of listDir(dir)) {
    if (entry.name.startsWith('.') && !head.startsWith('.')) continue;
    if (matcher.test(entry.name)) walk(join(dir, entry.name), rest, out);
  }
}

function segmentMatcher(segment: string): RegExp {
  let source = '';
  for (const ch of segment) {
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function listDir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A path relative to `baseDir` with forward slashes, for messages and policy ids. */
export function displayPath(baseDir: string, path: string): string {
  return relative(baseDir, path).split(sep).join('/');
}
