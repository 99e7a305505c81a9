import { MassError } from '../core/errors.js';
import { parseSpiffeId, type SpiffeIdentity } from './spiffe.js';
import { MAX_CERTIFICATE_DER_BYTES, normalizeSerial, UNTRUSTED_PARSE_OPTIONS, x509 } from './x509.js';

/**
 * The identity of a TLS peer: the SPIFFE ID in its certificate. Everything in this file parses
 * ATTACKER-CONTROLLED INPUT — a certificate a peer presented — and fails closed with
 * PEER_IDENTITY_INVALID on anything unexpected.
 *
 * This reads the identity; it does not decide whether to trust the certificate. Call it on a
 * certificate that node:tls already verified against the CA (`requestCert: true`,
 * `rejectUnauthorized: true`, `ca: [ca.crt]`), and check `isRevoked(store, identity.serial)`.
 */

/** A peer's SPIFFE identity and the serial of the certificate it was read from. */
export type PeerIdentity = SpiffeIdentity & {
  /** Lower-case hex serial, as `isRevoked` and the certificates table expect it. */
  readonly serial: string;
};

/**
 * A peer certificate as node:tls gives it (`socket.getPeerCertificate()`, whose `raw` is the DER;
 * an empty object when the peer sent none), a node:crypto `X509Certificate` (`getPeerX509Certificate()`),
 * a PEM string, or DER bytes.
 */
export type PeerCertificateInput = { readonly raw?: Uint8Array | undefined } | string | Uint8Array;

/** Longest PEM text accepted (base64 of the DER limit, with line breaks and armour). */
const MAX_PEM_CHARS = Math.ceil((MAX_CERTIFICATE_DER_BYTES * 4) / 3) * 2;
const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n((?:[A-Za-z0-9+/=]{1,76}\r?\n)+)-----END CERTIFICATE-----\r?\n?$/;

const URI_NAME = 'url';
const SAN_OID = '2.5.29.17';

function invalid(message: string, cause?: unknown): MassError {
  return new MassError('PEER_IDENTITY_INVALID', message, cause === undefined ? undefined : { cause });
}

/** ATTACKER-CONTROLLED: extracts the DER bytes, bounding their size before anything parses them. */
function derOf(input: PeerCertificateInput): Uint8Array {
  let der: Uint8Array | undefined;
  if (typeof input === 'string') {
    if (input.length > MAX_PEM_CHARS) throw invalid('the peer certificate is too large');
    // Exactly one PEM block, strict base64 lines: no headers, no second certificate, no trailing text.
    const match = PEM_CERTIFICATE.exec(input.trim() + '\n');
    if (match === null || match[1] === undefined) throw invalid('expected exactly one PEM certificate');
    der = Buffer.from(match[1].replace(/\r?\n/g, ''), 'base64');
  } else if (input instanceof Uint8Array) {
    der = input;
  } else if (typeof input === 'object' && input !== null) {
    der = input.raw;
  }
  if (der === undefined || der.length === 0) throw invalid('the peer presented no certificate');
  if (der.length > MAX_CERTIFICATE_DER_BYTES) throw invalid('the peer certificate is too large');
  return der;
}

/**
 * Reads and validates the SPIFFE identity of a peer certificate: it must carry exactly one
 * subjectAltName extension holding exactly one URI, and that URI must be
 * `spiffe://<trustDomain>/agent/<id>` or `spiffe://<trustDomain>/gateway` in canonical form.
 * Other SAN entries (DNS names, IP addresses of a server certificate) are allowed. Throws
 * PEER_IDENTITY_INVALID otherwise — including for a missing certificate.
 */
export function peerIdentity(peer: PeerCertificateInput, trustDomain: string): PeerIdentity {
  const der = derOf(peer);
  // ATTACKER-CONTROLLED: DER parsing with asn1js under explicit depth/node/length limits. Every
  // lazily parsed part (extensions, names) is read inside this try, so a malformed part is caught.
  let uris: string[];
  let serial: string;
  try {
    const certificate = new x509.X509Certificate(der, UNTRUSTED_PARSE_OPTIONS);
    serial = normalizeSerial(certificate.serialNumber);
    const sans = certificate.extensions.filter((e) => e.type === SAN_OID);
    if (sans.length !== 1) throw invalid(`the peer certificate has ${sans.length} subjectAltName extensions; expected exactly one`);
    const [san] = sans;
    if (!(san instanceof x509.SubjectAlternativeNameExtension)) throw invalid('the subjectAltName extension is malformed');
    uris = san.names.items.filter((name) => name.type === URI_NAME).map((name) => name.value);
  } catch (error) {
    if (error instanceof MassError) throw error;
    throw invalid('the peer certificate cannot be parsed', error);
  }
  if (uris.length !== 1 || uris[0] === undefined) throw invalid(`the peer certificate has ${uris.length} URI names; expected exactly one SPIFFE ID`);
  return { ...parseSpiffeId(uris[0], trustDomain), serial };
}
