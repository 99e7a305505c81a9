import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeEntry, type LogEntry } from '../../src/audit/entry.js';
import { verifyLog } from '../../src/audit/verify-log.js';
import { issueCertificate } from '../../src/ca/issue.js';
import { issueRoot } from '../../src/capability/issue.js';
import { loadOwnerSigningKey } from '../../src/capability/owner.js';
import { run } from '../../src/cli/main.js';
import { loadConfigFile } from '../../src/config/load.js';
import { startUp, type GatewayRuntime } from '../../src/gateway/up.js';
import { MCP_POLICY_REFUSED } from '../../src/mcp/refusal.js';
import { startHttpMcpServer, type TestHttpMcpServer } from './http-mcp-server.js';
import { connect, httpsFetch, INITIALIZE, post, refusal, type ClientTls } from './mcp-support.js';
import { logRows } from '../store/log-rows.js';

// Issue 05, item 2: `mass up` serves `/mcp/<server>` over Streamable HTTP. Real mutual TLS on
// 127.0.0.1, the SDK's client, the real filesystem server (stdio upstream) and an in-process SDK
// HTTP server (URL upstream).

const require = createRequire(import.meta.url);
const FS_SERVER = join(dirname(require.resolve('@modelcontextprotocol/server-filesystem/package.json')), 'dist', 'index.js');

const POLICY = `@id("support-reads-files")
permit (principal == Agent::"support", action == Action::"call", resource)
when { resource == Tool::"fs/read_text_file" || resource == Tool::"fs/list_directory" };

@id("billing-reads-files")
permit (principal == Agent::"billing", action == Action::"call", resource)
when { resource == Tool::"fs/read_text_file" || resource == Tool::"fs/list_directory" };

@id("billing-echoes")
permit (principal == Agent::"billing", action == Action::"call", resource == Tool::"web/echo");
`;

let dir = '';
let data = '';
let web: TestHttpMcpServer;
let gateway: GatewayRuntime;
let issuedChain = '';
const diagnostics: string[] = [];

before(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'mass-mcp-http-')));
  data = join(dir, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'hello.txt'), 'hello over https\n');
  web = await startHttpMcpServer();
  assert.equal(await run(['init'], { cwd: dir, out: () => undefined, err: () => undefined }), 0);
  appendFileSync(
    join(dir, 'mass.yaml'),
    `\nmcpServers:\n  fs: { command: ${JSON.stringify([process.execPath, FS_SERVER, data])}, output: untrusted }\n  web: { url: "${web.url}", output: untrusted }\n`,
  );
  writeFileSync(join(dir, 'policies', 'mcp.cedar'), POLICY);
  gateway = await startUp(loadConfigFile(join(dir, 'mass.yaml')), { host: '127.0.0.1', port: 0, mcp: { log: (line) => diagnostics.push(line) } });
});

after(async () => {
  await gateway.close();
  await web.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tlsOf(subject: { agent: string } | { gateway: true } | null): Promise<ClientTls> {
  const issued = await issueCertificate(gateway.mesh.store, gateway.mesh.config, subject ?? { agent: 'router' });
  return subject === null ? { ca: issued.caPem } : { ca: issued.caPem, cert: issued.certificatePem, key: issued.privateKeyPem };
}

async function entries(): Promise<LogEntry[]> {
  return (await logRows(gateway.mesh.store, 0, gateway.mesh.log.size)).map((r) => decodeEntry(r.entry));
}

test('an agent over mTLS sees only permitted tools; a permitted call works; a forbidden one is refused and never reaches the server', async () => {
  const { client } = await connect(gateway.url, 'fs', await tlsOf({ agent: 'support' }));
  try {
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name).sort(), ['list_directory', 'read_text_file']);
    const read = await client.callTool({ name: 'read_text_file', arguments: { path: join(data, 'hello.txt') } });
    assert.deepEqual(read.content, [{ type: 'text', text: 'hello over https\n' }]);
    const target = join(data, 'pwned.txt');
    const error = await refusal(client.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } }));
    assert.equal(error.code, MCP_POLICY_REFUSED);
    assert.equal((error.data as { code: string }).code, 'POLICY_DENIED');
    assert.equal((error.data as { decision: string }).decision, 'deny');
    assert.equal(existsSync(target), false);
  } finally {
    await client.close();
  }
});

test('no identity is 401: neither a client certificate of an agent nor a token', async () => {
  // The gateway's own certificate passes the handshake but names no agent.
  const r = await post(`${gateway.url}/mcp/fs`, await tlsOf({ gateway: true }), INITIALIZE);
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'UNAUTHENTICATED');
});

test('an unknown server is 404, after authentication', async () => {
  const r = await post(`${gateway.url}/mcp/nope`, await tlsOf({ agent: 'support' }), INITIALIZE);
  assert.equal(r.status, 404);
  assert.equal(r.json.code, 'NOT_FOUND');
  assert.equal((await post(`${gateway.url}/mcp/nope`, await tlsOf({ gateway: true }), INITIALIZE)).status, 401);
});

