import { ACTION_KIND_SPECS, type ActionKind } from '../core/actions.js';
import type { Finding, Labels } from './types.js';
import { joinLabels, TRUSTED, untrusted, type Label } from '../flow/label.js';
import { topLevelName } from '../flow/field-path.js';

/**
 * Whether an action of this kind hands its body to someone as content (`delivers` in the action-kind
 * table, core/actions.ts): a message or a delegation to the recipient, a memory write to later
 * readers. Their output label is the label the content is delivered or stored with, so what the
 * detectors found in the body raises it.
 */
export function deliversBody(kind: ActionKind): boolean {
  return ACTION_KIND_SPECS[kind].delivers !== null;
}

/**
 * What detector findings do to labels: a finding that carries a confidentiality level (a secret, a
 * card number) raises the content to that level; any other finding (an injection, a replicated
 * instruction block, a poisoned description) makes it untrusted, with `finding:<detector>` as a
 * source. The action's label is raised, so is the label of the argument the finding is in (of every
 * argument when it names none), and so is the output label of an action that delivers its body
 * (deliversBody): a recipient never reads content with a label lower than what was found in it.
 * Findings only ever raise labels.
 */
export function applyFindings(labels: Labels, findings: readonly Finding[], kind: ActionKind): Labels {
  if (findings.length === 0) return labels;
  let action = labels.action;
  // No prototype: an argument named "__proto__" is an argument like any other, not a prototype.
  const args = Object.assign(Object.create(null) as Record<string, Label>, labels.args);
  for (const f of findings) {
    const raise = raiseFor(f);
    action = joinLabels(action, raise);
    const arg = topLevelName(f.field);
    if (arg !== undefined && Object.hasOwn(args, arg)) {
      args[arg] = joinLabels(args[arg] as Label, raise);
    } else {
      // A finding that names no argument (the whole body, a cut-off scan) raises every argument.
      for (const name of Object.keys(args)) args[name] = joinLabels(args[name] as Label, raise);
    }
  }
  return { action, args, output: deliversBody(kind) ? raiseLabel(labels.output, findings) : labels.output };
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
