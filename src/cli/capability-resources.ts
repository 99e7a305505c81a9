import type { Capability } from '../capability/capability.js';
import type { MassConfig } from '../config/load.js';
import type { MassConfigData } from '../config/schema.js';
import { MassError } from '../core/errors.js';
import { knownTools, type SeenMcpTools } from '../policy/unseen-tools.js';
import type { Store } from '../store/store.js';
import type { Io } from './io.js';
import { seenMcpTools } from './mcp-tool-warnings.js';

/**
 * What a capability's resource can name, checked when a token is issued or delegated: a grant
 * for a tool, agent or memory namespace the configuration does not declare can never be used, so
 * it is a typo — an error (RESOURCE_UNKNOWN), like an unknown entity in a policy. The one
 * exception is an MCP tool of a declared server that has not been seen yet: the server's tools
 * are only known once it lists them, so that is a warning listing the tools seen so far.
 * Wildcards follow the same rule: one that matches nothing declared is an error.
 */

export interface ResourceFindings {
  readonly errors: string[];
  readonly warnings: string[];
}

const SHOWN = 20;

function list(names: readonly string[]): string {
  if (names.length === 0) return 'none are declared';
  return `declared: ${names.slice(0, SHOWN).join(', ')}${names.length > SHOWN ? `, … (${names.length - SHOWN} more)` : ''}`;
}

function covers(resource: string, name: string): boolean {
  return resource.endsWith('*') ? name.startsWith(resource.slice(0, -1)) : name === resource;
}

/** The findings for one capability; `what` names it in messages (`--cap[0]`). */
export function capabilityResourceFindings(capability: Capability, what: string, config: MassConfigData, seen: SeenMcpTools): ResourceFindings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const { action, resource } = capability;
  const shown = JSON.stringify(resource);
  if (action === 'send' || action === 'delegate' || action === 'read' || action === 'write') {
    const [kind, section, names] =
      action === 'read' || action === 'write' ? ['memory namespace', 'memory', Object.keys(config.memory)] : ['agent', 'agents', Object.keys(config.agents)];
    if (!names.some((n) => covers(resource, n))) {
      errors.push(
        `${what}: ${action} on ${shown}: ${resource.endsWith('*') ? `matches no ${kind}` : `no ${kind} of that name`} under ${section} (${list(names)})`,
      );
    }
    return { errors, warnings };
  }
  // action === 'call': declared tools, and <server>/<tool> of declared MCP servers.
  const tools = Object.keys(config.tools);
  if (tools.some((t) => covers(resource, t))) return { errors, warnings };
  const prefix = resource.endsWith('*') ? resource.slice(0, -1) : resource;
  for (const server of Object.keys(config.mcpServers)) {
    const namespace = `${server}/`;
    // `f*` or `fs/*`: covers every tool the server has or will have.
    if (resource.endsWith('*') && namespace.startsWith(prefix)) return { errors, warnings };
    if (!prefix.startsWith(namespace) || prefix === namespace) continue;
    const known = seen.get(server) ?? [];
    if (!known.some((tool) => covers(resource, `${namespace}${tool}`))) {
      warnings.push(
        `${what}: call on ${shown}: ${resource.endsWith('*') ? 'matches no tool' : 'no tool of that name'} seen on MCP server "${server}" (${knownTools(server, known)})`,
      );
    }
    return { errors, warnings };
  }
  const servers = Object.keys(config.mcpServers);
  errors.push(
    `${what}: call on ${shown}: ${resource.endsWith('*') ? 'matches no tool' : 'no tool of that name'} under tools (${list(tools)})` +
      (servers.length > 0 ? ` nor <server>/<tool> of an mcpServers entry (${servers.join(', ')})` : ''),
  );
  return { errors, warnings };
}

/**
 * Checks the `--cap` list of `mass cap issue|delegate`: prints warnings on stderr, and throws
 * RESOURCE_UNKNOWN naming every capability that can never be used.
 */
export async function checkCapabilityResources(io: Io, config: MassConfig, store: Store, capabilities: readonly Capability[]): Promise<void> {
  const seen = await seenMcpTools(store, config);
  const errors: string[] = [];
  capabilities.forEach((capability, i) => {
    const found = capabilityResourceFindings(capability, `--cap[${i}]`, config.data, seen);
    for (const warning of found.warnings) io.err(`mass: warning: ${warning}\n`);
    errors.push(...found.errors);
  });
  if (errors.length === 1) throw new MassError('RESOURCE_UNKNOWN', `${errors[0]} in ${config.file}`);
  if (errors.length > 1) throw new MassError('RESOURCE_UNKNOWN', `capabilities naming nothing in ${config.file}:\n${errors.map((e) => `  ${e}`).join('\n')}`);
}
