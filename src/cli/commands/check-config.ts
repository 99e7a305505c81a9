import { MassError } from '../../core/errors.js';
import { loadPolicySet } from '../../policy/load.js';
import { storeUrlProblem } from '../../store/open.js';
import { loadCommandConfig } from '../context.js';
import type { Io } from '../io.js';
import { printUnseenMcpToolWarnings, seenMcpToolsIfStored } from '../mcp-tool-warnings.js';

/**
 * Validates a configuration and its policies; prints a summary or throws naming what is wrong.
 * Agrees with every other command: a store this version cannot open is an error here too.
 * Policies naming MCP tools never seen are warnings (stderr), listing the tools that were.
 */
export async function checkConfigCommand(io: Io, file: string | undefined): Promise<void> {
  const config = loadCommandConfig(io, file);
  const storeProblem = storeUrlProblem(config.data.store);
  if (storeProblem !== undefined) throw new MassError('STORE_UNSUPPORTED', `${config.file}: store: ${storeProblem}`);
  const policies = loadPolicySet(config);
  printUnseenMcpToolWarnings(io, config, await seenMcpToolsIfStored(config), policies.policies);
  const d = config.data;
  io.out(
    `${config.file}: ok — ${count(d.agents, 'agent')}, ${count(d.tools, 'tool')}, ${count(d.mcpServers, 'MCP server')}, ` +
      `${plural(d.channels.length, 'channel')}, ${count(d.memory, 'memory namespace')}, ${plural(policies.policies.length, 'policy', 'policies')} ` +
      `(${policies.policies.filter((p) => p.requiresApproval).length} with @approval)\n`,
  );
}

function count(record: object, noun: string): string {
  return plural(Object.keys(record).length, noun);
}

function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}
