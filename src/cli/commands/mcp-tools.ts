import { openAuditLog } from '../../audit/open-log.js';
import { systemClock } from '../../core/clock.js';
import { MassError } from '../../core/errors.js';
import { ToolPins } from '../../mcp/pins.js';
import { statusOf } from '../../store/mcp-tool-status.js';
import { loadCommandConfig, withStore } from '../context.js';
import type { Io } from '../io.js';

/** `mass mcp approve SERVER TOOL`: accepts the definition of TOOL last seen on SERVER (after a change or a detector block). */
export async function mcpApproveCommand(io: Io, configOption: string | undefined, server: string, tool: string): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  if (!Object.hasOwn(config.data.mcpServers, server))
    throw new MassError('CONFIG_INVALID', `MCP server "${server}" is not declared under mcpServers in ${config.file}`);
  await withStore(config, async (store) => {
    const log = await openAuditLog(config, store);
    const pins = new ToolPins({ table: store.mcpTools, log, clock: systemClock });
    let approved;
    try {
      approved = await pins.approve(server, tool, 'cli');
    } finally {
      await log.close();
    }
    io.out(`approved ${server}/${tool}: definition ${approved.seenHash}\n`);
  });
}

/** `mass mcp tools [SERVER] [--json]`: every MCP tool seen, with whether it may be used. */
export async function mcpToolsCommand(io: Io, configOption: string | undefined, server: string | undefined, json: boolean): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  await withStore(config, async (store) => {
    const records = await store.mcpTools.list(server);
    for (const r of records) {
      const status = statusOf(r);
      if (json)
        io.out(
          `${JSON.stringify({ server: r.server, tool: r.tool, status, seen_hash: r.seenHash, approved_hash: r.approvedHash, reason: r.reason, updated_at: r.updatedAt })}\n`,
        );
      else io.out(`${r.server}/${r.tool}  ${status}${r.reason === null ? '' : `  (${r.reason})`}\n`);
    }
    if (!json && records.length === 0) io.out('no MCP tools seen yet\n');
  });
}
