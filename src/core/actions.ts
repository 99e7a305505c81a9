/** The kinds of crossing the mediator sees (docs/ARCHITECTURE.md: the pipeline). */
export const ACTION_KINDS = ['message', 'tool', 'memory.read', 'memory.write', 'delegate', 'declassify'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export function isActionKind(value: unknown): value is ActionKind {
  return typeof value === 'string' && (ACTION_KINDS as readonly string[]).includes(value);
}

/** The Cedar action each kind is decided as. */
export const CEDAR_ACTION: Readonly<Record<ActionKind, string>> = {
  message: 'send',
  tool: 'call',
  'memory.read': 'read',
  'memory.write': 'write',
  delegate: 'delegate',
  declassify: 'declassify',
};

/** The audience string an envelope for `kind` on `target` must carry: `agent:<id>`, `tool:<name>`, `memory:<ns>`. */
export function audienceOf(kind: ActionKind, target: string): string {
  switch (kind) {
    case 'message':
    case 'delegate':
    case 'declassify':
      return `agent:${target}`;
    case 'tool':
      return `tool:${target}`;
    case 'memory.read':
    case 'memory.write':
      return `memory:${target}`;
  }
}
