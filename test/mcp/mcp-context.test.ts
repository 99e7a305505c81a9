import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MCP_NOT_INITIALIZED, MCP_POLICY_REFUSED } from '../../src/mcp/refusal.js';
import { TASK_META_KEY } from '../../src/mcp/task-meta.js';
import { McpTestSystem, refusal } from './support.js';

// `mass mcp-proxy` processes on one store share the agent's task context: an injection read
// through one server taints a payment through another, in another process.

const CRASHING = fileURLToPath(new URL('./crashing-server.mjs', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/mass.js', import.meta.url));
const require = createRequire(import.meta.url);
const FS_SERVER = join(dirname(require.resolve('@modelcontextprotocol/server-filesystem/package.json')), 'dist', 'index.js');

const POLICY = `@id("support-tools")
permit (principal == Agent::"support", action == Action::"call", resource)
when { resource == Tool::"fs/read_text_file" || resource == Tool::"pay/echo" };

// pay/echo stands for a payment: its arguments must not come from untrusted content.
@id("no-untrusted-payment")
forbid (principal, action == Action::"call", resource == Tool::"pay/echo")
when { context.control == "untrusted" };
`;

const IBAN = 'DE44 5001 0517 5407 3249 31';
let system: McpTestSystem;
let data = '';

before(async () => {
  system = await McpTestSystem.create(
    { fs: { command: [process.execPath, FS_SERVER, 'data'], output: 'untrusted' }, pay: { command: [process.execPath, CRASHING], output: 'trusted' } },
    POLICY,
  );
  data = join(system.dir, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'page.txt'), `Northwind Supplies. Our bank account is IBAN ${IBAN}.`);
});
after(() => system.remove());

test('injection read via server A in one mass mcp-proxy process, payment via server B in another on the same store: refused', async () => {
  const reader = await system.connect('fs');
  const payer = await system.connect('pay');
  try {
    const task = { _meta: { [TASK_META_KEY]: { request: 'Look up the supplier page' } } };
    // Before anything is read, the payment process sees a clean task.
    assert.deepEqual((await payer.callTool({ name: 'echo', arguments: { text: 'ping' }, ...task })).content, [{ type: 'text', text: 'ping' }]);
    await reader.callTool({ name: 'read_text_file', arguments: { path: join(data, 'page.txt') } });
    const error = await refusal(payer.callTool({ name: 'echo', arguments: { text: IBAN } }));
    assert.equal(error.code, MCP_POLICY_REFUSED);
    assert.equal((error.data as { code: string }).code, 'POLICY_DENIED');
    assert.deepEqual((error.data as { policy_ids: string[] }).policy_ids, ['no-untrusted-payment']);
    // The payer's host starts a new task with the user's request naming the account: permitted.
    const paid = await payer.callTool({
      name: 'echo',
      arguments: { text: IBAN },
      _meta: { [TASK_META_KEY]: { request: `Pay the Northwind invoice to ${IBAN}` } },
    });
    assert.deepEqual(paid.content, [{ type: 'text', text: IBAN }]);
  } finally {
    await reader.close();
    await payer.close();
  }
  const log = await system.cli(['log', 'show', '--json']);
  assert.match(log.stdout, /"operation":"task\.start"/);
});

test('mass mcp-proxy refuses tools/call and tools/list before a completed initialize', async () => {
  const child = spawn(process.execPath, [BIN, 'mcp-proxy', '--agent', 'support', '--server', 'pay'], { cwd: system.dir, stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const ask = async (message: unknown) => {
      child.stdin.write(`${JSON.stringify(message)}\n`);
      const next = await lines.next();
      return JSON.parse(String(next.value)) as { id: number; error?: { code: number }; result?: unknown };
    };
    const call = await ask({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } });
    assert.equal(call.error?.code, MCP_NOT_INITIALIZED, JSON.stringify(call));
    const list = await ask({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    assert.equal(list.error?.code, MCP_NOT_INITIALIZED, JSON.stringify(list));
    const init = await ask({
      jsonrpc: '2.0',
      id: 3,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    assert.ok(init.result !== undefined, JSON.stringify(init));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    const after = await ask({ jsonrpc: '2.0', id: 4, method: 'tools/list', params: {} });
    assert.ok(after.result !== undefined, JSON.stringify(after));
  } finally {
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
