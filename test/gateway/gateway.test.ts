import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { issueCertificate } from '../../src/ca/issue.js';
import { run } from '../../src/cli/main.js';
import { systemClock } from '../../src/core/clock.js';
import { loadConfigFile } from '../../src/config/load.js';
import { TRUSTED } from '../../src/flow/label.js';
import { signEnvelope } from '../../src/identity/envelope.js';
import { startUp, type GatewayRuntime } from '../../src/gateway/up.js';

const BIN = fileURLToPath(new URL('../../bin/mass.js', import.meta.url));
let dir = '';
let gateway: GatewayRuntime;

/** Writes an agent's certificate, key and the CA certificate as files curl can use. */
async function credentialsFor(agent: string): Promise<{ cert: string; key: string; ca: string }> {
  const issued = await issueCertificate(gateway.mesh.store, gateway.mesh.config, { agent });
  const files = { cert: join(dir, `${agent}.crt`), key: join(dir, `${agent}.key`), ca: join(dir, 'ca.crt') };
  writeFileSync(files.cert, issued.certificatePem);
  writeFileSync(files.key, issued.privateKeyPem, { mode: 0o600 });
  writeFileSync(files.ca, issued.caPem);
  return files;
}

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['--silent', '--show-error', '--max-time', '10', ...args], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

async function post(agent: string, signer: string, kind: 'message' | 'tool', target: string, body: unknown) {
  const creds = await credentialsFor(agent);
  const key = await gateway.mesh.registry.signingKey(signer);
  const aud = kind === 'message' ? `agent:${target}` : `tool:${target}`;
  const envelope = await signEnvelope(key, { iss: signer, aud, act: kind, body, label: TRUSTED }, systemClock);
  const payload = join(dir, `payload-${randomUUID()}.json`);
  writeFileSync(payload, JSON.stringify({ kind, target, body, envelope }));
  const r = await curl([
    '--cacert',
    creds.ca,
    '--cert',
    creds.cert,
    '--key',
    creds.key,
    '-H',
    'content-type: application/json',
    '--data-binary',
    `@${payload}`,
    '-w',
    '\n%{http_code}',
    `${gateway.url}/v1/envelopes`,
  ]);
  const lines = r.stdout.trim().split('\n');
  return { status: Number(lines.pop()), json: JSON.parse(lines.join('\n')) as Record<string, unknown> };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mass-gateway-'));
  const io = { cwd: dir, out: () => undefined, err: () => undefined };
  assert.equal(await run(['init'], io), 0);
  gateway = await startUp(loadConfigFile(join(dir, 'mass.yaml')), { host: '127.0.0.1', port: 0 });
});

