import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { issueCertificate, type IssuedCredentials } from '../../src/ca/issue.js';
import { peerIdentity, type PeerIdentity } from '../../src/ca/peer.js';
import { assertNotRevoked, buildCrl, revokeCertificate } from '../../src/ca/revocation.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Store } from '../../src/store/store.js';
import { CONFIG, issue, storeWithCa, TRUST_DOMAIN } from './support.js';

/**
 * Real mutual TLS on 127.0.0.1 with node:tls: the gateway's certificate on the server, agents'
 * certificates on the clients, the CA certificate as the only trust anchor on both sides.
 */

/** What a client received: the server's answer, or why there was none. */
interface ClientResult {
  readonly data?: string;
  readonly error?: string;
}

interface TestServer {
  readonly port: number;
  readonly seen: PeerIdentity[];
  readonly clientErrors: string[];
  close(): Promise<void>;
}

/**
 * A TLS server with the gateway's certificate. Strict (the default): `rejectUnauthorized`, and the
 * handler answers with the peer's identity. `diagnose`: accepts any client and answers with node's
 * verdict (`authorized`, `authorizationError`), to show *why* the strict server refuses one.
 */
async function startServer(gateway: IssuedCredentials, options: { crl?: string; diagnose?: boolean } = {}): Promise<TestServer> {
  const seen: PeerIdentity[] = [];
  const clientErrors: string[] = [];
  const server = tls.createServer(
    {
      key: gateway.privateKeyPem,
      cert: gateway.certificatePem,
      ca: [gateway.caPem],
      requestCert: true,
      rejectUnauthorized: options.diagnose !== true,
      minVersion: 'TLSv1.2',
      ...(options.crl === undefined ? {} : { crl: [options.crl] }),
    },
    (socket) => {
      if (options.diagnose === true) {
        socket.end(JSON.stringify({ authorized: socket.authorized, authorizationError: socket.authorizationError ?? null }));
        return;
      }
      // Only reached after the client chain verified against the CA (node destroys the socket otherwise).
      try {
        const identity = peerIdentity(socket.getPeerCertificate(), TRUST_DOMAIN);
        seen.push(identity);
        socket.end(JSON.stringify(identity));
      } catch (error) {
        socket.end(JSON.stringify({ error: String(error) }));
      }
    },
  );
  server.on('tlsClientError', (error: NodeJS.ErrnoException) => clientErrors.push(error.code ?? error.message));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    clientErrors,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Connects, reads everything the server sends, and reports data or the error. */
function connect(port: number, options: tls.ConnectionOptions): Promise<ClientResult> {
  return new Promise((resolve) => {
    let data = '';
    let settled = false;
    const settle = (result: ClientResult): void => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const socket = tls.connect({ host: '127.0.0.1', port, ...options });
    socket.setTimeout(5_000, () => {
      socket.destroy();
      settle({ error: 'timeout' });
    });
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('error', (error: NodeJS.ErrnoException) => settle({ error: error.code ?? error.message }));
    socket.on('end', () => settle(data === '' ? { error: 'closed without data' } : { data }));
    socket.on('close', () => settle(data === '' ? { error: 'closed without data' } : { data }));
  });
}

describe('mutual TLS with certificates of the built-in CA', () => {
  let store: Store;
  let gateway: IssuedCredentials;
  let alice: IssuedCredentials;
  let foreign: IssuedCredentials;
  let server: TestServer;

  before(async () => {
    store = await storeWithCa(['alice', 'bob']);
    gateway = await issue(store, { gateway: true, server: { hosts: [] } });
    alice = await issue(store, { agent: 'alice' });
    foreign = await issue(await storeWithCa(['alice']), { agent: 'alice' });
    server = await startServer(gateway);
  });
  after(() => server.close());

  test('an agent with its certificate completes the handshake and the server reads its SPIFFE ID', async () => {
    const before = server.seen.length;
    const client = await connect(server.port, { key: alice.privateKeyPem, cert: alice.certificatePem, ca: [alice.caPem] });
    assert.ok(client.data !== undefined, JSON.stringify(client));
    const identity = JSON.parse(client.data) as PeerIdentity;
    assert.deepEqual(identity, { uri: 'spiffe://example.org/agent/alice', trustDomain: 'example.org', kind: 'agent', id: 'alice', serial: alice.serial });
    assert.equal(server.seen.length, before + 1);
  });

  test('the client verifies the gateway by its IP SAN (127.0.0.1) and DNS SAN (localhost), over TLS 1.3 and 1.2', async () => {
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      const byIp = await connect(server.port, { key: alice.privateKeyPem, cert: alice.certificatePem, ca: [alice.caPem], maxVersion });
      assert.ok(byIp.data?.includes('"id":"alice"'), `${maxVersion}: ${JSON.stringify(byIp)}`);
      const byName = await connect(server.port, {
        servername: 'localhost',
        key: alice.privateKeyPem,
        cert: alice.certificatePem,
        ca: [alice.caPem],
        maxVersion,
      });
      assert.ok(byName.data?.includes('"id":"alice"'), `${maxVersion}: ${JSON.stringify(byName)}`);
    }
  });

  test('a client without a certificate is refused at the TLS layer', async () => {
    const before = server.seen.length;
    const errorsBefore = server.clientErrors.length;
    const client = await connect(server.port, { ca: [alice.caPem] });
    assert.equal(client.data, undefined, JSON.stringify(client));
    assert.ok(client.error !== undefined);
    assert.equal(server.seen.length, before, 'the connection handler never ran');
    await waitFor(() => server.clientErrors.length > errorsBefore);
    assert.match(server.clientErrors.at(-1) ?? '', /PEER_DID_NOT_RETURN_A_CERTIFICATE|CERTIFICATE_REQUIRED/);
  });

  test('a client with a certificate from another CA is refused at the TLS layer (UNABLE_TO_VERIFY_LEAF_SIGNATURE)', async () => {
    await assertRefused(gateway, foreign);
  });

  test('a client with an expired certificate is refused at the TLS layer (CERT_HAS_EXPIRED)', async () => {
    const clock = new ManualClock(Date.now() - 2 * 86_400_000);
    const oldStore = await storeWithCa(['alice'], clock);
    const oldGateway = await issueCertificate(oldStore, CONFIG, { gateway: true });
    const expired = await issueCertificate(oldStore, CONFIG, { agent: 'alice', ttlSeconds: 3600, clock });
    await assertRefused(oldGateway, expired, 'CERT_HAS_EXPIRED');
  });

  test('a client refuses a server whose certificate comes from another CA', async () => {
    const client = await connect(server.port, { key: alice.privateKeyPem, cert: alice.certificatePem, ca: [foreign.caPem] });
    assert.equal(client.data, undefined);
    assert.match(client.error ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
  });

  test('revocation: the in-process check refuses a revoked peer; with the CRL in the TLS context the handshake itself fails (CERT_REVOKED)', async () => {
    const bob = await issue(store, { agent: 'bob' });
    await revokeCertificate(store, bob.serial, 'keyCompromise');
    // Without the CRL in its context, TLS accepts the (unexpired) certificate: the gateway must check.
    const accepted = await connect(server.port, { key: bob.privateKeyPem, cert: bob.certificatePem, ca: [bob.caPem] });
    assert.ok(accepted.data !== undefined, JSON.stringify(accepted));
    const identity = JSON.parse(accepted.data) as PeerIdentity;
    await assert.rejects(assertNotRevoked(store, identity.serial), { code: 'CERTIFICATE_REVOKED' });
    await assertNotRevoked(store, alice.serial);

    const crl = await buildCrl(store);
    await assertRefused(gateway, bob, 'CERT_REVOKED', crl);
    const crlServer = await startServer(gateway, { crl });
    try {
      const fine = await connect(crlServer.port, { key: alice.privateKeyPem, cert: alice.certificatePem, ca: [alice.caPem] });
      assert.ok(fine.data?.includes('"id":"alice"'), JSON.stringify(fine));
    } finally {
      await crlServer.close();
    }
  });
});

/**
 * The strict server refuses `client` before its connection handler runs (the client gets no
 * data); a diagnosing server shows node's reason for it.
 */
async function assertRefused(gateway: IssuedCredentials, client: IssuedCredentials, reason = 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', crl?: string): Promise<void> {
  const options = { key: client.privateKeyPem, cert: client.certificatePem, ca: [gateway.caPem] };
  const strict = await startServer(gateway, crl === undefined ? {} : { crl });
  try {
    const result = await connect(strict.port, options);
    assert.equal(result.data, undefined, JSON.stringify(result));
    assert.ok(result.error !== undefined);
    assert.equal(strict.seen.length, 0, 'the connection handler never ran');
  } finally {
    await strict.close();
  }
  const diagnosing = await startServer(gateway, { diagnose: true, ...(crl === undefined ? {} : { crl }) });
  try {
    const result = await connect(diagnosing.port, options);
    assert.deepEqual(JSON.parse(result.data ?? '{}'), { authorized: false, authorizationError: reason });
  } finally {
    await diagnosing.close();
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
