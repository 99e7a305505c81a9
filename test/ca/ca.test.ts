import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { CA_KEY_NAME, CA_SUBJECT, initCertificateAuthority, loadCertificateAuthority } from '../../src/ca/authority.js';
import { DEFAULT_TTL_SECONDS, issueCertificate, MAX_LONG_LIVED_TTL_SECONDS, needsRotation } from '../../src/ca/issue.js';
import { buildCrl } from '../../src/ca/revocation.js';
import { ManualClock } from '../../src/core/clock.js';
import { isMassError } from '../../src/core/errors.js';
import { AgentRegistry } from '../../src/identity/registry.js';
import { openStore } from '../../src/store/open.js';
import { CONFIG, issue, openssl, opensslVerify, show, storeWithCa, writeFiles, x509Text } from './support.js';

const HOUR = 3_600_000;

describe('the CA certificate', () => {
  test('is a self-signed Ed25519 CA: CA:TRUE critical, keyCertSign + cRLSign, 5 years, subject CN=MASS CA <trust domain>', async () => {
    const store = await storeWithCa([]);
    const ca = await loadCertificateAuthority(store);
    const text = await x509Text(ca.pem);
    assert.match(text, /Issuer: CN = MASS CA example\.org/);
    assert.match(text, /Subject: CN = MASS CA example\.org/);
    assert.match(text, /Public Key Algorithm: ED25519/);
    assert.match(text, /Signature Algorithm: ED25519/);
    assert.match(text, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
    assert.match(text, /X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/);
    assert.match(text, /X509v3 Subject Key Identifier/);
    const years = (ca.notAfter - ca.notBefore) / (365 * 86_400_000);
    assert.ok(years > 4.99 && years <= 5.01, `lifetime ${years} years`);
    const selfCheck = await opensslVerify(ca.pem, ca.pem);
    assert.equal(selfCheck.status, 0, show(selfCheck));
  });

  test('init is idempotent: the second call loads the same CA (same fingerprint, one row)', async () => {
    const store = await storeWithCa([]);
    const first = await loadCertificateAuthority(store);
    const again = await initCertificateAuthority(store, CONFIG);
    assert.equal(again.created, false);
    assert.equal(again.ca.fingerprint, first.fingerprint);
    assert.equal((await store.certificates.bySubject(CA_SUBJECT)).length, 1);
  });

  test('the fingerprint is what `openssl x509 -fingerprint -sha256` prints', async () => {
    const store = await storeWithCa([]);
    const ca = await loadCertificateAuthority(store);
    const r = await openssl(['x509', '-in', 'ca.crt', '-noout', '-fingerprint', '-sha256'], writeFiles({ 'ca.crt': ca.pem }));
    assert.equal(r.stdout.trim(), `sha256 Fingerprint=${ca.fingerprint}`);
  });

  test('issuing before init is CA_NOT_INITIALIZED', async () => {
    const store = await openStore('sqlite::memory:', process.cwd());
    try {
      await new AgentRegistry(store).register('alice');
      await assert.rejects(issue(store, { agent: 'alice' }), (e) => isMassError(e, 'CA_NOT_INITIALIZED'));
      await assert.rejects(buildCrl(store), (e) => isMassError(e, 'CA_NOT_INITIALIZED'));
    } finally {
      await store.close();
    }
  });

  test('a CA certificate in the store without its key is CA_INVALID, for init and load', async () => {
    const donor = await storeWithCa([]);
    const [row] = await donor.certificates.bySubject(CA_SUBJECT);
    const store = await openStore('sqlite::memory:', process.cwd());
    try {
      await store.certificates.add(row!);
      await assert.rejects(initCertificateAuthority(store, CONFIG), (e) => isMassError(e, 'CA_INVALID'));
      await assert.rejects(loadCertificateAuthority(store), (e) => isMassError(e, 'CA_INVALID'));
    } finally {
      await store.close();
    }
  });

  test('a CA key whose certificate names another key is CA_INVALID', async () => {
    const donor = await storeWithCa([]);
    const [row] = await donor.certificates.bySubject(CA_SUBJECT);
    const store = await storeWithCa([]);
    await store.certificates.add({ ...row!, issuedAt: Date.now() + 1000 }); // newer: loaded first
    await assert.rejects(loadCertificateAuthority(store), (e) => isMassError(e, 'CA_INVALID'));
    assert.ok((await store.keys.get(CA_KEY_NAME)) !== undefined);
  });
});

describe('issued certificates', () => {
  test('an agent certificate verifies with openssl and shows the SPIFFE URI, ED25519 and clientAuth only', async () => {
    const store = await storeWithCa();
    const before = Date.now();
    const issued = await issue(store, { agent: 'alice' });
    assert.equal(issued.spiffeId, 'spiffe://example.org/agent/alice');
    const verified = await opensslVerify(issued.caPem, issued.certificatePem);
    assert.equal(verified.status, 0, show(verified));
    assert.match(verified.stdout, /leaf\.crt: OK/);
    const text = await x509Text(issued.certificatePem);
    assert.match(text, /URI:spiffe:\/\/example\.org\/agent\/alice\s*$/m);
    assert.match(text, /Public Key Algorithm: ED25519/);
    assert.match(text, /X509v3 Extended Key Usage: \s*\n\s*TLS Web Client Authentication\s*$/m);
    assert.doesNotMatch(text, /TLS Web Server Authentication/);
    assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature\s*$/m);
    assert.match(text, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
    assert.match(text, /Subject: CN = alice/);
    // lifetime: 24 h from issue by default, notBefore a minute back for clock skew
    assert.ok(issued.notAfter - before <= DEFAULT_TTL_SECONDS * 1000 + 1000 && issued.notAfter - before >= DEFAULT_TTL_SECONDS * 1000 - 2000);
    assert.ok(issued.notBefore <= before - 59_000 && issued.notBefore >= before - 62_000, 'notBefore is about a minute in the past');
    const row = await store.certificates.get(issued.serial);
    assert.equal(row?.subject, issued.spiffeId);
    assert.equal(row?.notAfter, issued.notAfter);
  });

  test('the serial is 16 random bytes, positive, and unique', async () => {
    const store = await storeWithCa();
    const serials = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { serial, certificatePem } = await issue(store, { agent: 'alice' });
      assert.match(serial, /^[4-7][0-9a-f]{31}$/);
      assert.equal(new X509Certificate(certificatePem).serialNumber.toLowerCase(), serial);
      serials.add(serial);
    }
    assert.equal(serials.size, 20);
  });

  test('subject and authority key identifiers chain to the CA', async () => {
    const store = await storeWithCa();
    const issued = await issue(store, { agent: 'alice' });
    const caText = await x509Text(issued.caPem);
    const text = await x509Text(issued.certificatePem);
    const caSki = /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(caText)?.[1];
    const aki = /Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
    assert.ok(caSki !== undefined && caSki === aki, `${caSki} vs ${aki}`);
    assert.match(text, /Subject Key Identifier/);
  });

  test('the private key is PKCS#8 PEM and belongs to the certificate', async () => {
    const store = await storeWithCa();
    const issued = await issue(store, { agent: 'alice' });
    assert.match(issued.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    const key = createPrivateKey(issued.privateKeyPem);
    assert.equal(key.asymmetricKeyType, 'ed25519');
    const fromKey = createPublicKey(key).export({ format: 'der', type: 'spki' });
    const fromCert = new X509Certificate(issued.certificatePem).publicKey.export({ format: 'der', type: 'spki' });
    assert.ok(fromKey.equals(fromCert));
    assert.equal(new X509Certificate(issued.certificatePem).checkPrivateKey(key), true);
  });

  test('a gateway certificate has serverAuth + clientAuth, its SPIFFE ID and DNS/IP SANs incl. 127.0.0.1 and localhost', async () => {
    const store = await storeWithCa();
    const issued = await issue(store, { gateway: true, server: { hosts: ['gw.example.org', '10.1.2.3', '::1'] } });
    assert.equal(issued.spiffeId, 'spiffe://example.org/gateway');
    const verified = await opensslVerify(issued.caPem, issued.certificatePem);
    assert.equal(verified.status, 0, show(verified));
    const text = await x509Text(issued.certificatePem);
    assert.match(text, /TLS Web Client Authentication, TLS Web Server Authentication/);
    const san = /X509v3 Subject Alternative Name: \s*\n\s*(.*)$/m.exec(text)?.[1] ?? '';
    assert.deepEqual(san.split(', ').sort(), [
      'DNS:gw.example.org',
      'DNS:localhost',
      'IP Address:0:0:0:0:0:0:0:1',
      'IP Address:10.1.2.3',
      'IP Address:127.0.0.1',
      'URI:spiffe://example.org/gateway',
    ]);
    const x = new X509Certificate(issued.certificatePem);
    assert.equal(x.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(x.checkHost('localhost'), 'localhost');
  });

  test('an agent with --server gets serverAuth and the default hosts; without it, no DNS/IP SAN', async () => {
    const store = await storeWithCa();
    const server = await x509Text((await issue(store, { agent: 'bob', server: { hosts: [] } })).certificatePem);
    assert.match(server, /TLS Web Server Authentication/);
    assert.match(server, /URI:spiffe:\/\/example\.org\/agent\/bob, IP Address:127\.0\.0\.1, DNS:localhost/);
    const client = await x509Text((await issue(store, { agent: 'bob' })).certificatePem);
    assert.doesNotMatch(client, /IP Address|DNS:/);
  });

  test('bad host names are refused (TypeError): wildcards, spaces, empty labels', async () => {
    const store = await storeWithCa();
    for (const host of ['*.example.org', 'a b', 'a..b', '-a.example', '']) {
      await assert.rejects(issue(store, { gateway: true, server: { hosts: [host] } }), TypeError, host);
    }
  });

  test('lifetime: more than 24 h is CERTIFICATE_LIFETIME_TOO_LONG unless allowed, and never more than 30 days', async () => {
    const store = await storeWithCa();
    await assert.rejects(issue(store, { agent: 'alice', ttlSeconds: 86_401 }), (e) => isMassError(e, 'CERTIFICATE_LIFETIME_TOO_LONG'));
    const long = await issue(store, { agent: 'alice', ttlSeconds: MAX_LONG_LIVED_TTL_SECONDS, allowLongLived: true });
    assert.ok(long.notAfter - long.notBefore > 29 * 86_400_000);
    await assert.rejects(issue(store, { agent: 'alice', ttlSeconds: MAX_LONG_LIVED_TTL_SECONDS + 1, allowLongLived: true }), (e) =>
      isMassError(e, 'CERTIFICATE_LIFETIME_TOO_LONG'),
    );
    await assert.rejects(issue(store, { agent: 'alice', ttlSeconds: 59 }), TypeError);
    await assert.rejects(issue(store, { agent: 'alice', ttlSeconds: 3600.5 }), TypeError);
    const short = await issue(store, { agent: 'alice', ttlSeconds: 600 });
    assert.ok(Math.abs(short.notAfter - Date.now() - 600_000) < 2000);
  });

  test('unknown, revoked and quarantined agents get no certificate, each with its code', async () => {
    const store = await storeWithCa(['alice', 'bob', 'carol']);
    const registry = new AgentRegistry(store);
    await registry.revoke('bob', 'test');
    await registry.quarantine('carol', 'test');
    await assert.rejects(issue(store, { agent: 'mallory' }), (e) => isMassError(e, 'AGENT_UNKNOWN'));
    await assert.rejects(issue(store, { agent: 'bob' }), (e) => isMassError(e, 'AGENT_REVOKED'));
    await assert.rejects(issue(store, { agent: 'carol' }), (e) => isMassError(e, 'AGENT_QUARANTINED'));
    assert.equal((await store.certificates.list()).length, 1, 'only the CA certificate');
  });

  test('an agent id with a "/", "." or ".." segment cannot be a SPIFFE path (TypeError, nothing issued)', async () => {
    const store = await storeWithCa();
    for (const agent of ['a/../b', 'a/./b', 'a/b', 'x/../../escaped', '..']) await assert.rejects(issue(store, { agent }), TypeError, agent);
    assert.equal((await store.certificates.list()).length, 1);
  });

  test('a certificate from another CA does not verify against this CA', async () => {
    const ours = await storeWithCa();
    const theirs = await storeWithCa();
    const foreign = await issue(theirs, { agent: 'alice' });
    const ourCa = await loadCertificateAuthority(ours);
    const r = await opensslVerify(ourCa.pem, foreign.certificatePem);
    assert.notEqual(r.status, 0, show(r));
    assert.match(r.stderr + r.stdout, /unable to get local issuer certificate/);
  });

  test('a certificate expired by construction (issued with a clock two days back) fails openssl verify', async () => {
    const clock = new ManualClock(Date.now() - 48 * HOUR);
    const store = await storeWithCa(['alice'], clock);
    const expired = await issueCertificate(store, CONFIG, { agent: 'alice', ttlSeconds: 3600, clock });
    assert.ok(expired.notAfter < Date.now());
    const r = await opensslVerify(expired.caPem, expired.certificatePem);
    assert.notEqual(r.status, 0, show(r));
    assert.match(r.stderr + r.stdout, /certificate has expired/);
    assert.equal(needsRotation(expired), true);
  });

  test('a certificate cannot outlive the CA (CA_INVALID)', async () => {
    const clock = new ManualClock(Date.now() - 5 * 365 * 86_400_000 + 3600_000 * 12);
    const store = await storeWithCa(['alice'], clock);
    clock.set(Date.now());
    await assert.rejects(issueCertificate(store, CONFIG, { agent: 'alice', clock }), (e) => isMassError(e, 'CA_INVALID'));
  });
});

describe('rotation', () => {
  test('needsRotation is true once less than a third of the lifetime is left', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const cert = { notBefore: t0, notAfter: t0 + 24 * HOUR };
    assert.equal(needsRotation(cert, t0), false);
    assert.equal(needsRotation(cert, t0 + 15 * HOUR), false);
    assert.equal(needsRotation(cert, t0 + 16 * HOUR + 1), true);
    assert.equal(needsRotation(cert, t0 + 25 * HOUR), true, 'expired');
    assert.equal(needsRotation({ notBefore: new Date(t0), notAfter: new Date(t0 + 3 * HOUR) }, t0 + HOUR), false, 'accepts Dates');
    assert.equal(needsRotation({ notBefore: t0, notAfter: t0 }, t0), true, 'empty window');
    assert.equal(needsRotation({ notBefore: Number.NaN, notAfter: t0 }, t0), true, 'nonsense');
  });

  test('issuing again gives a new key and serial; the previous certificate stays valid', async () => {
    const store = await storeWithCa();
    const first = await issue(store, { agent: 'alice' });
    const second = await issue(store, { agent: 'alice' });
    assert.notEqual(first.serial, second.serial);
    assert.notEqual(first.privateKeyPem, second.privateKeyPem);
    assert.deepEqual((await store.certificates.bySubject(first.spiffeId)).map((c) => c.serial).sort(), [first.serial, second.serial].sort());
    assert.equal((await opensslVerify(first.caPem, first.certificatePem)).status, 0);
  });
});
