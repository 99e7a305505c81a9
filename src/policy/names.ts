import type { MassConfigData } from '../config/schema.js';

/** An entity literal a policy mentions, e.g. `Tool::"transfer"`. */
export interface EntityReference {
  readonly type: string;
  readonly id: string;
}

/** Collects every entity literal in the JSON form of a Cedar policy (scope and conditions). */
export function entityReferences(policyJson: unknown): EntityReference[] {
  const found: EntityReference[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 200 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if ((key === '__entity' || key === 'entity') && isTypeAndId(value)) found.push({ type: value.type, id: value.id });
      else if (key === 'entities' && Array.isArray(value)) {
        for (const item of value) if (isTypeAndId(item)) found.push({ type: item.type, id: item.id });
        visit(value, depth + 1);
      } else visit(value, depth + 1);
    }
  };
  visit(policyJson, 0);
  return found;
}

function isTypeAndId(value: unknown): value is EntityReference {
  return (
    typeof value === 'object' && value !== null && typeof (value as EntityReference).type === 'string' && typeof (value as EntityReference).id === 'string'
  );
}

/**
 * Why a reference names nothing in the described system, or undefined if it does. A policy that
 * mentions `Tool::"trnsfer"` would otherwise never match and deny silently.
 */
export function unknownReason(ref: EntityReference, config: MassConfigData): string | undefined {
  switch (ref.type) {
    case 'Agent':
      return Object.hasOwn(config.agents, ref.id) ? undefined : `Agent::"${ref.id}" is not declared under agents`;
    case 'Role': {
      const roles = new Set(Object.values(config.agents).flatMap((a) => a.roles));
      return roles.has(ref.id) ? undefined : `Role::"${ref.id}" is not a role of any agent`;
    }
    case 'Tool': {
      if (Object.hasOwn(config.tools, ref.id)) return undefined;
      const slash = ref.id.indexOf('/');
      if (slash > 0 && Object.hasOwn(config.mcpServers, ref.id.slice(0, slash)) && slash < ref.id.length - 1) return undefined;
      return `Tool::"${ref.id}" is not declared under tools (or as <server>/<tool> of an mcpServers entry)`;
    }
    case 'Memory':
      return Object.hasOwn(config.memory, ref.id) ? undefined : `Memory::"${ref.id}" is not declared under memory`;
    case 'Action':
      return undefined; // checked by the Cedar validator against the schema's actions
    default:
      return `entity type ${ref.type} does not exist (Agent, Role, Tool, Memory, Action)`;
  }
}
