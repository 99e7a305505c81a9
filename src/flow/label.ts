/** Integrity, lowest (most trusted) first: untrusted content may not steer privileged actions. */
export const INTEGRITIES = ['trusted', 'untrusted'] as const;
export type Integrity = (typeof INTEGRITIES)[number];

/** Confidentiality levels, lowest first: data may only flow to places cleared for its level. */
export const CONFIDENTIALITY_LEVELS = ['public', 'internal', 'confidential', 'secret'] as const;
export type Confidentiality = (typeof CONFIDENTIALITY_LEVELS)[number];

/** 0 (public) … 3 (secret): the number policies compare (`context.confidentiality`). */
export function confidentialityRank(level: Confidentiality): number {
  return CONFIDENTIALITY_LEVELS.indexOf(level);
}

export function maxConfidentiality(a: Confidentiality, b: Confidentiality): Confidentiality {
  return confidentialityRank(a) >= confidentialityRank(b) ? a : b;
}

export function isConfidentiality(value: unknown): value is Confidentiality {
  return typeof value === 'string' && (CONFIDENTIALITY_LEVELS as readonly string[]).includes(value);
}

/**
 * An information-flow label, a point in the product of two lattices.
 *
 * - Integrity: `trusted` content may steer privileged actions, `untrusted` may not; `sources` names
 *   where untrusted content came from (e.g. `tool:read_file`).
 * - Confidentiality: a level, and optionally the set of agents allowed to read the content
 *   (`readers`; absent means anyone cleared for the level).
 *
 * Labels only go up: joining with untrusted data taints, joining with confidential data raises the
 * level and narrows the readers. Lowering a label is a declassification, which is its own mediated,
 * recorded action.
 */
export interface Label {
  readonly integrity: Integrity;
  readonly sources: readonly string[];
  readonly confidentiality: Confidentiality;
  readonly readers?: readonly string[];
}

const NO_SOURCES = Object.freeze([]) as readonly string[];

/** The bottom of the lattice: the user's own request. */
export const TRUSTED: Label = Object.freeze({ integrity: 'trusted', sources: NO_SOURCES, confidentiality: 'public' });

export function untrusted(...sources: string[]): Label {
  return { integrity: 'untrusted', sources: [...new Set(sources)].sort(), confidentiality: 'public' };
}

/** A trusted label at `level`, readable only by `readers` when given. */
export function classified(level: Confidentiality, readers?: readonly string[]): Label {
  return readers === undefined ? { ...TRUSTED, confidentiality: level } : { ...TRUSTED, confidentiality: level, readers: [...new Set(readers)].sort() };
}

/**
 * The least upper bound of two labels: untrusted if either is (sources united), the higher
 * confidentiality level, and the intersection of reader sets (an absent set is no restriction).
 */
export function joinLabels(a: Label, b: Label): Label {
  if (a === b) return a;
  const integrity: Integrity = a.integrity === 'trusted' && b.integrity === 'trusted' ? 'trusted' : 'untrusted';
  const sources = integrity === 'trusted' ? NO_SOURCES : unite(a.sources, b.sources);
  const confidentiality = maxConfidentiality(a.confidentiality, b.confidentiality);
  const readers = a.readers === undefined ? b.readers : b.readers === undefined ? a.readers : a.readers.filter((r) => b.readers?.includes(r));
  return readers === undefined ? { integrity, sources, confidentiality } : { integrity, sources, confidentiality, readers };
}

/** True when `high` is at least as restrictive as `low` in every respect (`low ⊑ high`). */
export function labelDominates(high: Label, low: Label): boolean {
  if (low.integrity === 'untrusted') {
    if (high.integrity !== 'untrusted') return false;
    if (!low.sources.every((s) => high.sources.includes(s))) return false;
  }
  if (confidentialityRank(high.confidentiality) < confidentialityRank(low.confidentiality)) return false;
  if (low.readers !== undefined) {
    if (high.readers === undefined) return false;
    if (!high.readers.every((r) => low.readers?.includes(r))) return false;
  }
  return true;
}

/** Whether `agent`, cleared up to `clearance`, may read content with this label. */
export function mayRead(label: Label, agent: string, clearance: Confidentiality): boolean {
  if (confidentialityRank(clearance) < confidentialityRank(label.confidentiality)) return false;
  return label.readers === undefined || label.readers.includes(agent);
}

function unite(a: readonly string[], b: readonly string[]): readonly string[] {
  if (b.length === 0 || b.every((s) => a.includes(s))) return a;
  if (a.length === 0) return b;
  return [...new Set([...a, ...b])].sort();
}

/** Bounds on a label received from outside (in an envelope): it is attacker-controlled input. */
const MAX_SOURCES = 256;
const MAX_READERS = 256;
const MAX_ITEM_LENGTH = 256;

export function isLabel(value: unknown): value is Label {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v);
  const expected = 'readers' in v ? 4 : 3;
  return (
    keys.length === expected &&
    (v.integrity === 'trusted' || v.integrity === 'untrusted') &&
    isConfidentiality(v.confidentiality) &&
    isBoundedStrings(v.sources, MAX_SOURCES) &&
    (v.integrity === 'untrusted' || (v.sources as unknown[]).length === 0) &&
    (!('readers' in v) || isBoundedStrings(v.readers, MAX_READERS))
  );
}

function isBoundedStrings(value: unknown, max: number): value is string[] {
  return Array.isArray(value) && value.length <= max && value.every((s) => typeof s === 'string' && s.length <= MAX_ITEM_LENGTH);
}
