import { generateKeyPairSync } from 'node:crypto';
import { isIP } from 'node:net';
import { systemClock, type Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import type { Store } from '../store/store.js';
import { CLOCK_SKEW_MS, loadCertificateAuthority, type TrustDomainConfig } from './authority.js';
import { agentSpiffeId, gatewaySpiffeId } from './spiffe.js';
import { crypto, ED25519, randomSerial, toPem, x509 } from './x509.js';

/**
 * Issuing X.509-SVIDs: an Ed25519 key pair and a certificate naming one SPIFFE ID, signed by the
 * built-in CA. The private key is returned to the caller and never stored: the store keeps only the
 * certificate (for listing, rotation and revocation).
 *
 * Rotation: certificates are short-lived (24 h by default) and every issue makes a fresh key and
 * certificate; the previous one stays valid until it expires or is revoked, so a holder can switch
 * over without a gap. Holders call `needsRotation` to know when to ask for the next one.
 */

/** Default lifetime of an issued certificate: 24 hours. */
export const DEFAULT_TTL_SECONDS = 86_400;
/** Longest lifetime without `allowLongLived`: 24 hours. */
export const MAX_TTL_SECONDS = 86_400;
/** Longest lifetime with `allowLongLived`: 30 days. */
export const MAX_LONG_LIVED_TTL_SECONDS = 30 * 86_400;
/** Shortest lifetime: one minute. */
export const MIN_TTL_SECONDS = 60;
/** Host names every server certificate carries, so that local clients can always connect. */
export const DEFAULT_SERVER_HOSTS: readonly string[] = ['127.0.0.1', 'localhost'];

/** Whom a certificate names: a registered agent, or the gateway. */
export type CertificateSubject = { readonly agent: string } | { readonly gateway: true };

export type IssueRequest = CertificateSubject & {
  /** Also a TLS server certificate (serverAuth) with DNS/IP SANs for these hosts plus 127.0.0.1 and localhost. Implied for the gateway. */
  readonly server?: { readonly hosts: readonly string[] };
  /** Lifetime from now, in seconds: 60 to 86 400 (default), or up to 30 days with `allowLongLived`. */
  readonly ttlSeconds?: number;
  /** Allow a lifetime above 24 hours (at most 30 days). */
  readonly allowLongLived?: boolean;
  readonly clock?: Clock;
};

/** What `issueCertificate` returns. `privateKeyPem` is secret: write it with mode 0600, never log it. */
export interface IssuedCredentials {
  readonly spiffeId: string;
  /** Hex serial, lower case, as stored and as listed in the CRL. */
  readonly serial: string;
  readonly certificatePem: string;
  /** PKCS#8 PEM of the certificate's Ed25519 private key. */
  readonly privateKeyPem: string;
  /** The issuing CA's certificate: the trust anchor peers verify against. */
  readonly caPem: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Checks a `--host`: an IP address or a DNS name (no wildcards). Throws TypeError otherwise. */
function generalNameOf(host: string): x509.JsonGeneralName {
  if (isIP(host) !== 0) return { type: 'ip', value: host };
  const name = host.toLowerCase();
  if (name.length > 253 || !name.split('.').every((label) => DNS_LABEL.test(label))) {
    throw new TypeError(`host ${JSON.stringify(host)} is neither an IP address nor a DNS name`);
  }
  return { type: 'dns', value: name };
}

function checkTtl(ttlSeconds: number, allowLongLived: boolean): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < MIN_TTL_SECONDS)
    throw new TypeError(`a certificate lifetime is a whole number of seconds, at least ${MIN_TTL_SECONDS}`);
  const max = allowLongLived ? MAX_LONG_LIVED_TTL_SECONDS : MAX_TTL_SECONDS;
  if (ttlSeconds > max) {
    throw new MassError(
      'CERTIFICATE_LIFETIME_TOO_LONG',
      allowLongLived
        ? `a certificate may live at most ${MAX_LONG_LIVED_TTL_SECONDS} seconds (30 days); asked for ${ttlSeconds}`
        : `a certificate may live at most ${MAX_TTL_SECONDS} seconds (24 h) unless long-lived certificates are explicitly allowed; asked for ${ttlSeconds}`,
    );
  }
}

