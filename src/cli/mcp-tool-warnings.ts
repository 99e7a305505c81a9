import { existsSync } from 'node:fs';
import type { MassConfig } from '../config/load.js';
import { loadPolicySet, type LoadedPolicy } from '../policy/load.js';
import { unseenMcpToolWarnings, type SeenMcpTools } from '../policy/unseen-tools.js';
import { openStore, sqliteStorePath } from '../store/open.js';
import type { Store } from '../store/store.js';
import type { Io } from './io.js';

/** The tools the store has pinned for each MCP server the configuration declares. */
export async function seenMcpTools(store: Store, config: MassConfig): Promise<Map<string, string[]>> {
  const seen = new Map<string, string[]>();
  for (const server of Object.keys(config.data.mcpServers)) {
    seen.set(server, (await store.mcpTools.list(server)).map((r) => r.tool).sort());
  }
  return seen;
}

/**
 * The pinned tools, read without creating anything: a store that does not exist yet (before
 * `mass init`, or in memory) has seen no tools. For `mass check-config`, which changes nothing.
 */
export async function seenMcpToolsIfStored(config: MassConfig): Promise<SeenMcpTools> {
  if (Object.keys(config.data.mcpServers).length === 0) return new Map();
  const path = sqliteStorePath(config.data.store, config.dir);
  if (path === undefined || !existsSync(path)) return new Map();
  const store = await openStore(config.data.store, config.dir);
  try {
    return await seenMcpTools(store, config);
  } finally {
    await store.close();
  }
}

/** Prints on stderr one warning per policy naming an MCP tool never seen; returns how many. */
export function printUnseenMcpToolWarnings(
  io: Io,
  config: MassConfig,
  seen: SeenMcpTools,
  policies: readonly LoadedPolicy[] = loadPolicySet(config).policies,
): number {
  const warnings = unseenMcpToolWarnings(policies, config.data, seen);
  for (const warning of warnings) io.err(`mass: warning: ${warning}\n`);
  return warnings.length;
}

/**
 * For commands that run on an open store (`mass up`, `mass mcp-proxy`), after their policies
 * loaded: warns about policies naming unseen MCP tools. Never throws — a warning that cannot be
 * computed must not leave the running command half-started — but says so.
 */
export async function warnUnseenMcpTools(io: Io, config: MassConfig, store: Store): Promise<void> {
  if (Object.keys(config.data.mcpServers).length === 0) return;
  try {
    printUnseenMcpToolWarnings(io, config, await seenMcpTools(store, config));
  } catch (error) {
    io.err(`mass: warning: could not check the MCP tools named by policies: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
