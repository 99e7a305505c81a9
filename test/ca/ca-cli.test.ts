import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { EXAMPLE_FILES } from '../../src/example/system.js';
import { openssl, show, tempDir, writeFiles, type Result } from './support.js';

/** `mass ca …` run in-process (`run(argv, io)`) in a directory set up by `mass init`. */

async function mass(cwd: string, ...argv: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: Io = { cwd, out: (s) => void (stdout += s), err: (s) => void (stderr += s) };
  const status = await run(argv, io);
  return { status, stdout, stderr };
}

async function ok(cwd: string, ...argv: string[]): Promise<Result> {
  const r = await mass(cwd, ...argv);
  assert.equal(r.status, 0, `mass ${argv.join(' ')}\n${show(r)}`);
  return r;
}

interface ListRow {
  serial: string;
  subject: string;
  status: string;
  notBefore: string;
  notAfter: string;
}

describe('mass ca', () => {
  const dir = tempDir('mass-ca-cli-');
  const certs = join(dir, 'certs');

  before(async () => {
    await ok(dir, 'init');
  });

  test('ca issue in a store without a CA is CA_NOT_INITIALIZED (exit 1), and writes nothing', async () => {
    // A store made by `mass agent add` rather than `mass init` (which creates the CA).
    const bare = tempDir('mass-ca-bare-');
    for (const file of EXAMPLE_FILES) {
      mkdirSync(dirname(join(bare, file.path)), { recursive: true });
      writeFileSync(join(bare, file.path), file.content);
    }
    await ok(bare, 'agent', 'add', 'billing');
    const r = await mass(bare, 'ca', 'issue', 'billing', '--out', 'certs');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /\[CA_NOT_INITIALIZED\]/);
    assert.match(r.stderr, /mass ca init/);
    assert.equal(existsSync(join(bare, 'certs')), false);
    const created = await ok(bare, 'ca', 'init');
    assert.match(created.stdout, /^created certificate authority CN=MASS CA example\.org$/m);
  });

  test('mass init created the CA; ca init prints its fingerprint and keeps it', async () => {
    const first = await ok(dir, 'ca', 'init');
    assert.match(first.stdout, /^using existing certificate authority CN=MASS CA example\.org$/m);
    const fingerprint = /^sha256 fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$/m.exec(first.stdout)?.[1];
    assert.ok(fingerprint !== undefined, first.stdout);
    const again = await ok(dir, 'ca', 'init');
    assert.match(again.stdout, /^using existing certificate authority/m);
    assert.ok(again.stdout.includes(fingerprint));
  });

  test('ca issue AGENT --out DIR writes AGENT.crt, AGENT.key (0600, PKCS#8) and ca.crt that openssl verifies', async () => {
    const r = await ok(dir, 'ca', 'issue', 'billing', '--out', 'certs');
    assert.match(r.stdout, /^issued spiffe:\/\/example\.org\/agent\/billing: serial [0-9a-f]{32}, valid until \S+Z$/m);
    assert.deepEqual(readdirSync(certs).sort(), ['billing.crt', 'billing.key', 'ca.crt']);
    assert.equal(statSync(join(certs, 'billing.key')).mode & 0o777, 0o600);
    assert.match(readFileSync(join(certs, 'billing.key'), 'utf8'), /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    assert.doesNotMatch(r.stdout + r.stderr, /BEGIN PRIVATE KEY/, 'the key is never printed');

    const verified = await openssl(['verify', '-CAfile', 'ca.crt', 'billing.crt'], certs);
    assert.equal(verified.status, 0, show(verified));
    const text = await openssl(['x509', '-in', 'billing.crt', '-noout', '-text'], certs);
    assert.match(text.stdout, /URI:spiffe:\/\/example\.org\/agent\/billing/);
    assert.match(text.stdout, /Public Key Algorithm: ED25519/);
    assert.match(text.stdout, /TLS Web Client Authentication/);
    const keyCheck = await openssl(['pkey', '-in', 'billing.key', '-noout', '-text'], certs);
    assert.match(keyCheck.stdout, /ED25519 Private-Key/);

    const init = await ok(dir, 'ca', 'init');
    const fingerprint = await openssl(['x509', '-in', 'ca.crt', '-noout', '-fingerprint', '-sha256'], certs);
    assert.ok(init.stdout.includes(fingerprint.stdout.trim().replace('sha256 Fingerprint=', '')), 'ca.crt is the CA that init reports');
  });

  test('ca issue --gateway --host writes gateway.crt with serverAuth and the IP SAN', async () => {
    await ok(dir, 'ca', 'issue', '--gateway', '--host', 'gw.example.org', '--host', '10.0.0.7', '--out', 'certs');
    const text = await openssl(['x509', '-in', 'gateway.crt', '-noout', '-text'], certs);
    assert.match(text.stdout, /TLS Web Server Authentication/);
    assert.match(text.stdout, /URI:spiffe:\/\/example\.org\/gateway/);
    assert.match(text.stdout, /IP Address:127\.0\.0\.1/);
    assert.match(text.stdout, /IP Address:10\.0\.0\.7/);
    assert.match(text.stdout, /DNS:gw\.example\.org/);
    assert.equal((await openssl(['verify', '-CAfile', 'ca.crt', 'gateway.crt'], certs)).status, 0);
  });

  test('ca issue AGENT --server gives an agent a server certificate', async () => {
    await ok(dir, 'ca', 'issue', 'router', '--server', '--out', 'certs');
    const text = await openssl(['x509', '-in', 'router.crt', '-noout', '-ext', 'extendedKeyUsage,subjectAltName'], certs);
    assert.match(text.stdout, /TLS Web Client Authentication, TLS Web Server Authentication/);
    assert.match(text.stdout, /URI:spiffe:\/\/example\.org\/agent\/router, IP Address:127\.0\.0\.1, DNS:localhost/);
  });

  test('usage mistakes: an undeclared agent is AGENT_UNKNOWN; agent and --gateway together, or --host without --server, are refused', async () => {
    const unknown = await mass(dir, 'ca', 'issue', 'mallory', '--out', 'certs');
    assert.equal(unknown.status, 1, show(unknown));
    assert.match(unknown.stderr, /\[AGENT_UNKNOWN\]/);
    const both = await mass(dir, 'ca', 'issue', 'billing', '--gateway', '--out', 'certs');
    assert.equal(both.status, 1, show(both));
    const host = await mass(dir, 'ca', 'issue', 'billing', '--host', 'x.example', '--out', 'certs');
    assert.equal(host.status, 1, show(host));
    const noOut = await mass(dir, 'ca', 'issue', 'billing');
    assert.equal(noOut.status, 2, show(noOut));
    assert.equal(existsSync(join(certs, 'mallory.crt')), false);
  });

  test('--ttl above 24 h is CERTIFICATE_LIFETIME_TOO_LONG unless --long-lived (at most 30 days)', async () => {
    const refused = await mass(dir, 'ca', 'issue', 'support', '--ttl', '90000', '--out', 'certs');
    assert.equal(refused.status, 1, show(refused));
    assert.match(refused.stderr, /\[CERTIFICATE_LIFETIME_TOO_LONG\]/);
    assert.equal(existsSync(join(certs, 'support.crt')), false);
    await ok(dir, 'ca', 'issue', 'support', '--ttl', '90000', '--long-lived', '--out', 'certs');
    const cert = new X509Certificate(readFileSync(join(certs, 'support.crt')));
    assert.ok(Date.parse(cert.validTo) - Date.now() > 89_000_000);
    const tooLong = await mass(dir, 'ca', 'issue', 'support', '--ttl', String(31 * 86_400), '--long-lived', '--out', 'certs');
    assert.equal(tooLong.status, 1, show(tooLong));
    const notNumber = await mass(dir, 'ca', 'issue', 'support', '--ttl', '1h', '--out', 'certs');
    assert.equal(notNumber.status, 2, show(notNumber));
  });

  test('issuing again rotates: a new serial and key, the file replaced with mode 0600, a note that the old one was not due', async () => {
    const before = readFileSync(join(certs, 'billing.key'), 'utf8');
    const r = await ok(dir, 'ca', 'issue', 'billing', '--out', 'certs');
    assert.match(r.stdout, /note: certificate [0-9a-f]{32} was not yet due for rotation/);
    assert.notEqual(readFileSync(join(certs, 'billing.key'), 'utf8'), before);
    assert.equal(statSync(join(certs, 'billing.key')).mode & 0o777, 0o600);
    assert.deepEqual(
      readdirSync(certs).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  test('a symlink planted where the private key goes is replaced, not written through: its target is untouched', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'do not overwrite\n', { mode: 0o644 });
    rmSync(join(certs, 'support.key'), { force: true });
    mkdirSync(certs, { recursive: true });
    symlinkSync(victim, join(certs, 'support.key'));
    await ok(dir, 'ca', 'issue', 'support', '--out', 'certs');
    assert.equal(readFileSync(victim, 'utf8'), 'do not overwrite\n');
    assert.equal(lstatSync(join(certs, 'support.key')).isSymbolicLink(), false);
    assert.equal(statSync(join(certs, 'support.key')).mode & 0o777, 0o600);
  });

  test('an agent id that would escape --out is refused before anything is written', async () => {
    const added = await mass(dir, 'agent', 'add', 'x/../../escaped');
    assert.equal(added.status, 1, show(added));
    assert.match(added.stderr, /agent id "x\/\.\.\/\.\.\/escaped": must not contain "\/".*\[CONFIG_INVALID\]/);
    const r = await mass(dir, 'ca', 'issue', 'x/../../escaped', '--out', 'certs');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /\[AGENT_UNKNOWN\]/); // it could never be declared (and agentSpiffeId refuses it too)
    assert.equal(existsSync(join(dir, 'escaped.crt')), false);
  });

  test('ca list, ca revoke (serial as openssl prints it), ca crl verified by openssl, revoke again', async () => {
    const list = JSON.parse((await ok(dir, 'ca', 'list', '--json')).stdout) as ListRow[];
    const billing = list.filter((row) => row.subject === 'spiffe://example.org/agent/billing');
    assert.equal(billing.length, 2);
    assert.ok(list.some((row) => row.subject === 'ca' && row.status === 'valid'));
    assert.ok(billing.every((row) => row.status === 'valid'));

    const serialLine = (await openssl(['x509', '-in', 'billing.crt', '-noout', '-serial'], certs)).stdout.trim();
    assert.match(serialLine, /^serial=[0-9A-F]{32}$/);
    const revoked = await ok(dir, 'ca', 'revoke', serialLine, '--reason', 'keyCompromise');
    const serial = serialLine.slice('serial='.length).toLowerCase();
    assert.match(revoked.stdout, new RegExp(`^revoked certificate ${serial} \\(spiffe://example\\.org/agent/billing\\)$`, 'm'));
    const again = await ok(dir, 'ca', 'revoke', serial);
    assert.match(again.stdout, /was already revoked on/);
    const unknown = await mass(dir, 'ca', 'revoke', 'abcdef');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /\[CERTIFICATE_UNKNOWN\]/);

    const crl = (await ok(dir, 'ca', 'crl')).stdout;
    const crlDir = writeFiles({
      'crl.pem': crl,
      'ca.crt': readFileSync(join(certs, 'ca.crt'), 'utf8'),
      'billing.crt': readFileSync(join(certs, 'billing.crt'), 'utf8'),
    });
    const checked = await openssl(['crl', '-in', 'crl.pem', '-CAfile', 'ca.crt', '-noout', '-text', '-verify'], crlDir);
    assert.equal(checked.status, 0, show(checked));
    assert.match(checked.stderr + checked.stdout, /verify OK/);
    assert.match(checked.stdout, new RegExp(`Serial Number: ${serial.toUpperCase()}`));
    assert.match(checked.stdout, /Key Compromise/);
    const refused = await openssl(['verify', '-crl_check', '-CRLfile', 'crl.pem', '-CAfile', 'ca.crt', 'billing.crt'], crlDir);
    assert.notEqual(refused.status, 0, show(refused));
    assert.match(refused.stderr + refused.stdout, /certificate revoked/);

    const table = (await ok(dir, 'ca', 'list')).stdout;
    assert.match(table, /^SERIAL\s+STATUS\s+NOT AFTER\s+SUBJECT$/m);
    assert.match(table, new RegExp(`^${serial}\\s+revoked\\s+\\S+\\s+spiffe://example\\.org/agent/billing$`, 'm'));
  });

  test('init, issue and revoke are admin entries in the audit log', async () => {
    const lines = (await ok(dir, 'log', 'show', '--json')).stdout.trim().split('\n');
    const entries = lines.map((l) => (JSON.parse(l) as { entry: { kind: string; operation?: string; subject?: string; reason?: string | null } }).entry);
    const admin = entries.filter((e) => e.kind === 'admin' && e.operation?.startsWith('ca.'));
    assert.equal(admin.filter((e) => e.operation === 'ca.init').length, 1, 'only the init that created the CA');
    assert.ok(admin.some((e) => e.operation === 'ca.issue' && e.subject === 'spiffe://example.org/gateway' && /^serial [0-9a-f]{32}$/.test(e.reason ?? '')));
    assert.equal(admin.filter((e) => e.operation === 'ca.revoke').length, 1, 'revoking twice is one entry');
    assert.equal(admin.find((e) => e.operation === 'ca.revoke')?.reason, 'keyCompromise');
    const verify = await mass(dir, 'log', 'verify');
    assert.equal(verify.status, 0, show(verify));
  });
});
