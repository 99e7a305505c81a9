import assert from 'node:assert/strict';
import { X509Certificate, type webcrypto } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { peerIdentity } from '../../src/ca/peer.js';
import { agentSpiffeId, gatewaySpiffeId, isSpiffeAgentId, MAX_SPIFFE_ID_LENGTH, parseSpiffeId } from '../../src/ca/spiffe.js';
import { crypto, ED25519, toPem, x509 } from '../../src/ca/x509.js';
import { isMassError, MassError } from '../../src/core/errors.js';
import { issue, storeWithCa, TRUST_DOMAIN } from './support.js';

const isPeerInvalid = (e: unknown): boolean => isMassError(e, 'PEER_IDENTITY_INVALID');

/** A self-signed certificate with exactly the SAN extensions given (for shapes the CA never issues). */
async function craft(sanExtensions: readonly x509.JsonGeneralName[][]): Promise<string> {
  const keys = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: [{ CN: ['crafted'] }],
      keys,
      signingAlgorithm: ED25519,
      extensions: sanExtensions.map((names) => new x509.SubjectAlternativeNameExtension(names, false)),
    },
    crypto,
  );
  return toPem('CERTIFICATE', certificate.rawData);
}

describe('SPIFFE IDs', () => {
  test('valid MASS identities parse to kind, id and trust domain', () => {
    assert.deepEqual(parseSpiffeId('spiffe://example.org/agent/billing', 'example.org'), {
      uri: 'spiffe://example.org/agent/billing',
      trustDomain: 'example.org',
      kind: 'agent',
      id: 'billing',
    });
    assert.deepEqual(parseSpiffeId('spiffe://example.org/agent/worker_1.v2', 'example.org'), {
      uri: 'spiffe://example.org/agent/worker_1.v2',
      trustDomain: 'example.org',
      kind: 'agent',
      id: 'worker_1.v2',
    });
    assert.deepEqual(parseSpiffeId('spiffe://example.org/gateway', 'example.org'), {
      uri: 'spiffe://example.org/gateway',
      trustDomain: 'example.org',
      kind: 'gateway',
    });
  });

  // Each of these is refused with PEER_IDENTITY_INVALID; the comment says why.
  const refused: [string, string][] = [
    ['spiffe://other.org/agent/billing', 'another trust domain'],
    ['spiffe://Example.org/agent/billing', 'upper-case trust domain (no case folding)'],
    ['SPIFFE://example.org/agent/billing', 'upper-case scheme'],
    ['https://example.org/agent/billing', 'not spiffe://'],
    ['spiffe://example.org', 'no path'],
    ['spiffe://example.org/', 'empty path'],
    ['spiffe://example.org/agent', 'agent without id'],
    ['spiffe://example.org/agent/', 'empty id'],
    ['spiffe://example.org/agent/a//b', 'empty segment'],
    ['spiffe://example.org/agent/a/', 'trailing slash'],
    ['spiffe://example.org/agent/../gateway', 'dot-dot segment'],
    ['spiffe://example.org/agent/./a', 'dot segment'],
    ['spiffe://example.org/agent/bill%69ng', 'percent-encoding'],
    ['spiffe://example.org/agent/billing?x=1', 'query'],
    ['spiffe://example.org/agent/billing#f', 'fragment'],
    ['spiffe://user@example.org/agent/billing', 'userinfo'],
    ['spiffe://example.org:443/agent/billing', 'port'],
    ['spiffe://example.org/gateway/extra', 'gateway with a path below it'],
    ['spiffe://example.org/agents/billing', 'unknown kind'],
    ['spiffe://example.org/agent/_billing', 'id not a MASS name (must start with a letter or digit)'],
    ['spiffe://example.org/agent/team-a/worker', 'an agent id is one path segment'],
    ['spiffe://example.org/agent/x/../../tmp/pwn', 'dot-dot segments inside the agent id'],
    ['spiffe://example.org/agent/bil ling', 'space'],
    ['spiffe://example.org/agent/billing\n', 'newline'],
    [`spiffe://example.org/agent/${'a'.repeat(MAX_SPIFFE_ID_LENGTH)}`, 'too long'],
    ['', 'empty'],
  ];
  for (const [uri, why] of refused) {
    test(`refuses ${JSON.stringify(uri.slice(0, 60))}: ${why}`, () => {
      assert.throws(() => parseSpiffeId(uri, 'example.org'), isPeerInvalid);
    });
  }

  test('formatting refuses what parsing would refuse (TypeError for caller mistakes)', () => {
    assert.equal(agentSpiffeId('example.org', 'a.b'), 'spiffe://example.org/agent/a.b');
    assert.equal(gatewaySpiffeId('example.org'), 'spiffe://example.org/gateway');
    for (const id of ['a/b', 'a/../b', 'a/./b', 'a//b', 'a/', '-a', '', 'x/../../tmp/pwn', 'a%2Fb'])
      assert.throws(() => agentSpiffeId('example.org', id), TypeError, id);
    assert.throws(() => agentSpiffeId('Example.org', 'a'), TypeError);
  });

  test('property: every valid agent id round-trips through format and parse (2,000 runs)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), (id) => {
        fc.pre(isSpiffeAgentId(id));
        const parsed = parseSpiffeId(agentSpiffeId('example.org', id), 'example.org');
        return parsed.kind === 'agent' && parsed.id === id;
      }),
      { numRuns: 2_000 },
    );
  });

  test('fuzz: arbitrary strings either parse to the canonical ID or fail with PEER_IDENTITY_INVALID (20,000 runs)', () => {
    const near = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `spiffe://example.org/${s}`),
      fc.string({ maxLength: 40 }).map((s) => `spiffe://example.org/agent/${s}`),
      fc.string({ maxLength: 20 }).map((s) => `spiffe://${s}/agent/a`),
    );
    fc.assert(
      fc.property(near, (uri) => {
        try {
          const parsed = parseSpiffeId(uri, 'example.org');
          const canonical = parsed.kind === 'agent' ? agentSpiffeId('example.org', parsed.id) : gatewaySpiffeId('example.org');
          return canonical === uri;
        } catch (error) {
          return isPeerInvalid(error);
        }
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('peerIdentity (peer certificates are attacker-controlled)', () => {
  test('reads the SPIFFE ID and serial of an issued agent certificate from PEM, DER, node:crypto and node:tls shapes', async () => {
    const store = await storeWithCa();
    const issued = await issue(store, { agent: 'alice' });
    const expected = { uri: 'spiffe://example.org/agent/alice', trustDomain: TRUST_DOMAIN, kind: 'agent', id: 'alice', serial: issued.serial };
    const node = new X509Certificate(issued.certificatePem);
    assert.deepEqual(peerIdentity(issued.certificatePem, TRUST_DOMAIN), expected);
    assert.deepEqual(peerIdentity(new Uint8Array(node.raw), TRUST_DOMAIN), expected);
    assert.deepEqual(peerIdentity(node, TRUST_DOMAIN), expected);
    assert.deepEqual(peerIdentity({ raw: node.raw }, TRUST_DOMAIN), expected);
  });

  test('reads the gateway identity from a server certificate with DNS and IP SANs', async () => {
    const store = await storeWithCa();
    const issued = await issue(store, { gateway: true, server: { hosts: ['gw.example.org'] } });
    assert.deepEqual(peerIdentity(issued.certificatePem, TRUST_DOMAIN), {
      uri: 'spiffe://example.org/gateway',
      trustDomain: TRUST_DOMAIN,
      kind: 'gateway',
      serial: issued.serial,
    });
  });

  test('no certificate (node:tls gives {}), empty input and a certificate of another trust domain are PEER_IDENTITY_INVALID', async () => {
    assert.throws(() => peerIdentity({}, TRUST_DOMAIN), isPeerInvalid);
    assert.throws(() => peerIdentity({ raw: undefined }, TRUST_DOMAIN), isPeerInvalid);
    assert.throws(() => peerIdentity(new Uint8Array(0), TRUST_DOMAIN), isPeerInvalid);
    assert.throws(() => peerIdentity('', TRUST_DOMAIN), isPeerInvalid);
    const store = await storeWithCa();
    const issued = await issue(store, { agent: 'alice' });
    assert.throws(() => peerIdentity(issued.certificatePem, 'other.org'), isPeerInvalid);
  });

  test('SAN shapes the CA never issues are refused: none, two URIs, two SAN extensions, no URI, a non-SPIFFE URI', async () => {
    const uri = (value: string): x509.JsonGeneralName => ({ type: 'url', value });
    const cases: [string, x509.JsonGeneralName[][]][] = [
      ['no SAN extension', []],
      ['two URI SANs', [[uri('spiffe://example.org/agent/alice'), uri('spiffe://example.org/agent/admin')]]],
      ['two SAN extensions', [[uri('spiffe://example.org/agent/alice')], [uri('spiffe://example.org/agent/admin')]]],
      ['only a DNS SAN', [[{ type: 'dns', value: 'alice.example.org' }]]],
      ['an https URI', [[uri('https://example.org/agent/alice')]]],
      ['a SPIFFE ID with a dot-dot segment', [[uri('spiffe://example.org/agent/x/../alice')]]],
    ];
    for (const [why, sans] of cases) {
      const pem = await craft(sans);
      assert.throws(() => peerIdentity(pem, TRUST_DOMAIN), isPeerInvalid, why);
    }
    const ok = await craft([[uri('spiffe://example.org/agent/alice'), { type: 'dns', value: 'alice.local' }]]);
    assert.equal(peerIdentity(ok, TRUST_DOMAIN).kind, 'agent', 'the parser reads identity only; trust comes from TLS');
  });

  test('PEM text that is not exactly one certificate is refused', async () => {
    const store = await storeWithCa();
    const { certificatePem, caPem } = await issue(store, { agent: 'alice' });
    for (const pem of [
      certificatePem + caPem,
      certificatePem.replace('CERTIFICATE', 'X509 CRL'),
      `junk\n${certificatePem}`,
      certificatePem.replace(/\n(?=[A-Za-z0-9+/])/, '\nProc-Type: 4,ENCRYPTED\n'),
      'x'.repeat(100_000),
    ]) {
      assert.throws(() => peerIdentity(pem, TRUST_DOMAIN), isPeerInvalid);
    }
  });

  test('fuzz: mutated and truncated certificates only ever give PEER_IDENTITY_INVALID or the original identity (3,000 runs)', async () => {
    const store = await storeWithCa();
    const der = new Uint8Array(new X509Certificate((await issue(store, { agent: 'alice' })).certificatePem).raw);
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: der.length - 1 }), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat({ max: der.length }), { nil: undefined }),
        (flips, cut) => {
          const mutated = der.slice(0, cut ?? der.length);
          for (const { at, value } of flips) if (at < mutated.length) mutated[at] = value;
          try {
            const identity = peerIdentity(mutated, TRUST_DOMAIN);
            return identity.kind === 'agent' ? /^[A-Za-z0-9]/.test(identity.id) : identity.kind === 'gateway';
          } catch (error) {
            return error instanceof MassError && error.code === 'PEER_IDENTITY_INVALID';
          }
        },
      ),
      { numRuns: 3_000 },
    );
  });

  test('fuzz: random bytes and deeply nested DER are refused without throwing anything else (2,000 runs)', () => {
    const derLength = (n: number): number[] => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
    const nested = (depth: number): Uint8Array => {
      let inner = [0x05, 0x00];
      for (let i = 0; i < depth; i++) inner = [0x30, ...derLength(inner.length), ...inner];
      return Uint8Array.from(inner);
    };
    assert.throws(() => peerIdentity(nested(200), TRUST_DOMAIN), isPeerInvalid);
    assert.throws(() => peerIdentity(new Uint8Array(20_000), TRUST_DOMAIN), isPeerInvalid, 'too large');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        try {
          peerIdentity(bytes, TRUST_DOMAIN);
          return false;
        } catch (error) {
          return isPeerInvalid(error);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
