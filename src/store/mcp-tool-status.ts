import type { McpToolRecord, PinStatus } from './store.js';

export type { PinStatus } from './store.js';

/** Reason prefix of a tool blocked by the tool-poisoning detector. */
export const POISONED_REASON_PREFIX = 'tool-poisoning detector:';

/**
 * The status of a stored tool: the one the pins wrote in its column, except that a tool counts as
 * `approved` only while the definition seen upstream is the approved one (fail closed: a record
 * whose column says approved but whose hashes differ is `changed`).
 */
export function statusOf(record: McpToolRecord): PinStatus {
  if (record.status === 'approved') return record.approvedHash === record.seenHash ? 'approved' : 'changed';
  return record.status;
}

/** Most argument-name sets kept parsed (one per approved definition, by its hash). */
const MAX_CACHED_DEFINITIONS = 4096;
const namesByHash = new Map<string, ReadonlySet<string>>();

/**
 * The argument names the approved definition of an MCP tool declares (the properties of its
 * `inputSchema`): configuration a person approved, not content the model wrote. Undefined unless
 * the tool is approved, or when its schema names no properties.
 */
export function approvedArgumentNames(record: McpToolRecord): ReadonlySet<string> | undefined {
  if (statusOf(record) !== 'approved') return undefined;
  let names = namesByHash.get(record.seenHash);
  if (names === undefined) {
    names = propertyNames(record.seen);
    if (namesByHash.size >= MAX_CACHED_DEFINITIONS) namesByHash.clear();
    namesByHash.set(record.seenHash, names);
  }
  return names.size === 0 ? undefined : names;
}

/** `Object.keys(definition.inputSchema.properties)` of a stored definition (canonical JSON written by the pins). */
function propertyNames(definition: string): ReadonlySet<string> {
  try {
    const parsed = JSON.parse(definition) as { inputSchema?: { properties?: unknown } };
    const properties = parsed.inputSchema?.properties;
    if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return new Set();
    return new Set(Object.keys(properties));
  } catch {
    return new Set(); // unreadable: no names are vouched for
  }
}
