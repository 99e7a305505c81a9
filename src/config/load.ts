import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { MassError } from '../core/errors.js';
import { DEFAULT_CONFIG_FILE, findConfigFile } from './find.js';
import { massConfigSchema, type MassConfigData } from './schema.js';

export { DEFAULT_CONFIG_FILE };

/** A configuration larger than this is refused before parsing. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface ConfigIssue {
  /** Dotted path of the field, e.g. `agents.billing.roles` or `channels[0].to`. */
  path: string;
  message: string;
}

/** A configuration that did not validate; `issues` names every field that is wrong. */
export class ConfigError extends MassError {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];
  constructor(file: string, issues: ConfigIssue[]) {
    super('CONFIG_INVALID', `${file}: invalid configuration\n${issues.map((i) => `  ${i.path || '(top level)'}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
  }
}

/** A validated configuration and where it came from (relative paths in it resolve against `dir`). */
export interface MassConfig {
  readonly file: string;
  readonly dir: string;
  readonly data: MassConfigData;
}

/**
 * The configuration file to use: the one given (relative to `cwd`), or the nearest `mass.yaml` in
 * `cwd` and its parent folders (config/find.ts); throws CONFIG_NOT_FOUND naming what was searched.
 */
export function resolveConfigPath(explicit?: string, cwd = process.cwd()): string {
  if (explicit === undefined) return findConfigFile(cwd).path;
  const path = resolve(cwd, explicit);
  if (!existsSync(path)) throw new MassError('CONFIG_NOT_FOUND', `configuration file ${explicit} does not exist (run \`mass init\` to create one)`);
  return path;
}

export function loadConfigFile(path: string): MassConfig {
  const file = resolve(path);
  if (!existsSync(file)) throw new MassError('CONFIG_NOT_FOUND', `configuration file ${path} does not exist (run \`mass init\` to create one)`);
  if (statSync(file).size > MAX_CONFIG_BYTES) throw new ConfigError(path, [{ path: '', message: `file larger than ${MAX_CONFIG_BYTES} bytes` }]);
  return parseConfigText(readFileSync(file, 'utf8'), path, dirname(file));
}

/** Parses and validates YAML text. `file` is only used in messages; relative paths resolve against `dir`. */
export function parseConfigText(text: string, file: string, dir: string): MassConfig {
  // With prettyErrors off, yaml leaves `linePos` unset: positions come from a LineCounter.
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const at = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return { path: '', message: `YAML syntax${at === undefined ? '' : ` at line ${at.line}, column ${at.col}`}: ${e.message.split('\n')[0] ?? ''}` };
      }),
    );
  }
  return validateConfig(doc.toJS({ maxAliasCount: 100 }) as unknown, file, dir);
}

/** Validates an already-parsed configuration object (as from YAML or written in code). */
export function validateConfig(raw: unknown, file: string, dir: string): MassConfig {
  // A "__proto__" key would set a record's prototype instead of naming an entry: refused wherever it is.
  const proto = protoKeyPath(raw, []);
  if (proto !== undefined) throw new ConfigError(file, [{ path: formatPath(proto), message: '"__proto__" is not allowed as a key' }]);
  const parsed = massConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.flatMap(describeIssue));
  const issues = crossReferenceIssues(parsed.data);
  if (issues.length > 0) throw new ConfigError(file, issues);
  return { file, dir, data: parsed.data };
}

/** The path of the first own `__proto__` key in a parsed configuration (bounded by its depth), if any. */
function protoKeyPath(value: unknown, path: PropertyKey[]): PropertyKey[] | undefined {
  if (typeof value !== 'object' || value === null || path.length > 32) return undefined;
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return [...path, key];
    const found = protoKeyPath((value as Record<string, unknown>)[key], [...path, Array.isArray(value) ? Number(key) : key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: 'unknown key (check the spelling; unknown keys are not allowed)',
    }));
  }
  if (issue.code === 'invalid_key') {
    // A record key (an agent id, a tool name…) that fails its pattern: the key's own message says why.
    return [{ path: formatPath(issue.path), message: issue.issues.map((i) => i.message).join('; ') || issue.message }];
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    return [{ path: formatPath(issue.path), message: issue.message }];
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

/** `['agents', 'billing', 'roles', 0]` → `agents.billing.roles[0]`; odd keys are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

function crossReferenceIssues(data: MassConfigData): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const agents = new Set(Object.keys(data.agents));
  data.channels.forEach((channel, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!agents.has(channel[end])) issues.push({ path: `channels[${i}].${end}`, message: `"${channel[end]}" is not an agent declared under agents` });
    }
  });
  for (const [ns, mem] of Object.entries(data.memory)) {
    for (const list of ['writers', 'readers', 'owners'] as const) {
      mem[list].forEach((agent, i) => {
        if (!agents.has(agent)) issues.push({ path: `${formatPath(['memory', ns, list])}[${i}]`, message: `"${agent}" is not an agent declared under agents` });
      });
    }
  }
  for (const [tool, spec] of Object.entries(data.tools)) {
    spec.readers?.forEach((agent, i) => {
      if (!agents.has(agent))
        issues.push({ path: `${formatPath(['tools', tool, 'readers'])}[${i}]`, message: `"${agent}" is not an agent declared under agents` });
    });
    spec.controls?.forEach((arg, i) => {
      if (spec.args !== undefined && !(arg in spec.args))
        issues.push({ path: `${formatPath(['tools', tool, 'controls'])}[${i}]`, message: `"${arg}" is not an argument declared under args` });
    });
    const server = tool.split('/')[0];
    if (tool.includes('/') && server !== undefined && Object.hasOwn(data.mcpServers, server)) {
      issues.push({ path: formatPath(['tools', tool]), message: `collides with the tools of MCP server "${server}" (Tool::"${server}/<tool>")` });
    }
  }
  return issues;
}
