import { loadPolicySet } from '../../policy/load.js';
import { loadCommandConfig } from '../context.js';
import type { Io } from '../io.js';

/** Validates a configuration and its policies; prints a summary or throws naming what is wrong. */
export function checkConfigCommand(io: Io, file: string | undefined): void {
  const config = loadCommandConfig(io, file);
  const policies = loadPolicySet(config);
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
