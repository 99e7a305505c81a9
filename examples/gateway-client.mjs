// An agent written outside the mesh, talking to the MASS gateway (`mass up`) over mutual TLS.
// The gateway runs in this process (startUp, port 0); the "agents" use only node:https, their
// certificate and their signing key — what a program in any language would do:
//   1. router starts a task with the user's request (POST /v1/tasks),
//   2. router signs a message to billing (a JWS envelope) and POSTs it to /v1/envelopes,
//   3. billing reads it from its mailbox (GET /v1/inbox), with the label it was sent with,
//   4. the same envelope sent over billing's certificate is refused (PEER_MISMATCH),
//   5. billing uses an MCP server through /mcp with a capability chain and a proof of possession
//      instead of a client certificate; the chain alone, without the proof, is refused.
//
// Run: node examples/gateway-client.mjs — exits non-zero if MASS does not behave as shown.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfigFile, systemClock, TRUSTED } from 'mass-runtime';
import { signEnvelope } from 'mass-runtime/mediator';
import { issueCertificate, possessionFetch, startUp } from 'mass-runtime/gateway';

const MASS_BIN = fileURLToPath(new URL('../bin/mass.js', import.meta.resolve('mass-runtime')));
const DESK_SERVER = fileURLToPath(new URL('./mcp-desk-server.mjs', import.meta.url));

const MASS_YAML = `version: 1
trustDomain: example.org
store: sqlite:./.mass/mass.db
agents:
  router:  { roles: [frontdesk] }
  billing: { roles: [finance] }
channels:
  - { from: router, to: billing }
mcpServers:
  desk: { command: ${JSON.stringify([process.execPath, DESK_SERVER])}, output: untrusted }
policies: [policies/*.cedar]
`;

const POLICIES = `@id("router-routes-to-billing")
permit (principal == Agent::"router", action == Action::"send", resource == Agent::"billing");

@id("billing-reads-tickets")
permit (principal == Agent::"billing", action == Action::"call", resource == Tool::"desk/read_ticket");
`;

