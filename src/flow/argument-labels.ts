import type { JsonValue } from '../core/json.js';
import { joinLabels, TRUSTED, type Label } from './label.js';
import { appearsIn, valueForms } from './match.js';
import type { Segment } from './segment.js';

/** Deepest nesting and most leaves of one argument that are matched; beyond, the task label applies. */
const MAX_DEPTH = 16;
const MAX_LEAVES = 1024;

/**
 * Argument provenance: the label of each top-level argument of an action, from where its value
 * came in the acting agent's context.
 *
 * For each string or number in the argument, and each key of each object in it (normalized, see
 * match.ts):
 * - it appears in a trusted segment (the user's request, configuration constants): trusted — the
 *   user named this value, whatever untrusted text also repeats it;
 * - else it appears in untrusted segments: the join of their labels;
 * - else its origin is unknown (the agent composed or transformed it): the task's whole label,
 *   which is untrusted as soon as the agent has read anything untrusted. This is the fail-closed
 *   case: a value is only cleared by being found in trusted text.
 * Confidentiality always joins the labels of every segment the value appears in.
 * Only empty strings and empty containers carry no data and get the bottom label; booleans and
 * null are one bit of anybody's choosing and get the task's label. Keys are content like values (an
 * IBAN or an instruction can sit in a key); the names of the arguments themselves are too, except
 * those in `declared` (the tool's argument names from configuration). An argument's label is the
 * join of its keys' and values' labels.
 */
export function labelArguments(
  body: JsonValue,
  taskLabel: Label,
  segments: readonly Segment[],
  declared: ReadonlySet<string> = NO_NAMES,
): Record<string, Label> {
  // No prototype: an argument named "__proto__" is an argument like any other, not a prototype.
  const labels = Object.create(null) as Record<string, Label>;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return labels;
  for (const [name, value] of Object.entries(body)) {
    const state = { leaves: 0 };
    const label = labelValue(value, taskLabel, segments, 0, state);
    labels[name] = declared.has(name) ? label : joinLabels(label, labelLeaf(name, taskLabel, segments));
  }
  return labels;
}

const NO_NAMES: ReadonlySet<string> = new Set();

function labelValue(value: JsonValue, taskLabel: Label, segments: readonly Segment[], depth: number, state: { leaves: number }): Label {
  if (value === null || typeof value === 'boolean') return taskLabel;
  if (typeof value === 'string' || typeof value === 'number') {
    if (++state.leaves > MAX_LEAVES) return taskLabel;
    return labelLeaf(value, taskLabel, segments);
  }
  if (depth >= MAX_DEPTH) return taskLabel;
  let label = TRUSTED;
  const entries: [string | undefined, JsonValue][] = Array.isArray(value) ? value.map((v) => [undefined, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    if (key !== undefined) {
      if (++state.leaves > MAX_LEAVES) return joinLabels(label, taskLabel);
      label = joinLabels(label, labelLeaf(key, taskLabel, segments));
    }
    label = joinLabels(label, labelValue(child, taskLabel, segments, depth + 1, state));
    if (state.leaves > MAX_LEAVES) return joinLabels(label, taskLabel);
  }
  return label;
}

function labelLeaf(value: string | number, taskLabel: Label, segments: readonly Segment[]): Label {
  if (value === '') return TRUSTED;
  const forms = valueForms(value);
  let trustedMatch: Label | undefined;
  let untrustedMatch: Label | undefined;
  for (const s of segments) {
    if (!appearsIn(forms, s.index)) continue;
    // A trusted result repeating an untrusted argument of its own call vouches for nothing.
    const label = s.label.integrity === 'trusted' && s.echoes !== undefined && appearsIn(forms, s.echoes.index) ? joinLabels(s.label, s.echoes.label) : s.label;
    if (label.integrity === 'trusted') trustedMatch = trustedMatch === undefined ? label : joinLabels(trustedMatch, label);
    else untrustedMatch = untrustedMatch === undefined ? label : joinLabels(untrustedMatch, label);
  }
  if (trustedMatch !== undefined) {
    if (untrustedMatch === undefined) return trustedMatch;
    // Trusted because the user named it; as confidential as anything it appears in.
    const joined = joinLabels(trustedMatch, untrustedMatch);
    return { ...joined, integrity: 'trusted', sources: [] };
  }
  return untrustedMatch ?? taskLabel;
}
