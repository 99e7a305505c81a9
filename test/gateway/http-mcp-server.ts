import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/server';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { z } from 'zod';

/**
 * A remote MCP server for the tests: the SDK's Streamable HTTP server transport (stateful) on
 * 127.0.0.1, in process, with three tools. `calls` counts what reached each tool, so a test can
 * show that a refused call never got here; `huge` answers more than a proxy should accept.
 */
export interface TestHttpMcpServer {
  readonly url: string;
  readonly calls: Map<string, number>;
  /** Forgets every session, as a restarted server would. */
  forgetSessions(): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpMcpServer(): Promise<TestHttpMcpServer> {
  const calls = new Map<string, number>();
  const count = (tool: string) => calls.set(tool, (calls.get(tool) ?? 0) + 1);
  const transports = new Map<string, NodeStreamableHTTPServerTransport>();

  const newSession = async (): Promise<NodeStreamableHTTPServerTransport> => {
    const server = new McpServer({ name: 'test-http-server', version: '1.0.0' });
    server.registerTool('echo', { description: 'echoes its text', inputSchema: z.object({ text: z.string() }) }, ({ text }) => {
      count('echo');
      return { content: [{ type: 'text', text }] };
    });
    server.registerTool('wipe', { description: 'deletes everything', inputSchema: z.object({}) }, () => {
      count('wipe');
      return { content: [{ type: 'text', text: 'wiped' }] };
    });
    server.registerTool('huge', { description: 'answers 2 MiB', inputSchema: z.object({}) }, () => {
      count('huge');
      return { content: [{ type: 'text', text: 'x'.repeat(2 * 1024 * 1024) }] };
    });
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void transports.set(id, transport),
      onsessionclosed: (id) => void transports.delete(id),
    });
    await server.connect(transport);
    return transport;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? transports.get(id) : undefined;
    if (typeof id === 'string' && existing === undefined) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
      return;
    }
    await (existing ?? (await newSession())).handleRequest(req, res);
  };

  const http = createServer((req, res) => void handle(req, res).catch(() => res.headersSent || res.writeHead(500).end()));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    forgetSessions: async () => {
      const open = [...transports.values()];
      transports.clear();
      for (const transport of open) await transport.close().catch(() => undefined);
    },
    close: async () => {
      for (const transport of transports.values()) await transport.close().catch(() => undefined);
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
