import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, test } from 'node:test';
import { loadCertificateAuthority } from '../../src/ca/authority.js';
import { assertNotRevoked, buildCrl, crlReasonOf, isRevoked, revokeCertificate } from '../../src/ca/revocation.js';
import { normalizeSerial } from '../../src/ca/x509.js';
import { isMassError } from '../../src/core/errors.js';
import { issue, openssl, opensslVerify, show, storeWithCa, writeFiles } from './support.js';

describe('revocation and the CRL', () => {
  test('revoking makes isRevoked true at once; the signed CRL lists the serial with its reason; openssl accepts it', async () => {
    const store = await storeWithCa();
    const alice = await issue(store, { agent: 'alice' });
    const bob = await issue(store, { agent: 'bob' });
    assert.equal(await isRevoked(store, alice.serial), false);
    const result = await revokeCertificate(store, alice.serial, 'keyCompromise');
    assert.equal(result.newlyRevoked, true);
    assert.equal(result.subject, alice.spiffeId);
    assert.equal(await isRevoked(store, alice.serial), true);
    assert.equal(await isRevoked(store, new X509Certificate(alice.certificatePem).serialNumber), true, 'node:tls spelling (upper case)');
    assert.equal(await isRevoked(store, bob.serial), false);
    await assert.rejects(assertNotRevoked(store, alice.serial), (e) => isMassError(e, 'CERTIFICATE_REVOKED'));
    await assertNotRevoked(store, bob.serial);

    const crl = await buildCrl(store);
    assert.match(crl, /^-----BEGIN X509 CRL-----\n[\s\S]+\n-----END X509 CRL-----\n$/);
    const dir = writeFiles({ 'ca.crt': alice.caPem, 'crl.pem': crl });
    const r = await openssl(['crl', '-in', 'crl.pem', '-CAfile', 'ca.crt', '-noout', '-text', '-verify'], dir);
    assert.equal(r.status, 0, show(r));
    assert.match(r.stderr + r.stdout, /verify OK/);
    assert.match(r.stdout, new RegExp(`Serial Number: ${alice.serial.toUpperCase()}`));
    assert.doesNotMatch(r.stdout, new RegExp(bob.serial.toUpperCase()));
    assert.match(r.stdout, /CRL Reason Code:\s*\n\s*Key Compromise/);
    assert.match(r.stdout, /X509v3 CRL Number/);
    assert.match(r.stdout, /X509v3 Authority Key Identifier/);
    assert.match(r.stdout, /Next Update/);

    const revoked = await opensslVerify(alice.caPem, alice.certificatePem, crl);
    assert.notEqual(revoked.status, 0, show(revoked));
    assert.match(revoked.stderr + revoked.stdout, /certificate revoked/);
    const fine = await opensslVerify(bob.caPem, bob.certificatePem, crl);
    assert.equal(fine.status, 0, show(fine));
  });

  test('a CRL with no entries, and entries without a reason code, are well-formed DER (no empty extension SEQUENCE)', async () => {
    const store = await storeWithCa();
    const empty = await buildCrl(store);
    const ca = await loadCertificateAuthority(store);
    assert.equal(
      (await openssl(['crl', '-in', 'crl.pem', '-CAfile', 'ca.crt', '-noout', '-verify'], writeFiles({ 'ca.crt': ca.pem, 'crl.pem': empty }))).status,
      0,
    );
    const alice = await issue(store, { agent: 'alice' });
    await revokeCertificate(store, alice.serial, 'rotated out by the operator');
    const crl = await buildCrl(store);
    const parsed = await openssl(['asn1parse', '-in', 'crl.pem', '-strictpem'], writeFiles({ 'crl.pem': crl }));
    assert.equal(parsed.status, 0, show(parsed));
    assert.doesNotMatch(parsed.stdout, /l=\s*0 cons: SEQUENCE/, 'no empty SEQUENCE');
    assert.match(parsed.stdout, /Invalidity Date/);
    assert.doesNotMatch(parsed.stdout, /CRL Reason Code/, 'free text maps to no reason code');
  });

  test('revoking an unknown serial is CERTIFICATE_UNKNOWN; the CA certificate cannot be revoked; revoking twice keeps the first record', async () => {
    const store = await storeWithCa();
    await assert.rejects(revokeCertificate(store, '4'.repeat(32)), (e) => isMassError(e, 'CERTIFICATE_UNKNOWN'));
    const ca = await loadCertificateAuthority(store);
    await assert.rejects(revokeCertificate(store, ca.serial), TypeError);
    const alice = await issue(store, { agent: 'alice' });
    const first = await revokeCertificate(store, alice.serial.toUpperCase().replace(/(..)(?!$)/g, '$1:'), 'superseded');
    const second = await revokeCertificate(store, `serial=${alice.serial.toUpperCase()}`, 'other');
    assert.equal(first.newlyRevoked, true);
    assert.equal(second.newlyRevoked, false);
    assert.equal(second.revocation.reason, 'superseded');
    await assert.rejects(revokeCertificate(store, 'not hex'), TypeError);
  });

  test('normalizeSerial and crlReasonOf', () => {
    assert.equal(normalizeSerial('4A:3B:0C'), '4a3b0c');
    assert.equal(normalizeSerial(' serial=004A3B '), '4a3b');
    assert.equal(normalizeSerial('0x4a'), '4a');
    for (const bad of ['', '0', '00:00', 'xyz', '1'.repeat(41), '-4a']) assert.throws(() => normalizeSerial(bad), TypeError, bad);
    assert.equal(crlReasonOf('key-compromise'), 1);
    assert.equal(crlReasonOf('Superseded'), 4);
    assert.equal(crlReasonOf('because'), undefined);
    assert.equal(crlReasonOf(null), undefined);
  });
});