test('a capability-token session acts within its chain only (CAPABILITY_EXCEEDED beyond it, where policy would allow)', async () => {
  const owner = await loadOwnerSigningKey(gateway.mesh.store);
  const chain = issueRoot(owner, { to: 'billing', att: [{ action: 'call', resource: 'fs/list_directory' }] });
  issuedChain = chain;
  const { client } = await connect(gateway.url, 'fs', await tlsOf({ agent: 'billing' }), { chain, key: await gateway.mesh.registry.signingKey('billing') });
  try {
    const listing = await client.callTool({ name: 'list_directory', arguments: { path: data } });
    assert.match(JSON.stringify(listing.content), /hello\.txt/);
    const error = await refusal(client.callTool({ name: 'read_text_file', arguments: { path: join(data, 'hello.txt') } }));
    assert.equal(error.code, MCP_POLICY_REFUSED);
    assert.equal((error.data as { code: string }).code, 'CAPABILITY_EXCEEDED');
  } finally {
    await client.close();
  }
  // The chain is billing's; support's certificate beside it names someone else.
  const mismatch = await post(`${gateway.url}/mcp/fs`, await tlsOf({ agent: 'support' }), INITIALIZE, { authorization: `Bearer ${chain}` });
  assert.equal(mismatch.status, 401);
  assert.equal(mismatch.json.code, 'PEER_MISMATCH');
  const forged = await post(`${gateway.url}/mcp/fs`, await tlsOf({ agent: 'billing' }), INITIALIZE, { authorization: `Bearer ${chain.slice(0, -4)}AAAA` });
  assert.equal(forged.status, 401);
  assert.equal(forged.json.code, 'SIGNATURE_INVALID');
});

test('a URL upstream works through the route; a forbidden tool is hidden, refused and never reached', async () => {
  const { client } = await connect(gateway.url, 'web', await tlsOf({ agent: 'billing' }));
  try {
    assert.deepEqual(
      (await client.listTools()).tools.map((t) => t.name),
      ['echo'],
    );
    const echo = await client.callTool({ name: 'echo', arguments: { text: 'over two hops' } });
    assert.deepEqual(echo.content, [{ type: 'text', text: 'over two hops' }]);
    const error = await refusal(client.callTool({ name: 'wipe', arguments: {} }));
    assert.equal((error.data as { code: string }).code, 'POLICY_DENIED');
    assert.equal(web.calls.get('wipe'), undefined);
  } finally {
    await client.close();
  }
});

test('a session opened by one agent is refused to another (404, never served, recorded)', async () => {
  const billing = await connect(gateway.url, 'web', await tlsOf({ agent: 'billing' }));
  try {
    const echoes = web.calls.get('echo') ?? 0;
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hijack' } } };
    const headers = { 'mcp-session-id': billing.sessionId, 'mcp-protocol-version': '2025-06-18' };
    const r = await post(`${gateway.url}/mcp/web`, await tlsOf({ agent: 'router' }), call, headers);
    assert.equal(r.status, 404);
    assert.equal(r.json.code, 'SESSION_UNKNOWN');
    assert.equal(web.calls.get('echo') ?? 0, echoes);
    // The owner still uses it.
    assert.deepEqual((await billing.client.callTool({ name: 'echo', arguments: { text: 'mine' } })).content, [{ type: 'text', text: 'mine' }]);
    await gateway.mesh.log.flush();
    assert.ok((await entries()).some((e) => e.kind === 'admin' && e.operation === 'mcp.session.refused' && e.actor === 'router'));
  } finally {
    await billing.client.close();
  }
});

test('DELETE closes a session; GET (no SSE stream) is 405; bodies are bounded', async () => {
  const tls = await tlsOf({ agent: 'billing' });
  const { client, transport, sessionId } = await connect(gateway.url, 'web', tls);
  const open = gateway.mcp.sessions;
  await transport.terminateSession();
  assert.equal(gateway.mcp.sessions, open - 1);
  const ping = { jsonrpc: '2.0', id: 2, method: 'ping' };
  const after = await post(`${gateway.url}/mcp/web`, tls, ping, { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
  assert.equal(after.status, 404);
  await client.close();
  const get = await httpsFetch(tls)(`${gateway.url}/mcp/web`, { method: 'GET', headers: { accept: 'text/event-stream' } });
  assert.equal(get.status, 405);
  await get.body?.cancel();
  const big = await post(`${gateway.url}/mcp/web`, tls, JSON.stringify({ ...INITIALIZE, padding: 'x'.repeat(2 * 1024 * 1024) }));
  assert.equal(big.status, 413);
  assert.equal(big.json.code, 'REQUEST_MALFORMED', 'the app-wide body limit answered, before the MCP transport');
});

test('the decisions are in the audit log, and the log verifies', async () => {
  await gateway.mesh.log.flush();
  const all = await entries();
  const denial = all.find((e) => e.kind === 'denial' && e.resource === 'fs/write_file');
  assert.ok(denial && denial.kind === 'denial' && denial.actor === 'support', 'the refused write_file');
  const exceeded = all.find((e) => e.kind === 'denial' && e.resource === 'fs/read_text_file' && e.actor === 'billing');
  assert.ok(exceeded, 'the call beyond the chain');
  assert.ok(
    all.some((e) => e.kind === 'outcome' && e.resource === 'web/echo'),
    'the call through the URL upstream',
  );
  assert.ok(all.some((e) => e.kind === 'denial' && e.resource === 'web/wipe'));
  assert.ok(all.some((e) => e.kind === 'admin' && e.operation === 'mcp.session.open' && e.actor === 'support'));
  await gateway.mesh.log.checkpoint();
  const verified = await verifyLog(gateway.mesh.store, gateway.mesh.log.origin, gateway.mesh.log.verifier);
  assert.equal(verified.size, gateway.mesh.log.size);
  assert.ok(diagnostics.length > 0 && !diagnostics.some((line) => line.includes(issuedChain)), 'no token in diagnostics');
});
