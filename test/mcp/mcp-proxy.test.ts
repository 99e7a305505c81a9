import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MCP_POLICY_REFUSED, MCP_UPSTREAM_FAILED } from '../../src/mcp/refusal.js';
import { McpTestSystem, refusal } from './support.js';

// Acceptance tests of issue 05 (first slice): the real @modelcontextprotocol/server-filesystem and
// a server that crashes on purpose, driven by the SDK's client through `mass mcp-proxy` over stdio.

const CRASHING = fileURLToPath(new URL('./crashing-server.mjs', import.meta.url));
const require = createRequire(import.meta.url);
const FS_SERVER = join(dirname(require.resolve('@modelcontextprotocol/server-filesystem/package.json')), 'dist', 'index.js');

const POLICY = `// The support agent may read through the filesystem server, never write.
@id("support-reads-files")
permit (principal == Agent::"support", action == Action::"call", resource)
when { resource == Tool::"fs/read_text_file" || resource == Tool::"fs/list_directory" };

@id("support-uses-crashing-server")
permit (principal == Agent::"support", action == Action::"call", resource)
when { resource == Tool::"crashy/echo" || resource == Tool::"crashy/crash" || resource == Tool::"crashy/hang" };
`;

let system: McpTestSystem;
let data = '';

before(async () => {
  system = await McpTestSystem.create(
    { fs: { command: [process.execPath, FS_SERVER, 'data'], output: 'untrusted' }, crashy: { command: [process.execPath, CRASHING], output: 'trusted' } },
    POLICY,
  );
  data = join(system.dir, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'hello.txt'), 'hello from the data folder\n');
});
after(() => system.remove());

const cli = (argv: string[]) => system.cli(argv);
const connect = (server: string, extra: string[] = []) => system.connect(server, { extra });

test('filesystem server: write_file is hidden and refused, reads work, both decisions are logged', async () => {
  const client = await connect('fs');
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['list_directory', 'read_text_file']);

    const target = join(data, 'pwned.txt');
    const error = await refusal(client.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } }));
    assert.equal(error.code, MCP_POLICY_REFUSED);
    const errorData = error.data as Record<string, unknown>;
    assert.equal(errorData.decision, 'deny');
    assert.deepEqual(errorData.policy_ids, []);
    assert.equal(errorData.code, 'POLICY_DENIED');
    assert.match(String(errorData.reason), /no policy permits/);
    assert.equal(existsSync(target), false);

    const read = await client.callTool({ name: 'read_text_file', arguments: { path: join(data, 'hello.txt') } });
    assert.equal(read.isError, undefined);
    assert.deepEqual(read.content, [{ type: 'text', text: 'hello from the data folder\n' }]);
    const listing = await client.callTool({ name: 'list_directory', arguments: { path: data } });
    assert.match(JSON.stringify(listing.content), /\[FILE\] hello\.txt/);
  } finally {
    await client.close();
  }

  const show = await cli(['log', 'show', '--agent', 'support', '--json']);
  assert.equal(show.status, 0, show.stderr);
  const entries = show.stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { entry: Record<string, unknown> }).entry);
  const denial = entries.find((e) => e.kind === 'denial' && e.resource === 'fs/write_file');
  assert.ok(denial, 'the refused write_file is in the log');
  assert.equal((denial.decision as { effect: string }).effect, 'deny');
  const intent = entries.find((e) => e.kind === 'intent' && e.resource === 'fs/read_text_file');
  const outcome = entries.find((e) => e.kind === 'outcome' && e.resource === 'fs/read_text_file');
  assert.ok(intent && outcome, 'the permitted read has an intent and an outcome');
  assert.deepEqual((intent.decision as { policies: string[] }).policies, ['support-reads-files']);
  assert.equal((outcome.outcome as { status: string }).status, 'executed');
  // The result carries the server's output integrity (mcpServers.fs.output: untrusted).
  assert.equal((outcome.labels as { output: { integrity: string } }).output.integrity, 'untrusted');
  assert.equal(typeof intent.envelope_hash, 'string', 'the call was signed by the agent');

  const verify = await cli(['log', 'verify']);
  assert.equal(verify.status, 0, verify.stderr + verify.stdout);
});

test('an upstream that crashes mid-call: the call is refused, the proxy keeps serving', async () => {
  const client = await connect('crashy');
  try {
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name).sort(), ['crash', 'echo', 'hang']);
    const error = await refusal(client.callTool({ name: 'crash', arguments: {} }));
    assert.equal(error.code, MCP_UPSTREAM_FAILED, `${error.message} ${JSON.stringify(error.data)}`);
    assert.equal((error.data as { code: string }).code, 'EXECUTION_FAILED');

    // The proxy is still there: it starts the upstream again on the next request.
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name).sort(), ['crash', 'echo', 'hang']);
    const echo = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    assert.deepEqual(echo.content, [{ type: 'text', text: 'still here' }]);
  } finally {
    await client.close();
  }
  const show = await cli(['log', 'show', '--agent', 'support', '--json']);
  const failed = show.stdout
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { entry: Record<string, unknown> }).entry)
    .find((e) => e.kind === 'outcome' && e.resource === 'crashy/crash');
  assert.deepEqual(failed?.outcome, { status: 'failed', code: 'EXECUTION_FAILED' });
  assert.equal((await cli(['log', 'verify'])).status, 0);
});

test('an upstream that does not answer in time: the call is refused, the proxy keeps serving', async () => {
  // The upstream command given after `--` replaces mcpServers.crashy.command.
  const client = await connect('crashy', ['--timeout', '500', '--', process.execPath, CRASHING]);
  try {
    // The timeout also bounds starting the upstream; on a loaded machine that can take longer than
    // 500 ms, so the tools are listed (and pinned) first, retrying a bounded number of times: what
    // is under test is a call that hangs, not a slow start.
    for (let attempt = 0; attempt < 20; attempt++) {
      const listed = await client.listTools().catch(() => undefined);
      if (listed !== undefined && listed.tools.some((t) => t.name === 'hang')) break;
    }
    const error = await refusal(client.callTool({ name: 'hang', arguments: {} }));
    assert.equal(error.code, MCP_UPSTREAM_FAILED, error.message);
    assert.match(String((error.data as { reason: string }).reason), /timed out|timeout/i);
    const echo = await client.callTool({ name: 'echo', arguments: { text: 'after the timeout' } });
    assert.deepEqual(echo.content, [{ type: 'text', text: 'after the timeout' }]);
  } finally {
    await client.close();
  }
});
