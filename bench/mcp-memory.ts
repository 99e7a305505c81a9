// Memory of `mass up` under one authenticated client flooding `/mcp/<server>` with large results:
// the real gateway process, an upstream MCP server over HTTP that echoes 256K-character texts,
// and SDK clients over mutual TLS. Reports the gateway's peak resident set (VmHWM).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { run } from '../src/cli/main.js';
import { startHttpMcpServer } from '../test/gateway/http-mcp-server.js';
import { httpsFetch, type ClientTls } from '../test/gateway/mcp-support.js';

const BIN = fileURLToPath(new URL('../bin/mass.js', import.meta.url));
const AGENTS = ['support', 'router', 'billing'];

export interface McpMemoryBenchResult {
  readonly agents: number;
  readonly sessionsPerAgent: number;
  readonly callsPerSession: number;
  readonly resultChars: number;
  readonly calls: number;
  readonly refused: number;
  /** Refusals by MASS code (or JSON-RPC message when there is none). */
  readonly refusals: Readonly<Record<string, number>>;
  readonly idleRssMb: number;
  readonly peakRssMb: number;
}

/** One text of `chars` characters made of distinct numbers and words (the costliest to index). */
function largeText(chars: number, seed: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < chars; i++) {
    const part = i % 3 === 0 ? `${seed * 1_000_000 + i}` : i % 3 === 1 ? `w${(seed * 7919 + i) % 100_000}` : `DE${(seed + i) % 97}3704004405320130${i % 10}`;
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join(' ').slice(0, chars);
}

function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

export async function runMcpMemoryBench(options: { sessionsPerAgent: number; callsPerSession: number; resultChars: number }): Promise<McpMemoryBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mass-bench-memory-'));
  const quiet = { cwd: dir, out: () => undefined, err: () => undefined, stdin: Readable.from(['']) };
  const web = await startHttpMcpServer();
  let gateway: ReturnType<typeof spawn> | undefined;
  try {
    if ((await run(['init'], quiet)) !== 0) throw new Error('mass init failed');
    appendFileSync(join(dir, 'mass.yaml'), `\nmcpServers:\n  web: { url: "${web.url}", output: untrusted }\n`);
    writeFileSync(join(dir, 'policies', 'bench.cedar'), 'permit (principal, action == Action::"call", resource == Tool::"web/echo");\n');
    for (const agent of AGENTS) if ((await run(['ca', 'issue', agent, '--out', 'certs'], quiet)) !== 0) throw new Error(`mass ca issue ${agent} failed`);
    gateway = spawn(process.execPath, [BIN, 'up', '--host', '127.0.0.1', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    const child = gateway;
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`mass up exited (${String(code)})`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const found = /MASS gateway on (https:\/\/\S+)/.exec(line);
        if (found !== null) resolve(found[1]!);
      });
    });
    const pid = child.pid!;
    const idle = memoryOf(pid);
    const tls = (agent: string): ClientTls => ({
      ca: readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8'),
      cert: readFileSync(join(dir, 'certs', `${agent}.crt`), 'utf8'),
      key: readFileSync(join(dir, 'certs', `${agent}.key`), 'utf8'),
    });
    let calls = 0;
    let refused = 0;
    const refusals: Record<string, number> = {};
    let peakMb = idle.peakMb;
    const sample = setInterval(() => (peakMb = Math.max(peakMb, memoryOf(pid).peakMb)), 200);
    try {
      await Promise.all(
        AGENTS.map(async (agent, a) => {
          const clients = await Promise.all(
            Array.from({ length: options.sessionsPerAgent }, async () => {
              const client = new Client({ name: 'mass-bench', version: '1.0.0' });
              await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp/web`), { fetch: httpsFetch(tls(agent)) }));
              return client;
            }),
          );
          await Promise.all(
            clients.map(async (client, s) => {
              for (let i = 0; i < options.callsPerSession; i++) {
                const text = largeText(options.resultChars, a * 100_000 + s * 1000 + i);
                calls++;
                await client.callTool({ name: 'echo', arguments: { text } }).catch((error: unknown) => {
                  refused++;
                  const data = (error as { data?: { code?: unknown } }).data;
                  const code = typeof data?.code === 'string' ? data.code : error instanceof Error ? error.message.slice(0, 60) : 'unknown';
                  refusals[code] = (refusals[code] ?? 0) + 1;
                });
              }
            }),
          );
          await Promise.all(clients.map((c) => c.close()));
        }),
      );
    } finally {
      clearInterval(sample);
    }
    peakMb = Math.max(peakMb, memoryOf(pid).peakMb);
    return {
      agents: AGENTS.length,
      sessionsPerAgent: options.sessionsPerAgent,
      callsPerSession: options.callsPerSession,
      resultChars: options.resultChars,
      calls,
      refused,
      refusals,
      idleRssMb: idle.rssMb,
      peakRssMb: peakMb,
    };
  } finally {
    if (gateway !== undefined && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway!.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
    await web.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