let failures = 0;
function expect(what, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail === undefined ? '' : ` — ${detail}`}`);
  if (!ok) failures++;
}

/**
 * A `fetch` over node:https that trusts the gateway's CA and, if given, presents a client
 * certificate (Node 20's global fetch cannot). Streams responses, as the MCP client needs.
 */
function httpsFetch(tls) {
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(init.headers));
      const req = request(new URL(url), { method: init.method ?? 'GET', headers, ...tls, signal: init.signal ?? undefined, agent: false }, (res) => {
        const status = res.statusCode ?? 500;
        const noBody = init.method === 'HEAD' || [204, 205, 304].includes(status);
        if (noBody) res.resume();
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const v of [value].flat()) if (v !== undefined) responseHeaders.append(name, v);
        resolve(new Response(noBody ? null : Readable.toWeb(res), { status, headers: responseHeaders }));
      });
      req.on('error', reject);
      req.end(init.body ?? undefined);
    });
}

/** A JSON POST or GET with `fetch`: the HTTP status and the JSON answer. */
async function call(fetch, url, body, headers = {}) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
  const response = await fetch(url, init);
  return { status: response.status, json: await response.json() };
}

const dir = mkdtempSync(join(tmpdir(), 'mass-example-gateway-'));
let up;
let mcp;
try {
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'mass.yaml'), MASS_YAML);
  writeFileSync(join(dir, 'policies', 'roles.cedar'), POLICIES);

  // `mass up` in-process: the mesh on the SQLite store, the built-in CA, HTTPS with mutual TLS.
  up = await startUp(loadConfigFile(join(dir, 'mass.yaml')), { host: '127.0.0.1', port: 0 });
  console.log(`gateway on ${up.url}`);

  // Each agent gets a client certificate of the built-in CA (`mass ca issue AGENT --out DIR`), naming
  // spiffe://example.org/agent/<id>, and signs envelopes with its registered key.
  const tlsOf = async (agent) => {
    const issued = await issueCertificate(up.mesh.store, up.mesh.config, { agent });
    return { ca: issued.caPem, cert: issued.certificatePem, key: issued.privateKeyPem };
  };
  const router = { fetch: httpsFetch(await tlsOf('router')), key: await up.mesh.registry.signingKey('router') };
  const billing = { fetch: httpsFetch(await tlsOf('billing')), key: await up.mesh.registry.signingKey('billing') };

  // 1. The router's host starts a task with the user's (trusted) request.
  const task = await call(router.fetch, `${up.url}/v1/tasks`, { request: 'Ask billing about the refund for customer C-1001.' });
  expect('POST /v1/tasks starts router’s task', task.status === 200 && task.json.ok === true, `request_sha256 ${task.json.request_sha256}`);

  // 2. A message, signed by router: the envelope covers the body's hash, the audience and the label.
  const body = { text: 'Customer C-1001 asks about a refund.' };
  const envelope = await signEnvelope(router.key, { iss: 'router', aud: 'agent:billing', act: 'message', body, label: TRUSTED }, systemClock);
  const sent = await call(router.fetch, `${up.url}/v1/envelopes`, { kind: 'message', target: 'billing', body, envelope });
  expect('POST /v1/envelopes: router → billing delivered', sent.status === 200 && sent.json.result?.delivered === true, `HTTP ${sent.status}`);

  // 3. Billing reads its mailbox and acknowledges what it read.
  const inbox = await call(billing.fetch, `${up.url}/v1/inbox`);
  const message = inbox.json.messages?.at(-1);
  expect('GET /v1/inbox: billing has router’s message', message?.from === 'router' && message.body?.text === body.text, JSON.stringify(message?.label));
  if (message !== undefined) await call(billing.fetch, `${up.url}/v1/inbox/ack`, { ids: [message.id] });

  // 4. The same kind of envelope over another agent's certificate: the TLS peer must be the signer.
  const again = await signEnvelope(router.key, { iss: 'router', aud: 'agent:billing', act: 'message', body, label: TRUSTED }, systemClock);
  const spoofed = await call(billing.fetch, `${up.url}/v1/envelopes`, { kind: 'message', target: 'billing', body, envelope: again });
  expect(
    'router’s envelope over billing’s certificate refused: 401 PEER_MISMATCH',
    spoofed.status === 401 && spoofed.json.code === 'PEER_MISMATCH',
    `HTTP ${spoofed.status} ${spoofed.json.code}`,
  );

  // 5. A capability chain from the mesh owner to billing (`mass cap issue`), used on /mcp without a
  //    client certificate: each request carries a fresh proof that the caller holds billing's key.
  const capFile = join(dir, 'billing.cap');
  const issued = spawnSync(
    process.execPath,
    [MASS_BIN, 'cap', 'issue', '--to', 'billing', '--cap', '{"action":"call","resource":"desk/read_ticket"}', '--out', capFile],
    { cwd: dir, encoding: 'utf8' },
  );
  if (issued.status !== 0) throw new Error(`mass cap issue failed: ${issued.stderr}`);
  const chain = readFileSync(capFile, 'utf8').trim();
  const anonymous = httpsFetch({ ca: (await tlsOf('billing')).ca }); // trusts the CA, presents no certificate

  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bearer', version: '1' } },
  };
  const bearer = await call(anonymous, `${up.url}/mcp/desk`, initialize, { authorization: `DPoP ${chain}`, accept: 'application/json, text/event-stream' });
  expect(
    'the chain alone (no proof of possession) refused: 401 PROOF_REQUIRED',
    bearer.status === 401 && bearer.json.code === 'PROOF_REQUIRED',
    `HTTP ${bearer.status} ${bearer.json.code}`,
  );

  const transport = new StreamableHTTPClientTransport(new URL(`${up.url}/mcp/desk`), { fetch: possessionFetch({ chain, key: billing.key, fetch: anonymous }) });
  mcp = new Client({ name: 'billing-agent', version: '1.0.0' });
  await mcp.connect(transport);
  const tools = (await mcp.listTools()).tools.map((t) => t.name);
  expect('tools/list under the chain: only what it covers', JSON.stringify(tools) === '["read_ticket"]', tools.join(', '));
  const ticket = await mcp.callTool({ name: 'read_ticket', arguments: { ticket_id: 'T-1' } });
  expect('tools/call read_ticket as billing, with a proof per request', ticket.content?.[0]?.text?.includes('C-1001') === true, ticket.content?.[0]?.text);
} finally {
  await mcp?.close();
  await up?.close(); // stops the gateway and the MCP servers, signs a checkpoint, closes the store
  rmSync(dir, { recursive: true, force: true });
}

if (failures > 0) {
  console.error(`gateway-client: ${failures} check(s) failed`);
  process.exit(1);
}
console.log('gateway-client: ok');
