import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { issueCertificate } from '../../src/ca/issue.js';
import { issueRoot } from '../../src/capability/issue.js';
import { loadOwnerSigningKey } from '../../src/capability/owner.js';
import { run } from '../../src/cli/main.js';
import { loadConfigFile } from '../../src/config/load.js';
import { createGatewayApp } from '../../src/gateway/app.js';
import { McpGateway, type McpGatewayOptions } from '../../src/gateway/mcp-route.js';
import { agentPeerOf, startUp, type GatewayRuntime } from '../../src/gateway/up.js';
import { Upstream, type UpstreamState } from '../../src/mcp/upstream.js';
import { startHttpMcpServer, type TestHttpMcpServer } from './http-mcp-server.js';
import { connect, INITIALIZE, post, refusal, type ClientTls } from './mcp-support.js';

// Issue 05, item 2: the bounds of `/mcp/<server>` (sessions per agent, in all, idle expiry), the
// capability token as the only credential, the URL upstream's own bounds, and `mass mcp-proxy`
// in front of a URL upstream.

const BIN = fileURLToPath(new URL('../../bin/mass.js', import.meta.url));
const POLICY = `@id("billing-echoes")
permit (principal == Agent::"billing", action == Action::"call", resource == Tool::"web/echo");
`;

let dir = '';
let web: TestHttpMcpServer;
let up: GatewayRuntime;
let ca = '';

async function initDir(prefix: string): Promise<string> {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  assert.equal(await run(['init'], { cwd: d, out: () => undefined, err: () => undefined }), 0);
  appendFileSync(join(d, 'mass.yaml'), `\nmcpServers:\n  web: { url: "${web.url}", output: untrusted }\n`);
  writeFileSync(join(d, 'policies', 'mcp.cedar'), POLICY);
  return d;
}

before(async () => {
  web = await startHttpMcpServer();
  dir = await initDir('mass-mcp-bounds-');
  up = await startUp(loadConfigFile(join(dir, 'mass.yaml')), { host: '127.0.0.1', port: 0 });
  ca = (await issueCertificate(up.mesh.store, up.mesh.config, { agent: 'router' })).caPem;
});

