import './v8-workaround.js';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { MassConfigData } from '../config/schema.js';
import type { LoadedPolicy } from './load.js';
import { entityReferences } from './names.js';

/**
 * Policies naming MCP tools nobody has seen. `Tool::"fs/<tool>"` is valid for any tool name of a
 * declared server (its tools are only known once the server has listed them), so a policy naming
 * `Tool::"fs/nope"` loads — and never matches if the server has no such tool. These warnings say so,
 * listing the tools the store has pinned for that server. A warning, not an error: a tool may be
 * added upstream later, and a policy may be written before the server is first reached.
 */

/** The tools pinned so far, by MCP server name. */
export type SeenMcpTools = ReadonlyMap<string, readonly string[]>;

/** One warning per (policy, unseen tool), naming the policy's file and id. */
export function unseenMcpToolWarnings(policies: readonly LoadedPolicy[], config: MassConfigData, seen: SeenMcpTools): string[] {
  const warnings: string[] = [];
  for (const policy of policies) {
    const json = cedar.policyToJson(policy.text);
    if (json.type === 'failure') continue; // a loaded policy always parses
    const named = new Set<string>();
    for (const ref of entityReferences(json.json)) {
      if (ref.type !== 'Tool' || Object.hasOwn(config.tools, ref.id)) continue;
      const slash = ref.id.indexOf('/');
      if (slash <= 0) continue;
      const server = ref.id.slice(0, slash);
      const tool = ref.id.slice(slash + 1);
      if (!Object.hasOwn(config.mcpServers, server) || named.has(ref.id)) continue;
      named.add(ref.id);
      const known = seen.get(server) ?? [];
      if (known.includes(tool)) continue;
      warnings.push(`${policy.file}: policy "${policy.id}": Tool::"${ref.id}" has not been seen on MCP server "${server}" (${knownTools(server, known)})`);
    }
  }
  return warnings;
}

/** `known tools: a, b` or `no tools seen yet …`, for messages. */
export function knownTools(server: string, known: readonly string[]): string {
  if (known.length === 0) return `no tools of "${server}" seen yet: they are pinned when a client first lists them through the gateway or mcp-proxy`;
  const shown = known.slice(0, 20);
  return `known tools: ${shown.join(', ')}${known.length > shown.length ? `, … (${known.length - shown.length} more)` : ''}`;
}
