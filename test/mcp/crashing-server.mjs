// A small stdio MCP server that misbehaves on purpose (issue 05): `crash` kills the process in the
// middle of the call, before answering; `hang` never answers; `echo` answers normally. Plain JS, so that the proxy can
// spawn it with `node` from any directory.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

serveStdio(() => {
  const server = new McpServer({ name: 'crashing-server', version: '1.0.0' });
  server.registerTool('echo', { description: 'echoes its text', inputSchema: z.object({ text: z.string() }) }, ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  server.registerTool('crash', { description: 'exits before answering', inputSchema: z.object({}) }, () => {
    process.exit(3);
  });
  server.registerTool('hang', { description: 'never answers', inputSchema: z.object({}) }, () => new Promise(() => {}));
  return server;
});
