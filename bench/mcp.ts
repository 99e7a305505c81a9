// Added latency of the MCP gateway: the same tools/call made directly on a stdio MCP server and
// through `mass mcp-proxy` (identity, labels, detectors, Cedar decision, durable audit-log record).
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { run } from '../src/cli/main.js';
import { measure, type Measurement } from './measure.js';

const BIN = fileURLToPath(new URL('../bin/mass.js', import.meta.url));
const SERVER = fileURLToPath(new URL('../test/mcp/crashing-server.mjs', import.meta.url));

export interface McpBenchResult {
  readonly direct: Measurement;
  readonly proxied: Measurement;
}

async function connect(command: string, args: string[], cwd: string): Promise<Client> {
  const client = new Client({ name: 'mass-bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command, args, cwd, stderr: 'ignore' }));
  return client;
}

export async function runMcpBench(options: { iterations: number }): Promise<McpBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mass-bench-mcp-'));
  const quiet = { cwd: dir, out: () => undefined, err: () => undefined, stdin: Readable.from(['']) };
  try {
    if ((await run(['init'], quiet)) !== 0) throw new Error('mass init failed');
    appendFileSync(join(dir, 'mass.yaml'), `\nmcpServers:\n  echo: { command: ${JSON.stringify([process.execPath, SERVER])}, output: untrusted }\n`);
    writeFileSync(join(dir, 'policies', 'bench.cedar'), 'permit (principal == Agent::"support", action == Action::"call", resource == Tool::"echo/echo");\n');
    const args = { text: 'the quarterly numbers are attached; please check the totals before Thursday' };
    const direct = await connect(process.execPath, [SERVER], dir);
    const proxied = await connect(process.execPath, [BIN, 'mcp-proxy', '--agent', 'support', '--server', 'echo'], dir);
    try {
      await proxied.listTools(); // pins the tool, as a client does before calling
      return {
        direct: await measure('tools/call direct (SDK client → stdio server)', options.iterations, () => direct.callTool({ name: 'echo', arguments: args })),
        proxied: await measure('tools/call through mass mcp-proxy', options.iterations, () => proxied.callTool({ name: 'echo', arguments: args })),
      };
    } finally {
      await direct.close();
      await proxied.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