/** Resolves the SPIFFE ID to put in the certificate; an agent must be registered and active. */
async function subjectOf(store: Store, trustDomain: string, request: IssueRequest): Promise<{ spiffeId: string; commonName: string }> {
  if ('gateway' in request) {
    if (request.gateway !== true) throw new TypeError('gateway must be true');
    return { spiffeId: gatewaySpiffeId(trustDomain), commonName: 'gateway' };
  }
  const spiffeId = agentSpiffeId(trustDomain, request.agent);
  const record = await store.agents.get(request.agent);
  if (record === undefined) throw new MassError('AGENT_UNKNOWN', `agent "${request.agent}" is not registered (run \`mass agent add ${request.agent}\`)`);
  if (record.status === 'revoked') throw new MassError('AGENT_REVOKED', `agent "${request.agent}" is revoked: no certificate is issued for it`);
  if (record.status === 'quarantined') throw new MassError('AGENT_QUARANTINED', `agent "${request.agent}" is quarantined: no certificate is issued for it`);
  return { spiffeId, commonName: request.agent };
}

/**
 * Issues a key pair and certificate for an agent (or the gateway) and records the certificate in
 * the store. The certificate carries:
 * - exactly one URI SAN, the SPIFFE ID (plus DNS/IP SANs for server certificates);
 * - keyUsage digitalSignature (critical), basicConstraints CA:false (critical);
 * - extKeyUsage clientAuth, and serverAuth for server certificates;
 * - subject and authority key identifiers; a random positive 16-byte serial;
 * - notBefore one minute in the past (clock skew), notAfter `ttlSeconds` from now.
 */
export async function issueCertificate(store: Store, config: TrustDomainConfig, request: IssueRequest): Promise<IssuedCredentials> {
  const clock = request.clock ?? systemClock;
  const ttlSeconds = request.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  checkTtl(ttlSeconds, request.allowLongLived === true);
  const server = 'gateway' in request || request.server !== undefined;
  const hosts = server ? [...new Set([...(request.server?.hosts ?? []), ...DEFAULT_SERVER_HOSTS])] : [];
  const hostNames = hosts.map(generalNameOf);
  const { spiffeId, commonName } = await subjectOf(store, config.data.trustDomain, request);

  const ca = await loadCertificateAuthority(store, { clock });
  const now = clock.now();
  const notBefore = new Date(now - CLOCK_SKEW_MS);
  const notAfter = new Date(now + ttlSeconds * 1000);
  if (notAfter.getTime() > ca.notAfter) {
    throw new MassError('CA_INVALID', `the CA certificate expires on ${new Date(ca.notAfter).toISOString()}, before the requested certificate would`);
  }

  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const usages = server ? [x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth] : [x509.ExtendedKeyUsage.clientAuth];
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: [{ CN: [commonName] }],
      issuer: ca.certificate.subjectName,
      notBefore,
      notAfter,
      publicKey: spki,
      signingKey: ca.signingKey,
      signingAlgorithm: ED25519,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(usages, false),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: spiffeId }, ...hostNames], false),
        await x509.SubjectKeyIdentifierExtension.create(spki, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const serial = certificate.serialNumber.toLowerCase();
  const certificatePem = toPem('CERTIFICATE', certificate.rawData);
  // The dates as encoded (X.509 times have whole seconds), so that the row and the certificate agree.
  const validity = { notBefore: certificate.notBefore.getTime(), notAfter: certificate.notAfter.getTime() };
  await store.certificates.add({ serial, subject: spiffeId, pem: certificatePem, ...validity, issuedAt: now });
  return {
    spiffeId,
    serial,
    certificatePem,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    caPem: ca.pem,
    ...validity,
  };
}

/** A validity window: an IssuedCertificate row, a parsed certificate, or node:tls's peer certificate dates. */
export interface Validity {
  readonly notBefore: number | Date;
  readonly notAfter: number | Date;
}

/**
 * True when a certificate should be replaced: less than a third of its lifetime is left (or it has
 * expired, or its window is empty). A 24 h certificate is rotated after 16 h.
 */
export function needsRotation(certificate: Validity, now: number = Date.now()): boolean {
  const from = Number(certificate.notBefore);
  const to = Number(certificate.notAfter);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return true;
  return to - now < (to - from) / 3;
}
