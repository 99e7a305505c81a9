import { createPublicKey, type webcrypto } from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.js';
import { isMassError, MassError } from '../core/errors.js';
import { generateEd25519Key } from '../identity/keys.js';
import type { Store } from '../store/store.js';
import { crypto, ED25519, fingerprintSha256, importSigningKey, randomSerial, toPem, x509 } from './x509.js';

/**
 * The built-in certificate authority: one Ed25519 key in the store's keystore and its self-signed
 * certificate in the certificates table. It issues the short-lived X.509-SVIDs that agents and the
 * gateway use for mutual TLS (see issue.ts) and signs the revocation list (see revocation.ts).
 */

/** Name of the CA's private key in the keystore. */
export const CA_KEY_NAME = 'mass-ca';
/** `subject` of the CA's own row in the certificates table. */
export const CA_SUBJECT = 'ca';
/** How long the CA certificate is valid: 5 years. */
export const CA_LIFETIME_MS = 5 * 365 * 86_400_000;
/** How far notBefore is backdated, for peers whose clocks run a little behind. */
export const CLOCK_SKEW_MS = 60_000;

/** The trust domain a CA serves; `MassConfig` fits. */
export interface TrustDomainConfig {
  readonly data: { readonly trustDomain: string };
}

/** A loaded CA, ready to sign. The private key is a non-extractable WebCrypto key. */
export interface CertificateAuthority {
  readonly certificate: x509.X509Certificate;
  /** The CA certificate, PEM: what peers put in their trust store (`ca.crt`). */
  readonly pem: string;
  /** Hex serial, lower case. */
  readonly serial: string;
  /** SHA-256 of the DER certificate, `AB:CD:…` as `openssl x509 -fingerprint -sha256` prints it. */
  readonly fingerprint: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly signingKey: webcrypto.CryptoKey;
}

export interface CaOptions {
  readonly clock?: Clock;
}

/** The CA's distinguished name for a trust domain. */
export function caName(trustDomain: string): x509.JsonName {
  return [{ CN: [`MASS CA ${trustDomain}`] }];
}

/**
 * Creates the CA if there is none; returns it either way (`created` tells which). Idempotent, and
 * safe against a second process doing the same: the keystore never overwrites a key, so the loser
 * of a race loads the winner's CA. A key without a certificate (a crash between the two writes) is
 * completed with a certificate; a certificate without its key is CA_INVALID.
 */
export async function initCertificateAuthority(
  store: Store,
  config: TrustDomainConfig,
  options: CaOptions = {},
): Promise<{ readonly ca: CertificateAuthority; readonly created: boolean }> {
  const clock = options.clock ?? systemClock;
  let key = await store.keys.get(CA_KEY_NAME);
  let created = false;
  if (key === undefined) {
    if ((await store.certificates.bySubject(CA_SUBJECT)).length > 0) {
      throw new MassError('CA_INVALID', 'the store holds a CA certificate but not its private key');
    }
    const generated = generateEd25519Key();
    try {
      await store.keys.insert({ name: CA_KEY_NAME, privatePkcs8: generated.privatePkcs8, publicJwk: generated.publicJwk, createdAt: clock.now() });
      created = true;
    } catch (error) {
      // Another process created the CA key first: use theirs.
      if (!isMassError(error, 'AGENT_EXISTS')) throw error;
    }
    key = await store.keys.get(CA_KEY_NAME);
    if (key === undefined) throw new MassError('STORE_FAILED', 'the CA key was not stored');
  }
  if ((await store.certificates.bySubject(CA_SUBJECT)).length === 0) {
    const signingKey = await importSigningKey(key.privatePkcs8);
    const publicKey = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x }, ED25519, true, ['verify']);
    const now = clock.now();
    const notBefore = new Date(now - CLOCK_SKEW_MS);
    const certificate = await x509.X509CertificateGenerator.create(
      {
        serialNumber: randomSerial(),
        subject: caName(config.data.trustDomain),
        issuer: caName(config.data.trustDomain),
        notBefore,
        notAfter: new Date(notBefore.getTime() + CA_LIFETIME_MS),
        publicKey,
        signingKey,
        signingAlgorithm: ED25519,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
          await x509.AuthorityKeyIdentifierExtension.create(publicKey, false, crypto),
        ],
      },
      crypto,
    );
    await store.certificates.add({
      serial: certificate.serialNumber.toLowerCase(),
      subject: CA_SUBJECT,
      pem: toPem('CERTIFICATE', certificate.rawData),
      notBefore: certificate.notBefore.getTime(),
      notAfter: certificate.notAfter.getTime(),
      issuedAt: now,
    });
    created = true;
  }
  return { ca: await loadCertificateAuthority(store, options), created };
}

/**
 * Loads the CA: CA_NOT_INITIALIZED if there is none (run `mass ca init`), CA_INVALID if its key and
 * certificate do not belong together or the certificate is not valid at the clock's time.
 */
export async function loadCertificateAuthority(store: Store, options: CaOptions = {}): Promise<CertificateAuthority> {
  const clock = options.clock ?? systemClock;
  const key = await store.keys.get(CA_KEY_NAME);
  const [row] = await store.certificates.bySubject(CA_SUBJECT);
  if (key === undefined && row === undefined) throw new MassError('CA_NOT_INITIALIZED', 'there is no certificate authority yet (run `mass ca init`)');
  if (key === undefined || row === undefined) throw new MassError('CA_INVALID', 'the CA key or the CA certificate is missing from the store');
  // The CA's own certificate comes from our store, not from a peer; it is still checked, because a
  // CA that signs with a key its certificate does not name would issue certificates nobody accepts.
  const certificate = new x509.X509Certificate(row.pem);
  const storedSpki = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x }, format: 'jwk' }).export({ format: 'der', type: 'spki' });
  if (!Buffer.from(certificate.publicKey.rawData).equals(storedSpki)) {
    throw new MassError('CA_INVALID', 'the CA certificate does not match the CA key in the store');
  }
  const now = clock.now();
  if (certificate.notAfter.getTime() <= now) throw new MassError('CA_INVALID', `the CA certificate expired on ${certificate.notAfter.toISOString()}`);
  if (certificate.notBefore.getTime() > now) throw new MassError('CA_INVALID', `the CA certificate is not valid before ${certificate.notBefore.toISOString()}`);
  return {
    certificate,
    pem: toPem('CERTIFICATE', certificate.rawData),
    serial: certificate.serialNumber.toLowerCase(),
    fingerprint: fingerprintSha256(certificate.rawData),
    notBefore: certificate.notBefore.getTime(),
    notAfter: certificate.notAfter.getTime(),
    signingKey: await importSigningKey(key.privatePkcs8),
  };
}
