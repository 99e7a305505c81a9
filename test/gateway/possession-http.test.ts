import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeEntry } from '../../src/audit/entry.js';
import { issueCertificate } from '../../src/ca/issue.js';
import { delegate, issueRoot } from '../../src/capability/issue.js';
import { loadOwnerSigningKey } from '../../src/capability/owner.js';
import { chainThumbprint, createPossessionProof, POSSESSION_PROOF_TYPE } from '../../src/capability/possession.js';
import { run } from '../../src/cli/main.js';
import { ManualClock } from '../../src/core/clock.js';
import { canonicalJson } from '../../src/core/json.js';
import { loadConfigFile } from '../../src/config/load.js';
import { startUp, type GatewayRuntime } from '../../src/gateway/up.js';
import type { SigningKey } from '../../src/identity/keys.js';
import { handSign } from '../identity/fixture.js';
import { startHttpMcpServer, type TestHttpMcpServer } from './http-mcp-server.js';
import { connect, INITIALIZE, post, type ClientTls } from './mcp-support.js';
import { logRows } from '../store/log-rows.js';

// Proof of possession on `/mcp/<server>`: a capability chain alone no longer acts as its holder.
// owner → router → billing: router issued billing's chain and holds the same string, so without a
// proof router could act under billing's name. Real HTTPS on 127.0.0.1, the SDK client, a real
// MCP server behind the gateway.

const POLICY = `@id("billing-echoes")
permit (principal == Agent::"billing", action == Action::"call", resource == Tool::"web/echo");
`;
const ECHO = { action: 'call', resource: 'web/echo' } as const;

let dir = '';
let web: TestHttpMcpServer;
let up: GatewayRuntime;
let anonymous: ClientTls;
let chain = '';
let billing: SigningKey;
let router: SigningKey;
let target = '';

before(async () => {
  web = await startHttpMcpServer();
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'mass-pop-http-')));
  assert.equal(await run(['init'], { cwd: dir, out: () => undefined, err: () => undefined }), 0);
  appendFileSync(join(dir, 'mass.yaml'), `\nmcpServers:\n  web: { url: "${web.url}", output: untrusted }\n`);
  writeFileSync(join(dir, 'policies', 'mcp.cedar'), POLICY);
  up = await startUp(loadConfigFile(join(dir, 'mass.yaml')), { host: '127.0.0.1', port: 0 });
  anonymous = { ca: (await issueCertificate(up.mesh.store, up.mesh.config, { agent: 'support' })).caPem };
  router = await up.mesh.registry.signingKey('router');
  billing = await up.mesh.registry.signingKey('billing');
  const root = issueRoot(await loadOwnerSigningKey(up.mesh.store), { to: 'router', att: [ECHO] });
  chain = delegate(root, { as: { id: 'router', ...router }, to: 'billing', att: [ECHO] });
  target = `${up.url}/mcp/web`;
});

after(async () => {
  await up.close();
  await web.close();
  rmSync(dir, { recursive: true, force: true });
});

const prove = (key: SigningKey, overrides: { method?: string; url?: string; chain?: string; clock?: ManualClock } = {}) =>
  createPossessionProof(key, {
    method: overrides.method ?? 'POST',
    url: overrides.url ?? target,
    chain: overrides.chain ?? chain,
    ...(overrides.clock === undefined ? {} : { clock: overrides.clock }),
  });