after(async () => {
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

test('curl with an agent certificate gets 200 from /healthz; without a certificate every /v1 route is 401; one of another CA is disconnected', async () => {
  const creds = await credentialsFor('router');
  const ok = await curl(['--cacert', creds.ca, '--cert', creds.cert, '--key', creds.key, '-w', '%{http_code}', '-o', '/dev/null', `${gateway.url}/healthz`]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, '200');
  const anonymous = await curl(['--cacert', creds.ca, '-w', '%{http_code}', '-o', '/dev/null', `${gateway.url}/v1/inbox`]);
  assert.equal(anonymous.stdout, '401', 'a client without a certificate is not anybody');
  const dir = mkdtempSync(join(tmpdir(), 'mass-foreign-'));
  try {
    // A self-signed certificate claiming to be router: TLS does not verify it, so it names nobody.
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ed25519',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-nodes',
      '-subj',
      '/CN=router',
      '-addext',
      'subjectAltName=URI:spiffe://example.org/agent/router',
    ]);
    assert.equal(made.status, 0, String(made.stderr));
    const foreign = await curl(['--cacert', creds.ca, '--cert', cert, '--key', key, '-w', '%{http_code}', '-o', '/dev/null', `${gateway.url}/v1/inbox`]);
    assert.equal(foreign.stdout, '000', 'a certificate the CA did not issue is refused: the connection is closed, nothing is served');
    assert.notEqual(foreign.code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an envelope signed by one agent sent over another agent’s certificate is refused (PEER_MISMATCH)', async () => {
  const r = await post('billing', 'router', 'message', 'support', { text: 'hello' });
  assert.equal(r.status, 401);
  assert.equal(r.json.code, 'PEER_MISMATCH');
});

test('a signed message over the signer’s own certificate is mediated, delivered to the mailbox and logged', async () => {
  const before = gateway.mesh.log.size;
  const r = await post('router', 'router', 'message', 'support', { text: 'ticket T-1' });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal((r.json.result as { delivered: boolean }).delivered, true);
  const support = await credentialsFor('support');
  const inbox = await curl(['--cacert', support.ca, '--cert', support.cert, '--key', support.key, `${gateway.url}/v1/inbox`]);
  const messages = (JSON.parse(inbox.stdout) as { messages: { id: number; from: string; body: unknown }[] }).messages;
  assert.equal(messages.at(-1)?.from, 'router');
  assert.deepEqual(messages.at(-1)?.body, { text: 'ticket T-1' });
  const ids = JSON.stringify({ ids: messages.map((m) => m.id) });
  const acked = await curl([
    '--cacert',
    support.ca,
    '--cert',
    support.cert,
    '--key',
    support.key,
    '-H',
    'content-type: application/json',
    '--data',
    ids,
    `${gateway.url}/v1/inbox/ack`,
  ]);
  assert.deepEqual(JSON.parse(acked.stdout), { acknowledged: messages.length });
  const empty = await curl(['--cacert', support.ca, '--cert', support.cert, '--key', support.key, `${gateway.url}/v1/inbox`]);
  assert.deepEqual(JSON.parse(empty.stdout), { messages: [] });
  await gateway.mesh.log.flush();
  assert.ok(gateway.mesh.log.size >= before + 2, 'intent and outcome are in the audit log');
});

test('a JSON body of null, a number or an array on /v1/inbox/ack and /v1/tasks is a 400 REQUEST_MALFORMED, never an internal error', async () => {
  const support = await credentialsFor('support');
  for (const [route, body] of [
    ['/v1/inbox/ack', 'null'],
    ['/v1/inbox/ack', '7'],
    ['/v1/inbox/ack', '[1,2]'],
    ['/v1/tasks', 'null'],
  ] as const) {
    const r = await curl([
      '-s',
      '-o',
      '-',
      '-w',
      '\n%{http_code}',
      '--cacert',
      support.ca,
      '--cert',
      support.cert,
      '--key',
      support.key,
      '-H',
      'content-type: application/json',
      '--data',
      body,
      `${gateway.url}${route}`,
    ]);
    const [text, status] = r.stdout.split('\n');
    assert.equal(status, '400', `${route} ${body}: ${r.stdout}`);
    assert.equal((JSON.parse(text ?? '{}') as { code?: string }).code, 'REQUEST_MALFORMED', `${route} ${body}`);
  }
});

test('a message on a channel that does not exist is denied with 403 and never delivered', async () => {
  const r = await post('support', 'support', 'message', 'router', { text: 'hi' });
  assert.equal(r.status, 403);
  assert.equal(r.json.code, 'POLICY_DENIED');
});

test('mass up runs the gateway until SIGTERM and stops cleanly (real executable)', async () => {
  const child = spawn(process.execPath, [BIN, 'up', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 30_000);
    child.stdout.on('data', () => {
      const match = /on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  const creds = await credentialsFor('router');
  const ok = await curl(['--cacert', creds.ca, '--cert', creds.cert, '--key', creds.key, '-w', '%{http_code}', '-o', '/dev/null', `${url}/healthz`]);
  assert.equal(ok.stdout, '200');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(out, /stopped; audit log flushed/);
});
