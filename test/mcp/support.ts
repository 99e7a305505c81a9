import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client, ProtocolError } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

const BIN = fileURLToPath(new URL('../../bin/mass.js', import.meta.url));

type Servers = Record<string, { command: readonly string[]; output: 'trusted' | 'untrusted' }>;

/**
 * A system made by `mass init` in a temporary directory, plus MCP servers and a policy file; MCP
 * clients (the SDK's) reach its servers through `mass mcp-proxy` processes, as a real agent would.
 */
export class McpTestSystem {
  private constructor(readonly dir: string) {}

  /** `servers` (or a function of the system's directory giving them): name → `{ command, output }` added under mcpServers; `policy`: written to policies/mcp.cedar. */
  static async create(servers: Servers | ((dir: string) => Servers), policy: string): Promise<McpTestSystem> {
    const system = new McpTestSystem(realpathSync(mkdtempSync(join(tmpdir(), 'mass-mcp-'))));
    assert.equal((await system.cli(['init'])).status, 0);
    const declared = typeof servers === 'function' ? servers(system.dir) : servers;
    const lines = Object.entries(declared).map(([name, s]) => `  ${name}: { command: ${JSON.stringify(s.command)}, output: ${s.output} }\n`);
    appendFileSync(join(system.dir, 'mass.yaml'), `\nmcpServers:\n${lines.join('')}`);
    writeFileSync(join(system.dir, 'policies', 'mcp.cedar'), policy);
    const check = await system.cli(['check-config']);
    assert.equal(check.status, 0, check.stderr);
    return system;
  }

  async cli(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const io: Io = { cwd: this.dir, out: (t) => (stdout += t), err: (t) => (stderr += t), stdin: Readable.from(['']) };
    const status = await run(argv, io);
    return { status, stdout, stderr };
  }

  /** The SDK's client, connected to `mass mcp-proxy` for `agent` in front of `server`. */
  async connect(server: string, options: { agent?: string; extra?: string[]; env?: Record<string, string> } = {}): Promise<Client> {
    const args = [BIN, 'mcp-proxy', '--agent', options.agent ?? 'support', '--server', server, ...(options.extra ?? [])];
    const env = { ...(process.env as Record<string, string>), ...options.env };
    const transport = new StdioClientTransport({ command: process.execPath, args, cwd: this.dir, stderr: 'pipe', env });
    const client = new Client({ name: 'mass-test', version: '1.0.0' });
    await client.connect(transport);
    return client;
  }

  /** The mediation entries of the audit log, read with `mass log show --json`. */
  async entries(agent = 'support'): Promise<Record<string, unknown>[]> {
    const show = await this.cli(['log', 'show', '--agent', agent, '--json']);
    assert.equal(show.status, 0, show.stderr);
    return show.stdout
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((line) => (JSON.parse(line) as { entry: Record<string, unknown> }).entry);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The JSON-RPC error a call ended with (fails the test if it succeeded). */
export async function refusal(promise: Promise<unknown>): Promise<ProtocolError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProtocolError, `expected a JSON-RPC error, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a JSON-RPC error');
}