/** A POST whose Host header names another server (the client skips the name check, as an attacker's would). */
function postWithHost(host: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(INITIALIZE);
    const req = request(
      target,
      {
        method: 'POST',
        ca: anonymous.ca,
        agent: false,
        checkServerIdentity: () => undefined,
        headers: { ...headers, host, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const send = (headers: Record<string, string>) => post(target, anonymous, INITIALIZE, headers);

test('the issuer replays the delegate’s chain as a bearer token: PROOF_REQUIRED, with a DPoP challenge', async () => {
  for (const authorization of [`Bearer ${chain}`, `DPoP ${chain}`]) {
    const r = await send({ authorization });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, 'PROOF_REQUIRED');
    assert.match(r.headers.get('www-authenticate') ?? '', /^DPoP realm="mass", algs="EdDSA"/);
  }
  assert.equal(web.calls.get('echo') ?? 0, 0);
});

test('a proof signed by another agent’s key (the issuer’s) for the delegate’s chain: PROOF_KEY_MISMATCH', async () => {
  const r = await send({ authorization: `DPoP ${chain}`, dpop: prove(router) });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'PROOF_KEY_MISMATCH');
  assert.match(r.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);
});

test('the holder with a fresh proof per request acts under its chain; the log names the holder', async () => {
  const before = up.mesh.log.size;
  const { client } = await connect(up.url, 'web', anonymous, { chain, key: billing });
  try {
    assert.deepEqual((await client.callTool({ name: 'echo', arguments: { text: 'proven' } })).content, [{ type: 'text', text: 'proven' }]);
  } finally {
    await client.close();
  }
  await up.mesh.log.flush();
  const actors = (await logRows(up.mesh.store, before, up.mesh.log.size))
    .map((row) => decodeEntry(row.entry))
    .flatMap((e) => ('actor' in e && typeof e.actor === 'string' ? [e.actor] : []));
  assert.ok(actors.includes('billing'), `the log names billing: ${actors.join(', ')}`);
  assert.ok(!actors.includes('router'));
});

test('a proof replayed: PROOF_REPLAYED', async () => {
  const proof = prove(billing);
  assert.equal((await send({ authorization: `DPoP ${chain}`, dpop: proof })).status, 200);
  const again = await send({ authorization: `DPoP ${chain}`, dpop: proof });
  assert.equal(again.status, 401);
  assert.equal(again.json.code, 'PROOF_REPLAYED');
});

test('a proof for another URL or method: PROOF_TARGET_MISMATCH', async () => {
  for (const dpop of [
    prove(billing, { url: `${up.url}/mcp/other` }),
    prove(billing, { method: 'DELETE' }),
    prove(billing, { url: target.replace('https:', 'http:') }),
  ]) {
    const r = await send({ authorization: `DPoP ${chain}`, dpop });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, 'PROOF_TARGET_MISMATCH');
  }
});

test('a proof made for another server, presented under that server’s name in the Host header: PROOF_TARGET_MISMATCH', async () => {
  const port = new URL(up.url).port;
  for (const host of [`elsewhere.example:${port}`, '127.0.0.1:1']) {
    const dpop = prove(billing, { url: `https://${host}/mcp/web` });
    const r = await postWithHost(host, { authorization: `DPoP ${chain}`, dpop });
    assert.equal(r.status, 401);
    assert.equal(r.json.code, 'PROOF_TARGET_MISMATCH');
  }
});

test('a stale proof: PROOF_STALE', async () => {
  const skew = up.mesh.config.data.envelopes.clockSkewSeconds;
  const r = await send({ authorization: `DPoP ${chain}`, dpop: prove(billing, { clock: new ManualClock(Date.now() - (skew + 5) * 1000) }) });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'PROOF_STALE');
});

test('a proof with an embedded jwk: PROOF_MALFORMED', async () => {
  const claims = { ath: chainThumbprint(chain), htm: 'POST', htu: target, iat: Math.floor(Date.now() / 1000), jti: 'CCCCCCCCCCCCCCCCCCCCCC' };
  const jwk = (await up.mesh.registry.get('billing'))?.publicJwk;
  const dpop = handSign({ alg: 'EdDSA', typ: POSSESSION_PROOF_TYPE, kid: billing.kid, jwk }, canonicalJson(claims), billing.privateKey);
  const r = await send({ authorization: `DPoP ${chain}`, dpop });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'PROOF_MALFORMED');
});

test('a proof whose ath names another chain: PROOF_CHAIN_MISMATCH', async () => {
  const other = issueRoot(await loadOwnerSigningKey(up.mesh.store), { to: 'billing', att: [ECHO] });
  const r = await send({ authorization: `DPoP ${chain}`, dpop: prove(billing, { chain: other }) });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'PROOF_CHAIN_MISMATCH');
});

test('over mTLS as the holder the chain needs no proof; as the issuer it is PEER_MISMATCH', async () => {
  const holderTls = await issueCertificate(up.mesh.store, up.mesh.config, { agent: 'billing' });
  const ok = await post(target, { ca: holderTls.caPem, cert: holderTls.certificatePem, key: holderTls.privateKeyPem }, INITIALIZE, {
    authorization: `Bearer ${chain}`,
  });
  assert.equal(ok.status, 200);
  const issuerTls = await issueCertificate(up.mesh.store, up.mesh.config, { agent: 'router' });
  const r = await post(target, { ca: issuerTls.caPem, cert: issuerTls.certificatePem, key: issuerTls.privateKeyPem }, INITIALIZE, {
    authorization: `Bearer ${chain}`,
  });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'PEER_MISMATCH');
});
