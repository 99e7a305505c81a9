import { MassError } from '../core/errors.js';
import type { JsonValue } from '../core/json.js';
import { confidentialityRank, isConfidentiality, type Confidentiality, type Label } from './label.js';

/**
 * A declassification: the one way a task's label goes down. It is an action of its own
 * (`declassify`, on the acting agent itself), decided by Cedar like any other — nothing permits
 * it by default — and recorded in the audit log with its reason.
 *
 * Body: `{ "to": { "integrity"?: "trusted", "confidentiality"?: <level>, "readers"?: null }, "reason": "…" }`
 * - `integrity: "trusted"` endorses what the agent read (e.g. a document a person has reviewed);
 * - `confidentiality` lowers the level to the one given;
 * - `readers: null` lifts the reader restriction.
 */
export interface Declassification {
  readonly integrity?: 'trusted';
  readonly confidentiality?: Confidentiality;
  readonly clearReaders?: true;
  readonly reason: string;
}

const MAX_REASON = 1024;

/** Parses and checks a declassify body (attacker-controlled: every field is checked, nothing else is accepted). */
export function parseDeclassification(body: JsonValue): Declassification {
  const fail = (why: string) => new MassError('ARGUMENT_INVALID', `declassify: ${why}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail('the body must be an object { to, reason }');
  for (const key of Object.keys(body)) if (key !== 'to' && key !== 'reason') throw fail(`unknown field "${key}"`);
  const { to, reason } = body;
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON)
    throw fail(`"reason" must be a non-empty string of at most ${MAX_REASON} characters`);
  if (typeof to !== 'object' || to === null || Array.isArray(to)) throw fail('"to" must be an object');
  const out: { integrity?: 'trusted'; confidentiality?: Confidentiality; clearReaders?: true; reason: string } = { reason };
  for (const [key, value] of Object.entries(to)) {
    if (key === 'integrity' && value === 'trusted') out.integrity = 'trusted';
    else if (key === 'confidentiality' && isConfidentiality(value)) out.confidentiality = value;
    else if (key === 'readers' && value === null) out.clearReaders = true;
    else
      throw fail(
        `"to.${key}" must be ${key === 'integrity' ? '"trusted"' : key === 'confidentiality' ? 'a confidentiality level' : key === 'readers' ? 'null' : 'absent'}`,
      );
  }
  if (out.integrity === undefined && out.confidentiality === undefined && out.clearReaders === undefined) throw fail('"to" asks for nothing');
  return out;
}

/** The label after the declassification: lowered only where asked, never raised. */
export function declassify(label: Label, d: Declassification): Label {
  const integrity = d.integrity ?? label.integrity;
  const sources = integrity === 'trusted' ? [] : label.sources;
  const confidentiality =
    d.confidentiality !== undefined && confidentialityRank(d.confidentiality) < confidentialityRank(label.confidentiality)
      ? d.confidentiality
      : label.confidentiality;
  const readers = d.clearReaders === true ? undefined : label.readers;
  return readers === undefined ? { integrity, sources, confidentiality } : { integrity, sources, confidentiality, readers };
}
