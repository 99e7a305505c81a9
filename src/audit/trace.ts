import type { Store } from '../store/store.js';
import { decodeEntry, type MediationLogEntry } from './entry.js';

/** One mediated action in a provenance tree, with the actions it led to. */
export interface TraceNode {
  readonly actionId: string;
  readonly actor: string | null;
  readonly action: string;
  readonly resource: string;
  /** allow, deny or approval (from the intent or denial entry); `failed` if the effect failed. */
  readonly verdict: string;
  readonly policies: readonly string[];
  readonly children: TraceNode[];
}

export interface Trace {
  /** The messages that led to the traced action (oldest first). */
  readonly ancestors: readonly { readonly agent: string; readonly action: string }[];
  readonly root: TraceNode;
}

/**
 * The tree of who delegated what to whom, from the audit log: the traced action, everything
 * derived from it (actions whose provenance path passes through it), and the path that led to it.
 * Returns undefined if no entry has that action id.
 */
export async function traceAction(store: Store, size: number, actionId: string): Promise<Trace | undefined> {
  const nodes = new Map<string, { entry: MediationLogEntry; verdict: string; parent: string | undefined; children: string[] }>();
  for await (const chunk of store.log.scan(0, size)) {
    for (const bytes of chunk.entries) {
      const entry = decodeEntry(bytes);
      if (entry.kind !== 'intent' && entry.kind !== 'denial' && entry.kind !== 'outcome') continue;
      const existing = nodes.get(entry.action_id);
      if (entry.kind === 'outcome') {
        if (existing !== undefined && (entry.outcome as { status?: string } | null)?.status === 'failed') existing.verdict = 'failed';
        continue;
      }
      const verdict = entry.kind === 'denial' ? 'deny' : (entry.decision?.effect ?? 'allow');
      nodes.set(entry.action_id, { entry, verdict, parent: entry.path.at(-1)?.action, children: existing?.children ?? [] });
    }
  }
  for (const [id, node] of nodes) {
    if (node.parent !== undefined) nodes.get(node.parent)?.children.push(id);
  }
  const build = (id: string, depth: number): TraceNode | undefined => {
    const node = nodes.get(id);
    if (node === undefined || depth > 64) return undefined;
    return {
      actionId: id,
      actor: node.entry.actor,
      action: node.entry.action,
      resource: node.entry.resource,
      verdict: node.verdict,
      policies: node.entry.decision?.policies ?? [],
      children: node.children.map((child) => build(child, depth + 1)).filter((n): n is TraceNode => n !== undefined),
    };
  };
  const root = build(actionId, 0);
  if (root === undefined) return undefined;
  return { ancestors: nodes.get(actionId)?.entry.path ?? [], root };
}

/** The trace as indented lines, for the terminal. */
export function formatTrace(trace: Trace): string {
  const lines: string[] = [];
  for (const hop of trace.ancestors) lines.push(`  (from ${hop.agent}, action ${hop.action})`);
  const walk = (node: TraceNode, indent: string): void => {
    const policies = node.policies.length > 0 ? ` [${node.policies.join(', ')}]` : '';
    lines.push(`${indent}${node.actor ?? '(unverified)'} ${node.action} → ${node.resource}: ${node.verdict}${policies}  (${node.actionId})`);
    for (const child of node.children) walk(child, `${indent}  `);
  };
  walk(trace.root, '');
  return `${lines.join('\n')}\n`;
}
