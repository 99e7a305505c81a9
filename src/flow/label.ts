import type { Integrity } from '../config/schema.js';

/**
 * An information-flow label. Integrity says whether content may steer privileged actions
 * (`trusted`) or not (`untrusted`); `sources` names where untrusted content came from
 * (e.g. `tool:read_file`). Labels only ever go up: joining with untrusted data taints.
 */
export interface Label {
  readonly integrity: Integrity;
  readonly sources: readonly string[];
}

export const TRUSTED: Label = Object.freeze({ integrity: 'trusted', sources: Object.freeze([]) as readonly string[] });

export function untrusted(...sources: string[]): Label {
  return { integrity: 'untrusted', sources: [...new Set(sources)].sort() };
}

/** The least upper bound of two labels: untrusted if either is; sources united. */
export function joinLabels(a: Label, b: Label): Label {
  if (a.integrity === 'trusted' && b.integrity === 'trusted') return TRUSTED;
  const sources = [...new Set([...a.sources, ...b.sources])].sort();
  return { integrity: 'untrusted', sources };
}

export function isLabel(value: unknown): value is Label {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.integrity === 'trusted' || v.integrity === 'untrusted') &&
    Array.isArray(v.sources) &&
    v.sources.length <= 256 &&
    v.sources.every((s) => typeof s === 'string' && s.length <= 256) &&
    Object.keys(v).length === 2
  );
}