after(async () => {
  await up.close();
  await web.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The gateway app on `up`'s mesh with its own bounds (sessions, idle time), served over TLS that
 * asks for a client certificate but does not require one, as `mass up` does.
 */
async function serve(bounds: Omit<McpGatewayOptions, 'mesh'>): Promise<{ url: string; mcp: McpGateway; close: () => Promise<void> }> {
  const mcp = new McpGateway({ ...bounds, mesh: up.mesh });
  const app = createGatewayApp({
    mediator: up.mesh.mediator,
    mailbox: up.mesh.store.mailbox,
    peerOf: agentPeerOf(up.mesh.store, up.mesh.config.data.trustDomain),
    agents: up.mesh.registry,
    contexts: up.mesh.contexts,
    mcp,
  });
  const own = await issueCertificate(up.mesh.store, up.mesh.config, { gateway: true });
  const serverOptions = {
    key: own.privateKeyPem,
    cert: own.certificatePem,
    ca: own.caPem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.3' as const,
  };
  const server = createAdaptorServer({ fetch: app.fetch, createServer, serverOptions }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    mcp,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await mcp.close();
    },
  };
}

async function agentTls(agent: string): Promise<ClientTls> {
  const issued = await issueCertificate(up.mesh.store, up.mesh.config, { agent });
  return { ca, cert: issued.certificatePem, key: issued.privateKeyPem };
}

const ping = { jsonrpc: '2.0', id: 9, method: 'ping' };
const onSession = (id: string) => ({ 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' });

test('mass up without a client certificate: no token is 401; a capability token alone acts as its holder, within its chain', async () => {
  const gw = { url: up.url, close: () => Promise.resolve() }; // the real gateway: TLS asks for a certificate, the route decides
  try {
    const none = await post(`${gw.url}/mcp/web`, { ca }, INITIALIZE);
    assert.equal(none.status, 401);
    assert.equal(none.json.code, 'UNAUTHENTICATED');
    const chain = issueRoot(await loadOwnerSigningKey(up.mesh.store), { to: 'billing', att: [{ action: 'call', resource: 'web/echo' }] });
    const { client } = await connect(gw.url, 'web', { ca }, { chain, key: await up.mesh.registry.signingKey('billing') });
    try {
      assert.deepEqual(
        (await client.listTools()).tools.map((t) => t.name),
        ['echo'],
        'only what the chain covers is listed',
      );
      assert.deepEqual((await client.callTool({ name: 'echo', arguments: { text: 'token only' } })).content, [{ type: 'text', text: 'token only' }]);
      const error = await refusal(client.callTool({ name: 'wipe', arguments: {} }));
      assert.equal((error.data as { code: string }).code, 'CAPABILITY_EXCEEDED');
    } finally {
      await client.close();
    }
    const garbage = await post(`${gw.url}/mcp/web`, { ca }, INITIALIZE, { authorization: 'Bearer not a chain' });
    assert.equal(garbage.status, 401);
    assert.equal(garbage.json.code, 'TOKEN_MALFORMED');
  } finally {
    await gw.close();
  }
});

test('sessions per agent are bounded: opening one more closes that agent’s least recently used; others keep theirs', async () => {
  const gw = await serve({ maxSessionsPerAgent: 2, maxSessions: 3 });
  try {
    const billing = await agentTls('billing');
    const first = await connect(gw.url, 'web', billing);
    const second = await connect(gw.url, 'web', billing);
    const support = await connect(gw.url, 'web', await agentTls('support'));
    assert.equal(gw.mcp.sessions, 3);
    // In all: no room for a fourth agent's session, and nobody else's session is closed for it.
    const router = await post(`${gw.url}/mcp/web`, await agentTls('router'), INITIALIZE);
    assert.equal(router.status, 503);
    assert.equal(router.json.code, 'SESSION_LIMIT');
    // Per agent: billing's third session closes billing's least recently used one.
    assert.equal((await post(`${gw.url}/mcp/web`, billing, ping, onSession(second.sessionId))).status, 200);
    const third = await connect(gw.url, 'web', billing);
    assert.equal((await post(`${gw.url}/mcp/web`, billing, ping, onSession(first.sessionId))).status, 404);
    assert.equal((await post(`${gw.url}/mcp/web`, billing, ping, onSession(second.sessionId))).status, 200);
    assert.equal((await post(`${gw.url}/mcp/web`, await agentTls('support'), ping, onSession(support.sessionId))).status, 200);
    for (const s of [first, second, third, support]) await s.client.close();
  } finally {
    await gw.close();
  }
});

test('an idle session expires', async () => {
  const gw = await serve({ sessionIdleMs: 200 });
  try {
    const billing = await agentTls('billing');
    const { client, sessionId } = await connect(gw.url, 'web', billing);
    assert.equal((await post(`${gw.url}/mcp/web`, billing, ping, onSession(sessionId))).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(gw.mcp.sessions, 0);
    assert.equal((await post(`${gw.url}/mcp/web`, billing, ping, onSession(sessionId))).status, 404);
    await client.close();
  } finally {
    await gw.close();
  }
});

test('a revoked agent gets no session, and its open ones serve nothing more', async () => {
  const gw = await serve({});
  try {
    const router = await agentTls('router');
    const { client, sessionId } = await connect(gw.url, 'web', router);
    await up.mesh.registry.revoke('router', 'test');
    for (const [body, headers] of [
      [INITIALIZE, {}],
      [ping, onSession(sessionId)],
    ] as const) {
      const r = await post(`${gw.url}/mcp/web`, router, body, headers);
      assert.equal(r.status, 401);
      assert.equal(r.json.code, 'AGENT_REVOKED');
    }
    await client.close();
  } finally {
    await gw.close();
  }
});

test('a URL upstream: an oversized answer fails the call; a session the server lost is opened again on next use', async () => {
  const states: UpstreamState[] = [];
  const details: string[] = [];
  const upstream = new Upstream({ url: web.url, maxMessageBytes: 64 * 1024, timeoutMs: 5_000, onState: (s, d) => (states.push(s), details.push(d)) });
  try {
    const started = Date.now();
    await assert.rejects(upstream.callTool('huge', {}));
    assert.ok(Date.now() - started < 4_000, 'fails at once, not by timeout');
    assert.equal(upstream.state, 'down');
    assert.ok(
      details.some((d) => d.includes('more than 65536 bytes in one message')),
      details.join('\n'),
    );
    assert.deepEqual((await upstream.callTool('echo', { text: 'again' })).content, [{ type: 'text', text: 'again' }]);
    await web.forgetSessions();
    await assert.rejects(upstream.callTool('echo', { text: 'lost' }));
    assert.equal(upstream.state, 'down');
    assert.deepEqual((await upstream.callTool('echo', { text: 'back' })).content, [{ type: 'text', text: 'back' }]);
    // Changes of state (onState also reports errors in the current state).
    const changes = states.filter((state, i) => state !== states[i - 1]);
    assert.deepEqual(changes, ['connecting', 'connected', 'down', 'connecting', 'connected', 'down', 'connecting', 'connected']);
  } finally {
    await upstream.close();
  }
  assert.throws(() => new Upstream({ url: 'file:///etc/passwd' }), TypeError);
});

test('mass mcp-proxy on stdio in front of a URL upstream (mcpServers.web.url)', async () => {
  const other = await initDir('mass-mcp-proxy-url-');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp-proxy', '--agent', 'billing', '--server', 'web'],
    cwd: other,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'mass-test', version: '1.0.0' });
  try {
    await client.connect(transport);
    assert.deepEqual(
      (await client.listTools()).tools.map((t) => t.name),
      ['echo'],
    );
    assert.deepEqual((await client.callTool({ name: 'echo', arguments: { text: 'stdio to http' } })).content, [{ type: 'text', text: 'stdio to http' }]);
    const wipes = web.calls.get('wipe') ?? 0;
    assert.equal((await refusal(client.callTool({ name: 'wipe', arguments: {} }))).code, -32010);
    assert.equal(web.calls.get('wipe') ?? 0, wipes);
  } finally {
    await client.close();
    rmSync(other, { recursive: true, force: true });
  }
});
