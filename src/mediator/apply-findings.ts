import type { Finding, Labels } from './types.js';
import { joinLabels, TRUSTED, untrusted, type Label } from '../flow/label.js';

/**
 * What detector findings do to labels: a finding that carries a confidentiality level (a secret, a
 * card number) raises the content to that level; any other finding (an injection, a replicated
 * instruction block, a poisoned description) makes it untrusted, with `finding:<detector>` as a
 * source. The action's label is raised, and so is the label of the argument the finding is in.
 * Findings only ever raise labels.
 */
export function applyFindings(labels: Labels, findings: readonly Finding[]): Labels {
  if (findings.length === 0) return labels;
  let action = labels.action;
  const args: Record<string, Label> = { ...labels.args };
  for (const f of findings) {
    const raise = raiseFor(f);
    action = joinLabels(action, raise);
    const arg = argumentOf(f.field);
    const current = arg === undefined ? undefined : args[arg];
    if (arg !== undefined && current !== undefined) args[arg] = joinLabels(current, raise);
  }
  return { action, args, output: labels.output };
}

/** A label raised by findings: how content the detectors looked at is labelled after they did. */
export function raiseLabel(label: Label, findings: readonly Pick<Finding, 'detector' | 'confidentiality'>[]): Label {
  let raised = label;
  for (const f of findings) raised = joinLabels(raised, raiseFor(f));
  return raised;
}

function raiseFor(f: Pick<Finding, 'detector' | 'confidentiality'>): Label {
  return f.confidentiality !== undefined ? { ...TRUSTED, confidentiality: f.confidentiality } : untrusted(`finding:${f.detector}`);
}

/** `$.name…` → `name` (the top-level argument a finding's field path is in). */
function argumentOf(field: string): string | undefined {
  const match = /^\$\.([^.[]+)/.exec(field);
  return match?.[1];
}
