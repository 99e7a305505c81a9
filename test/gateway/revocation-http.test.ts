import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeEntry } from '../../src/audit/entry.js';
import { issueCertificate } from '../../src/ca/issue.js';
import { x509 } from '../../src/ca/x509.js';
import { run } from '../../src/cli/main.js';
import { loadConfigFile } from '../../src/config/load.js';
import { startUp, type GatewayRuntime } from '../../src/gateway/up.js';
import { httpsFetch, type ClientTls } from './mcp-support.js';
import { logRows } from '../store/log-rows.js';

// Revocation is complete: revoking an agent revokes its certificates (CRL, `mass ca list`, the log),
// and every gateway route reads the agent's status on every request. Real HTTPS on 127.0.0.1, the
// CLI in process on the gateway's SQLite file.

let dir = '';
let up: GatewayRuntime;

before(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'mass-revoke-http-')));
  assert.equal(await run(['init'], { cwd: dir, out: () => undefined, err: () => undefined }), 0);
  up = await startUp(loadConfigFile(join(dir, 'mass.yaml')), { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await up.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tlsOf(agent: string): Promise<ClientTls & { serial: string }> {
  const issued = await issueCertificate(up.mesh.store, up.mesh.config, { agent });
  return { ca: issued.caPem, cert: issued.certificatePem, key: issued.privateKeyPem, serial: issued.serial };
}

async function inbox(tls: ClientTls): Promise<{ status: number; code: unknown }> {
  const r = await httpsFetch(tls)(`${up.url}/v1/inbox`);
  return { status: r.status, code: ((await r.json()) as { code?: unknown }).code };
}

async function ack(tls: ClientTls): Promise<{ status: number; code: unknown }> {
  const r = await httpsFetch(tls)(`${up.url}/v1/inbox/ack`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ids: [] }),
  });
  return { status: r.status, code: ((await r.json()) as { code?: unknown }).code };
}

async function cli(args: string[]): Promise<string> {
  let out = '';
  const status = await run(args, { cwd: dir, out: (s) => (out += s), err: () => undefined });
  assert.equal(status, 0, `mass ${args.join(' ')}`);
  return out;
}

test('a quarantined agent is refused on /v1/inbox and /v1/inbox/ack (AGENT_QUARANTINED) until released', async () => {
  const support = await tlsOf('support');
  assert.equal((await inbox(support)).status, 200);
  await up.mesh.registry.quarantine('support', 'test');
  assert.deepEqual(await inbox(support), { status: 401, code: 'AGENT_QUARANTINED' });
  assert.deepEqual(await ack(support), { status: 401, code: 'AGENT_QUARANTINED' });
  await up.mesh.registry.release('support', 'test');
  assert.equal((await inbox(support)).status, 200);
});

test('an agent revoked through the registry is refused on /v1/inbox and /v1/inbox/ack at once; the next CRL refresh revokes its certificate and new handshakes fail', async () => {
  const billing = await tlsOf('billing');
  assert.equal((await inbox(billing)).status, 200);
  await up.mesh.registry.revoke('billing', 'key leaked');
  assert.deepEqual(await inbox(billing), { status: 401, code: 'AGENT_REVOKED' });
  assert.deepEqual(await ack(billing), { status: 401, code: 'AGENT_REVOKED' });
  await up.refreshCredentials();
  assert.ok(await up.mesh.store.revocations.get('certificate', billing.serial), 'the certificate of a revoked agent is revoked at the refresh');
  await assert.rejects(inbox(billing), 'a new handshake with the revoked certificate is refused');
  const log = (await logRows(up.mesh.store, 0, await up.mesh.store.log.size())).map((r) => decodeEntry(r.entry));
  assert.ok(
    log.some((e) => e.kind === 'admin' && e.operation === 'ca.revoke' && e.subject === `serial ${billing.serial}`),
    'recorded',
  );
});

test('mass agent revoke: its certificates are revoked in mass ca list and the CRL, recorded, refused on every route, and handshakes fail after the CRL refresh', async () => {
  const first = await tlsOf('support');
  const second = await tlsOf('support');
  assert.equal((await inbox(second)).status, 200);
  await cli(['agent', 'revoke', 'support', '--reason', 'compromised']);

  const listed = JSON.parse(await cli(['ca', 'list', '--json'])) as { serial: string; subject: string; status: string }[];
  const mine = listed.filter((c) => c.subject === 'spiffe://example.org/agent/support');
  assert.ok(mine.length >= 2);
  for (const c of mine) assert.equal(c.status, 'revoked', `certificate ${c.serial}`);

  const crl = new x509.X509Crl(await cli(['ca', 'crl']));
  const inCrl = new Set(crl.entries.map((e) => e.serialNumber.toLowerCase()));
  for (const serial of [first.serial, second.serial]) assert.ok(inCrl.has(serial), `CRL lists ${serial}`);

  const log = (await logRows(up.mesh.store, 0, await up.mesh.store.log.size())).map((r) => decodeEntry(r.entry));
  for (const serial of [first.serial, second.serial]) {
    assert.ok(
      log.some((e) => e.kind === 'admin' && e.operation === 'ca.revoke' && e.subject === `serial ${serial}`),
      `revocation of ${serial} recorded`,
    );
  }

  // Before the gateway reloads its CRL the handshake still completes, but no route serves the agent.
  assert.deepEqual(await inbox(second), { status: 401, code: 'AGENT_REVOKED' });
  assert.deepEqual(await ack(second), { status: 401, code: 'AGENT_REVOKED' });
  const mcp = await httpsFetch(second)(`${up.url}/mcp/none`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(mcp.status, 401);
  assert.equal(((await mcp.json()) as { code: string }).code, 'AGENT_REVOKED');

  await up.refreshCredentials();
  await assert.rejects(inbox(first), 'new handshakes with a revoked certificate fail');
  await assert.rejects(inbox(second));
  // Others are unaffected.
  assert.equal((await inbox(await tlsOf('router'))).status, 200);
});
