import { MassError } from '../../core/errors.js';
import { McpProxy } from '../../mcp/proxy.js';
import { Upstream, type UpstreamOptions } from '../../mcp/upstream.js';
import { createMesh } from '../../mesh/mesh.js';
import { loadCommandConfig } from '../context.js';
import type { Io } from '../io.js';
import { warnUnseenMcpTools } from '../mcp-tool-warnings.js';

export interface McpProxyCommandOptions {
  readonly agent: string;
  readonly server: string;
  /** The upstream command given after `--` (overrides `mcpServers.<server>.command` or `.url`). */
  readonly command: readonly string[];
  readonly timeoutMs: number;
}

/**
 * `mass mcp-proxy --agent ID --server NAME [-- CMD ARGS...]`: an MCP server on this process's stdio,
 * in front of the upstream MCP server NAME — a command it starts (stdio), or `mcpServers.NAME.url`
 * (Streamable HTTP). Stdout carries MCP only; diagnostics go to stderr.
 * Runs until the client closes stdin, then stops the upstream, flushes the log and closes the store.
 */
export async function mcpProxyCommand(io: Io, configOption: string | undefined, options: McpProxyCommandOptions): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const declared = config.data.mcpServers[options.server];
  if (declared === undefined) throw new MassError('CONFIG_INVALID', `MCP server "${options.server}" is not declared under mcpServers in ${config.file}`);
  const [program, ...args] = options.command.length > 0 ? options.command : (declared.command ?? []);
  const where: UpstreamOptions | undefined =
    program !== undefined ? { command: [program, ...args], cwd: config.dir } : declared.url !== undefined ? { url: declared.url } : undefined;
  if (where === undefined) throw new MassError('CONFIG_INVALID', `MCP server "${options.server}" has neither a command nor a url`);
  if (!Object.hasOwn(config.data.agents, options.agent)) throw new MassError('AGENT_UNKNOWN', `agent "${options.agent}" is not declared in ${config.file}`);

  const mesh = await createMesh(config);
  await warnUnseenMcpTools(io, config, mesh.store);
  const upstream = new Upstream({
    ...where,
    timeoutMs: options.timeoutMs,
    onState: (state, detail) => io.err(`mass mcp-proxy: upstream "${options.server}" ${state}: ${detail}\n`),
  });
  const proxy = new McpProxy({ mesh, agent: options.agent, server: options.server, upstream, log: (line) => io.err(line) });
  try {
    const { handle, closed } = proxy.serveStdio(io.stdin ?? process.stdin, process.stdout);
    io.err(`mass mcp-proxy: serving "${options.server}" for agent "${options.agent}" on stdio\n`);
    await closed;
    await handle.close();
  } finally {
    await upstream.close().catch(() => undefined);
    await mesh.close();
  }
}
