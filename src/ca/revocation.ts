import { systemClock, type Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import type { Revocation, Store } from '../store/store.js';
import { CA_SUBJECT, loadCertificateAuthority } from './authority.js';
import { agentSpiffeId, isSpiffeAgentId } from './spiffe.js';
import { crypto, ED25519, normalizeSerial, toPem, x509 } from './x509.js';

/**
 * Certificate revocation: a revocation is a row in the store (kind `certificate`, id = serial),
 * effective at once for in-process checks (`isRevoked`) and published to other verifiers as a
 * signed X.509 CRL (`buildCrl`, RFC 5280 §5).
 */

/** How long a CRL is valid after it is built (its nextUpdate): one hour. Rebuild it at least that often. */
export const CRL_VALIDITY_MS = 3_600_000;

/** RFC 5280 reason codes, by the names `mass ca revoke --reason` accepts for them. */
const REASON_CODES: ReadonlyMap<string, x509.X509CrlReason> = new Map([
  ['keycompromise', x509.X509CrlReason.keyCompromise],
  ['cacompromise', x509.X509CrlReason.cACompromise],
  ['affiliationchanged', x509.X509CrlReason.affiliationChanged],
  ['superseded', x509.X509CrlReason.superseded],
  ['cessationofoperation', x509.X509CrlReason.cessationOfOperation],
  ['privilegewithdrawn', x509.X509CrlReason.privilegeWithdrawn],
]);

/** The RFC 5280 reason code a free-text reason names (`key-compromise`, `keyCompromise`, `superseded`…), if any. */
export function crlReasonOf(reason: string | null | undefined): x509.X509CrlReason | undefined {
  if (reason === null || reason === undefined) return undefined;
  return REASON_CODES.get(reason.toLowerCase().replace(/[\s_-]/g, ''));
}

export interface RevokeResult {
  /** The revocation as stored: the first one if the certificate was already revoked. */
  readonly revocation: Revocation;
  /** Which certificate: the SPIFFE ID it names. */
  readonly subject: string;
  /** False if the certificate had been revoked before (the first record is kept). */
  readonly newlyRevoked: boolean;
}

/**
 * Revokes a certificate the CA issued. `serial` may be spelled as `openssl` prints it
 * (`4A:3B…`, `serial=4A3B…`). CERTIFICATE_UNKNOWN if the CA never issued it; the CA's own
 * certificate cannot be revoked this way (TypeError). Revoking twice keeps the first record.
 */
export async function revokeCertificate(
  store: Store,
  serial: string,
  reason: string | null = null,
  options: { readonly clock?: Clock } = {},
): Promise<RevokeResult> {
  const id = normalizeSerial(serial);
  const certificate = await store.certificates.get(id);
  if (certificate === undefined) throw new MassError('CERTIFICATE_UNKNOWN', `no certificate with serial ${id} was issued by this CA`);
  if (certificate.subject === CA_SUBJECT) throw new TypeError('the CA certificate cannot be revoked; replace the CA instead');
  const before = await store.revocations.get('certificate', id);
  if (before !== undefined) return { revocation: before, subject: certificate.subject, newlyRevoked: false };
  await store.revocations.add({ kind: 'certificate', id, reason, at: (options.clock ?? systemClock).now() });
  const revocation = await store.revocations.get('certificate', id);
  if (revocation === undefined) throw new MassError('STORE_FAILED', 'the revocation was not stored');
  return { revocation, subject: certificate.subject, newlyRevoked: true };
}

/** The RFC 5280 reason recorded when a certificate is revoked because its agent was. */
export const AGENT_REVOKED_REASON = 'privilegeWithdrawn';

/**
 * Revokes every certificate the CA issued to one agent (its SPIFFE ID), expired ones included, so
 * that `mass ca list` and the CRL show them all as revoked. Returns the serials newly revoked
 * (certificates revoked before keep their first record).
 */
export async function revokeAgentCertificates(
  store: Store,
  trustDomain: string,
  agent: string,
  reason: string | null = AGENT_REVOKED_REASON,
  options: { readonly clock?: Clock } = {},
): Promise<string[]> {
  const at = (options.clock ?? systemClock).now();
  const revoked: string[] = [];
  for (const certificate of await store.certificates.bySubject(agentSpiffeId(trustDomain, agent))) {
    if ((await store.revocations.get('certificate', certificate.serial)) !== undefined) continue;
    await store.revocations.add({ kind: 'certificate', id: certificate.serial, reason, at });
    revoked.push(certificate.serial);
  }
  return revoked;
}

/**
 * Revokes the certificates of every revoked agent that still has one unrevoked, whatever revoked
 * the agent (the CLI, a mesh, another process sharing the store). Run before each CRL build, so the
 * CRL never lags the registry. Returns what it revoked.
 */
export async function revokeCertificatesOfRevokedAgents(
  store: Store,
  trustDomain: string,
  options: { readonly clock?: Clock } = {},
): Promise<{ agent: string; serial: string }[]> {
  const revoked: { agent: string; serial: string }[] = [];
  for (const agent of await store.agents.list()) {
    if (agent.status !== 'revoked' || !isSpiffeAgentId(agent.id)) continue; // no certificate was ever issued for an id that cannot be a SPIFFE path
    for (const serial of await revokeAgentCertificates(store, trustDomain, agent.id, AGENT_REVOKED_REASON, options)) revoked.push({ agent: agent.id, serial });
  }
  return revoked;
}

/**
 * True if the certificate with this serial has been revoked. Reads the store on every call, so a
 * revocation takes effect at the next check. Takes the serial as node:tls gives it
 * (`getPeerCertificate().serialNumber`, upper-case hex) or in any spelling `normalizeSerial` accepts;
 * a serial that cannot be one of ours is not "revoked" but a TypeError.
 */
export async function isRevoked(store: Store, serial: string): Promise<boolean> {
  return (await store.revocations.get('certificate', normalizeSerial(serial))) !== undefined;
}

/** DER encoding of a non-negative INTEGER (for the CRL number). */
function derInteger(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  const body = Buffer.from(hex, 'hex');
  if (body.length > 127) throw new RangeError('integer too large');
  return Uint8Array.from([0x02, body.length, ...body]);
}

/**
 * Builds and signs the CA's current CRL (PEM): every revoked certificate with its revocation date
 * and, when the reason names one, its RFC 5280 reason code. thisUpdate is now, nextUpdate one hour
 * later; the CRL number is thisUpdate in milliseconds, so it increases from one CRL to the next.
 */
export async function buildCrl(store: Store, options: { readonly clock?: Clock } = {}): Promise<string> {
  const clock = options.clock ?? systemClock;
  const ca = await loadCertificateAuthority(store, { clock });
  const now = clock.now();
  const revoked = (await store.revocations.list('certificate')).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const entries: x509.X509CrlEntryParams[] = revoked.map((r) => {
    const reason = crlReasonOf(r.reason);
    // invalidityDate on every entry: @peculiar/x509 writes an entry without extensions as an empty
    // SEQUENCE, which the ASN.1 (SIZE (1..MAX)) forbids; strict parsers would reject the whole CRL.
    return { serialNumber: r.id, revocationDate: new Date(r.at), invalidity: new Date(r.at), ...(reason === undefined ? {} : { reason }) };
  });
  const crl = await x509.X509CrlGenerator.create(
    {
      issuer: ca.certificate.subjectName,
      thisUpdate: new Date(now),
      nextUpdate: new Date(now + CRL_VALIDITY_MS),
      signingKey: ca.signingKey,
      signingAlgorithm: ED25519,
      entries,
      extensions: [
        new x509.Extension('2.5.29.20', false, derInteger(BigInt(now))),
        await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return toPem('X509 CRL', crl.rawData);
}

/** Throws CERTIFICATE_REVOKED if the certificate with this serial has been revoked (see `isRevoked`). */
export async function assertNotRevoked(store: Store, serial: string): Promise<void> {
  const id = normalizeSerial(serial);
  const revocation = await store.revocations.get('certificate', id);
  if (revocation !== undefined) throw new MassError('CERTIFICATE_REVOKED', `certificate ${id} was revoked on ${new Date(revocation.at).toISOString()}`);
}
