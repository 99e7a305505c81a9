/**
 * The kinds of crossing the mediator sees, and what each kind is, as data (docs/ARCHITECTURE.md:
 * the pipeline; how to add a kind). The rules of a kind that need configuration or labels (its
 * structural check, its output label) are in `mediator/kind-rules.ts`; what performing it means is
 * in `mediator/effect-router.ts`. Both are typed over `ActionKind`, so a kind added here is a
 * compile error until every table has its entry.
 */
export const ACTION_KINDS = ['message', 'tool', 'memory.read', 'memory.write', 'delegate', 'declassify'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export function isActionKind(value: unknown): value is ActionKind {
  return typeof value === 'string' && (ACTION_KINDS as readonly string[]).includes(value);
}

/** The Cedar actions of the generated schema (policy/cedar-schema.ts). */
export type CedarActionName = 'call' | 'send' | 'read' | 'write' | 'delegate' | 'declassify';
/** The Cedar entity types an action's target is. */
export type ResourceType = 'Tool' | 'Agent' | 'Memory';
/** The actions a capability may grant (capability/capability.ts `CAPABILITY_ACTIONS`). */
export type GrantableAction = 'call' | 'send' | 'read' | 'write' | 'delegate';
/** What an envelope's audience names: `agent:<id>`, `tool:<name>`, `memory:<namespace>`. */
export type AudiencePrefix = 'agent' | 'tool' | 'memory';

/** One action kind, as data. */
export interface ActionKindSpec {
  /** The audience an envelope for this kind carries is `<audience>:<target>`. */
  readonly audience: AudiencePrefix;
  /** The Cedar action it is decided as. */
  readonly cedarAction: CedarActionName;
  /** The Cedar entity type of its target. */
  readonly resourceType: ResourceType;
  /**
   * Whom it hands its body to as content: an agent (a message, a delegation: the recipient acts
   * on it), memory (a write, read later), or nobody (a tool call's output is the tool's result, a
   * memory read's the namespace's, a declassification's the task's lowered label). Content that
   * is delivered has its output label raised by what the detectors found in it.
   */
  readonly delivers: 'agent' | 'memory' | null;
  /** The capability action that grants it in a delegation chain; null: no capability grants it. */
  readonly capabilityAction: GrantableAction | null;
}

/** Every kind's spec: one entry per kind, checked by the compiler. */
export const ACTION_KIND_SPECS: { readonly [K in ActionKind]: ActionKindSpec } = {
  message: { audience: 'agent', cedarAction: 'send', resourceType: 'Agent', delivers: 'agent', capabilityAction: 'send' },
  tool: { audience: 'tool', cedarAction: 'call', resourceType: 'Tool', delivers: null, capabilityAction: 'call' },
  'memory.read': { audience: 'memory', cedarAction: 'read', resourceType: 'Memory', delivers: null, capabilityAction: 'read' },
  'memory.write': { audience: 'memory', cedarAction: 'write', resourceType: 'Memory', delivers: 'memory', capabilityAction: 'write' },
  delegate: { audience: 'agent', cedarAction: 'delegate', resourceType: 'Agent', delivers: 'agent', capabilityAction: 'delegate' },
  // Lowering one's own task label is decided by policy alone; no delegated capability confers it.
  declassify: { audience: 'agent', cedarAction: 'declassify', resourceType: 'Agent', delivers: null, capabilityAction: null },
};

/** The audience string an envelope for `kind` on `target` must carry: `agent:<id>`, `tool:<name>`, `memory:<ns>`. */
export function audienceOf(kind: ActionKind, target: string): string {
  return `${ACTION_KIND_SPECS[kind].audience}:${target}`;
}
