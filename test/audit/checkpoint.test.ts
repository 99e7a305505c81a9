import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { isMassError, isVerificationCode } from '../../src/core/errors.js';
import {
  isNoteText,
  MAX_NOTE_BYTES,
  noteKeyHash,
  openNote,
  parseVerifierKey,
  signNote,
  verifierKey,
  type NoteSigner,
  type NoteVerifier,
} from '../../src/audit/note.js';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint, type Checkpoint } from '../../src/audit/checkpoint.js';

/*
 * Known-answer vectors.
 *
 * GO: golang/mod, sumdb/note/note_test.go at commit 02c991387e35f9e4c0a9b7ce137717055f8d716d
 * (TestNewVerifier, TestSign, TestVerifierList, TestOpen) and the package doc of sumdb/note/note.go
 * at 605edab4323bfdf06a0d8ac68b4b18e9e0df249b, which shows the same PeterNeumann note. Strings are
 * copied verbatim; the Go tests slice at byte offsets, reproduced here with `spliceBytes`.
 *
 * SUMDB: the key of sum.golang.org as pinned by the go command (golang/go,
 * src/cmd/go/internal/modfetch/key.go at c674ce87c2e47699bb51e02885fb80519ecbfb27) and a signed
 * tree head that sum.golang.org served (size 65209736). Its origin line "go.sum database tree"
 * makes it a C2SP checkpoint; only sum.golang.org's private key can have produced the signature.
 */
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_NOTE =
  'go.sum database tree\n65209736\n5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=\n\n' +
  '— sum.golang.org Az3grnbssgK7ubgFX36gVETtNv0U23qxyAhAMai2QUfeGa3nB/akvkMdlUErfcZz7l/R3cVtYspg3dxXABkGZZKdsQ8=\n';

/** DER prefix of a PKCS #8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function signerFromGoSkey(skey: string): NoteSigner {
  const [, , name, , key64] = skey.split('+', 5);
  assert.ok(name !== undefined && key64 !== undefined);
  const key = Buffer.from(skey.slice(skey.indexOf(key64)), 'base64');
  assert.equal(key[0], 0x01);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, key.subarray(1)]), format: 'der', type: 'pkcs8' });
  return { name, privateKey, publicKey: rawPublicKey(privateKey) };
}

function rawPublicKey(privateKey: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(String(createPublicKey(privateKey).export({ format: 'jwk' }).x), 'base64url'));
}

function newSigner(name: string): NoteSigner {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { name, privateKey, publicKey: rawPublicKey(privateKey) };
}

function verifierOf(signer: NoteSigner): NoteVerifier {
  return { name: signer.name, publicKey: signer.publicKey };
}

/** Go's `s[:i] + insert + s[i:]` on the UTF-8 bytes of s. */
function spliceBytes(s: string, at: number, insert: string): string {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([b.subarray(0, at), Buffer.from(insert, 'utf8'), b.subarray(at)]).toString('utf8');
}

function assertInvalid(fn: () => unknown, message?: string): void {
  assert.throws(fn, (error: unknown) => isMassError(error, 'CHECKPOINT_INVALID'), message);
}

const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

// ---------------------------------------------------------------------------------------------
// Known answers: golang.org/x/mod/sumdb/note

test('GO TestVerifierList: verifier keys parse to their names and key IDs, and are re-encoded identically', () => {
  assert.equal(peter.name, 'PeterNeumann');
  assert.equal(peter.keyHash, 0xc74f20a3);
  assert.equal(noteKeyHash(peter.name, peter.publicKey), 0xc74f20a3);
  assert.equal(verifierKey(peter.name, peter.publicKey), PETER_VKEY);
  assert.equal(enoch.name, 'EnochRoot');
  assert.equal(enoch.keyHash, 0xaf0cfe78);
  assert.equal(noteKeyHash(enoch.name, enoch.publicKey), 0xaf0cfe78);
  assert.equal(verifierKey(enoch.name, enoch.publicKey), ENOCH_VKEY);
});

test('GO TestNewVerifier: every proper substring and every one-byte increment of the verifier key is rejected', () => {
  const b = Buffer.from(PETER_VKEY, 'latin1');
  for (let i = 0; i <= b.length; i++) {
    for (let j = i + 1; j <= b.length; j++) {
      if (i === 0 && j === b.length) continue;
      assert.throws(() => parseVerifierKey(b.subarray(i, j).toString('latin1')), TypeError);
    }
  }
  for (let i = 0; i < b.length; i++) {
    const mangled = Buffer.from(b);
    mangled[i] = (mangled[i] ?? 0) + 1;
    assert.throws(() => parseVerifierKey(mangled.toString('latin1')), TypeError, `byte ${i}`);
  }
  // Wrong-length key and unknown algorithm, each with a key hash adjusted to match.
  assert.throws(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='), TypeError);
  assert.throws(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), TypeError);
});

test('GO TestSign: the PeterNeumann key signs the sample text to the exact expected note', () => {
  const signer = signerFromGoSkey(PETER_SKEY);
  assert.equal(verifierKey(signer.name, signer.publicKey), PETER_VKEY);
  assert.equal(signNote(GO_TEXT, [signer]), `${GO_TEXT}\n${PETER_SIG}`);
  assert.throws(() => signNote('abc', [signer]), TypeError); // "Sign with short text"
  assert.throws(() => signNote(GO_TEXT, [{ ...signer, name: 'bad name' }]), TypeError); // "Sign with bad signer"
  assert.throws(() => signNote(GO_TEXT, [{ ...signer, name: 'a+b' }]), TypeError);
});

test('GO TestOpen: signatures by known keys verify, unknown ones are ignored', () => {
  const both = GO_TEXT + '\n' + PETER_SIG + ENOCH_SIG;
  assert.deepEqual(openNote(both, [peter]), { body: GO_TEXT, verifiedBy: ['PeterNeumann'] });
  assert.deepEqual(openNote(both, [peter, enoch]), { body: GO_TEXT, verifiedBy: ['PeterNeumann', 'EnochRoot'] });
  assert.deepEqual(openNote(both, [enoch]), { body: GO_TEXT, verifiedBy: ['EnochRoot'] });
  assertInvalid(() => openNote(both, []), 'no verifiable signatures');
  // Duplicated verifier: Go reports "ambiguous key"; a verifier list with two entries for one key is a caller mistake.
  assert.throws(() => openNote(GO_TEXT + '\n' + ENOCH_SIG, [enoch, peter, enoch]), TypeError);
  // Too many signatures, whether or not they are known.
  assertInvalid(() => openNote(GO_TEXT + '\n' + PETER_SIG.repeat(101), [peter]));
  assertInvalid(() => openNote(GO_TEXT + '\n' + PETER_SIG.repeat(101), []));
  assert.deepEqual(openNote(GO_TEXT + '\n' + PETER_SIG.repeat(100), [peter]).verifiedBy, ['PeterNeumann']);
  // Invalid signature of a known key rejects the note.
  assertInvalid(() => openNote(GO_TEXT + '\n' + spliceBytes(PETER_SIG, 60, 'ABCD'), [peter]));
  // Duplicated verified and unverified signatures, one of the unverified ones corrupt: accepted.
  const dup = GO_TEXT + '\n' + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + spliceBytes(ENOCH_SIG, 60, 'ABCD');
  assert.deepEqual(openNote(dup, [peter]), { body: GO_TEXT, verifiedBy: ['PeterNeumann'] });
  // Invalid encoded message syntax.
  const badMsgs: (string | Uint8Array)[] = [
    GO_TEXT,
    GO_TEXT + '\n',
    GO_TEXT + '\n' + PETER_SIG.slice(0, -1),
    '\x01' + GO_TEXT + '\n' + PETER_SIG,
    Buffer.concat([Buffer.from([0xff]), Buffer.from(GO_TEXT + '\n' + PETER_SIG)]),
    GO_TEXT + '\n' + '— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=',
    GO_TEXT + '\n' + PETER_SIG + 'Unexpected line.\n',
  ];
  for (const msg of badMsgs) assertInvalid(() => openNote(msg, [peter]), JSON.stringify(String(msg)));
  // A signature under another name, or another key ID, is not Peter's: it is ignored, and then nothing verifies.
  assertInvalid(() => openNote(GO_TEXT + '\n' + PETER_SIG.replaceAll('PeterNeumann', 'CarmenSandiego'), [peter]));
  assertInvalid(() => openNote(GO_TEXT + '\n' + PETER_SIG.replaceAll('x08g', 'xxxx'), [peter]));
});

test('SUMDB: a signed tree head from sum.golang.org opens as a checkpoint under the go command key', () => {
  const sumdb = parseVerifierKey(SUMDB_VKEY);
  assert.equal(sumdb.keyHash, 0x033de0ae);
  const checkpoint = openCheckpoint(SUMDB_NOTE, { origin: 'go.sum database tree', verifiers: [sumdb] });
  assert.equal(checkpoint.size, 65209736);
  assert.equal(Buffer.from(checkpoint.root).toString('base64'), '5+uGFjx6xBZG8ip1+wi77v+grwbhhukIrxEUS8PXvRo=');
  assert.deepEqual(checkpoint.extensions, []);
  assertInvalid(() => openCheckpoint(SUMDB_NOTE.replace('65209736', '65209737'), { origin: 'go.sum database tree', verifiers: [sumdb] }));
  assertInvalid(() => openCheckpoint(SUMDB_NOTE, { origin: 'sum.golang.org', verifiers: [sumdb] }));
});

// ---------------------------------------------------------------------------------------------
// An independent check written from the spec text, not from src/audit

/**
 * c2sp.org/signed-note: text, blank line, "— <name> <base64(keyID || sig)>\n"; key ID =
 * SHA-256(name || 0x0A || 0x01 || pubkey)[:4] big-endian; Ed25519 over the text.
 * c2sp.org/tlog-checkpoint: origin, decimal size, base64 root hash, newline-terminated.
 */
function specCheck(note: string, name: string, publicKey: Uint8Array): { origin: string; size: string; root: string } {
  const [text, sigs] = [note.slice(0, note.lastIndexOf('\n\n') + 1), note.slice(note.lastIndexOf('\n\n') + 2)];
  const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+=*)\n$/u.exec(sigs);
  assert.ok(match, 'one signature line');
  assert.equal(match[1], name);
  const raw = Buffer.from(match[2] ?? '', 'base64');
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), publicKey]))
    .digest()
    .subarray(0, 4);
  assert.deepEqual(raw.subarray(0, 4), keyId);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  assert.ok(verify(null, Buffer.from(text, 'utf8'), key, raw.subarray(4)), 'Ed25519 over the note text');
  const lines = text.split('\n');
  return { origin: lines[0] ?? '', size: lines[1] ?? '', root: lines[2] ?? '' };
}

test('a checkpoint signed here verifies by the spec text alone', () => {
  const signer = newSigner('example.com/log42');
  const root = new Uint8Array(32).fill(7);
  const note = signCheckpoint({ origin: 'example.com/log42', size: 20852163, root }, signer);
  assert.deepEqual(specCheck(note, signer.name, signer.publicKey), {
    origin: 'example.com/log42',
    size: '20852163',
    root: Buffer.from(root).toString('base64'),
  });
  // And the Go known answer passes the same independent check.
  assert.deepEqual(specCheck(SUMDB_NOTE, 'sum.golang.org', parseVerifierKey(SUMDB_VKEY).publicKey).size, '65209736');
});

// ---------------------------------------------------------------------------------------------
// Round trips and checkpoint syntax

const LOG = newSigner('example.com/log42');
const WITNESS = newSigner('witness.example/w1');
const ROOT = new Uint8Array(createHash('sha256').update('root').digest());

test('checkpoints round-trip through format/parse and sign/open, with and without extension lines', () => {
  const cases: Checkpoint[] = [
    { origin: 'example.com/log42', size: 0, root: ROOT, extensions: [] },
    { origin: 'example.com/log42', size: 1, root: ROOT, extensions: ['ext one', '— looks like a signature'] },
    { origin: 'log with spaces + pluses', size: Number.MAX_SAFE_INTEGER, root: new Uint8Array(32), extensions: [] },
  ];
  for (const checkpoint of cases) {
    const body = formatCheckpoint(checkpoint);
    assert.deepEqual(parseCheckpoint(body), checkpoint);
    const note = signCheckpoint(checkpoint, LOG);
    assert.deepEqual(openCheckpoint(note, { origin: checkpoint.origin, verifiers: [verifierOf(LOG)] }), checkpoint);
    assert.deepEqual(openCheckpoint(Buffer.from(note, 'utf8'), { origin: checkpoint.origin, verifiers: [verifierOf(LOG)] }), checkpoint);
  }
  assert.equal(formatCheckpoint({ origin: 'o', size: 5, root: ROOT }), `o\n5\n${Buffer.from(ROOT).toString('base64')}\n`);
});

test('cosigned notes: each known signature verifies, unknown extra signatures are ignored', () => {
  const body = formatCheckpoint({ origin: 'example.com/log42', size: 3, root: ROOT });
  const stranger = newSigner('stranger.example');
  const note = signNote(body, [LOG, stranger, WITNESS]);
  assert.deepEqual(openNote(note, [verifierOf(LOG), verifierOf(WITNESS)]).verifiedBy, [LOG.name, WITNESS.name]);
  assert.deepEqual(openNote(note, [verifierOf(WITNESS)]).verifiedBy, [WITNESS.name]);
  assert.equal(openCheckpoint(note, { origin: 'example.com/log42', verifiers: [verifierOf(LOG)] }).size, 3);
  // A stranger key under the log's own name (same name, different key ID) is unknown, hence ignored.
  const impostor = newSigner(LOG.name);
  const rotated = signNote(body, [impostor, LOG]);
  assert.deepEqual(openNote(rotated, [verifierOf(LOG)]).verifiedBy, [LOG.name]);
  // Key rotation: two keys of one name, both known, both verify.
  assert.deepEqual(openNote(rotated, [verifierOf(LOG), verifierOf(impostor)]).verifiedBy, [LOG.name]);
});

test('a note signed only by unknown keys is rejected', () => {
  const note = signCheckpoint({ origin: 'example.com/log42', size: 3, root: ROOT }, newSigner('example.com/log42'));
  assertInvalid(() => openCheckpoint(note, { origin: 'example.com/log42', verifiers: [verifierOf(LOG)] }));
  assertInvalid(() => openCheckpoint(note, { origin: 'example.com/log42', verifiers: [] }));
});

test('a checkpoint of another origin is rejected even when its signature verifies', () => {
  const note = signCheckpoint({ origin: 'example.com/other', size: 3, root: ROOT }, LOG);
  assertInvalid(() => openCheckpoint(note, { origin: 'example.com/log42', verifiers: [verifierOf(LOG)] }));
  assert.equal(openCheckpoint(note, { origin: 'example.com/other', verifiers: [verifierOf(LOG)] }).origin, 'example.com/other');
});

test('a signature of a known key that does not verify rejects the note, even next to a valid one', () => {
  const body = formatCheckpoint({ origin: 'example.com/log42', size: 3, root: ROOT });
  const good = signNote(body, [LOG]);
  const other = signNote(formatCheckpoint({ origin: 'example.com/log42', size: 4, root: ROOT }), [LOG]);
  const foreignLine = other.slice(other.lastIndexOf('\n\n') + 2);
  assertInvalid(() => openNote(good + foreignLine, [verifierOf(LOG)]));
});

test('malformed notes are rejected with CHECKPOINT_INVALID', () => {
  const note = signCheckpoint({ origin: 'example.com/log42', size: 3, root: ROOT }, LOG);
  const verifiers = [verifierOf(LOG)];
  const split = note.lastIndexOf('\n\n');
  const [body, sigs] = [note.slice(0, split + 1), note.slice(split + 2)];
  const b64 = sigs.slice(sigs.lastIndexOf(' ') + 1, -1);
  const bad: Record<string, string | Uint8Array> = {
    'missing blank line': body + sigs,
    'no signatures': body + '\n',
    'no signatures at all': body,
    'signature line without final newline': note.slice(0, -1),
    'CRLF line endings': note.replaceAll('\n', '\r\n'),
    'CRLF in the signature block only': body + '\n' + sigs.replace('\n', '\r\n'),
    'hyphen instead of em dash': body + '\n' + sigs.replace('—', '-'),
    'missing space after the dash': body + '\n' + sigs.replace('— ', '—'),
    'two spaces before the signature': body + '\n' + sigs.replace(` ${b64}`, `  ${b64}`),
    'trailing space': body + '\n' + sigs.replace('\n', ' \n'),
    'signature not base64': body + '\n' + sigs.replace(b64, `${b64.slice(0, -4)}!!!=`),
    'signature with a base64url character': body + '\n' + sigs.replace(b64, `-${b64.slice(1)}`),
    'signature without padding': body + '\n' + sigs.replace(b64, b64.replace(/=+$/, '')),
    'signature too short to hold a key ID': body + '\n' + `— ${LOG.name} AAAA\n`,
    'tab in the text': body.replace('\n', '\t\n') + '\n' + sigs,
    'NUL in the text': `\0${note}`,
    'invalid UTF-8': Buffer.concat([Buffer.from(note), Buffer.from([0xc3])]),
    'lone surrogate': `\ud800${note}`,
    oversized: 'x'.repeat(MAX_NOTE_BYTES) + note,
    'oversized bytes': Buffer.alloc(MAX_NOTE_BYTES + 1, 0x41),
    'oversized in UTF-8 only': 'é'.repeat(MAX_NOTE_BYTES / 2) + note,
    'more than 100 signature lines': body + '\n' + sigs.repeat(101),
    'blank line then nothing': note + '\n',
  };
  for (const [what, input] of Object.entries(bad)) assertInvalid(() => openNote(input, verifiers), what);
  // Non-canonical base64: the last character of a 68-byte signature carries 2 unused bits.
  const last = b64.at(-2) ?? '';
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const sloppy = alphabet[(alphabet.indexOf(last) & ~3) | ((alphabet.indexOf(last) & 3) ^ 1)] ?? '';
  assert.equal(b64.at(-1), '=');
  assertInvalid(() => openNote(body + '\n' + sigs.replace(b64, b64.slice(0, -2) + sloppy + '='), verifiers), 'non-canonical base64');
  // Errors are verification failures, not policy denials.
  assert.ok(isVerificationCode('CHECKPOINT_INVALID'));
});

/** Builds a signed note by hand from the spec, bypassing signNote's checks on the text. */
function handSign(text: string, signer: NoteSigner): string {
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${signer.name}\n\x01`, 'utf8'), signer.publicKey]))
    .digest()
    .subarray(0, 4);
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  return `${text}\n— ${signer.name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

test('correctly signed texts that break the note syntax are still rejected', () => {
  const verifiers = [verifierOf(LOG)];
  const body = formatCheckpoint({ origin: 'example.com/log42', size: 3, root: ROOT });
  assert.equal(openNote(handSign(body, LOG), verifiers).body, body); // the hand-made note is right
  const texts: Record<string, string> = {
    tab: body.replace('\n', '\t\n'),
    CRLF: body.replaceAll('\n', '\r\n'),
    NUL: `\0${body}`,
    escape: `\x1b[31m${body}`,
  };
  for (const [what, text] of Object.entries(texts)) assertInvalid(() => openNote(handSign(text, LOG), verifiers), what);
  // A leading U+FEFF is text like any other: kept in the body, covered by the signature.
  const bom = `\ufeff${body}`;
  assert.equal(openNote(signNote(bom, [LOG]), verifiers).body, bom);
  assert.equal(openNote(Buffer.from(signNote(bom, [LOG]), 'utf8'), verifiers).body, bom);
});

test('checkpoint bodies are parsed strictly', () => {
  const r = Buffer.from(ROOT).toString('base64');
  const good = `o\n5\n${r}\n`;
  assert.equal(parseCheckpoint(good).size, 5);
  const bad: Record<string, string> = {
    'no final newline': good.slice(0, -1),
    'two lines': `o\n5\n`,
    'empty origin': `\n5\n${r}\n`,
    'blank line before extensions': `${good}\next\n`,
    'trailing blank line': `${good}\n`,
    'blank line inside': `o\n\n5\n${r}\n`,
    CRLF: good.replaceAll('\n', '\r\n'),
    'leading zero': `o\n05\n${r}\n`,
    'negative size': `o\n-1\n${r}\n`,
    'plus sign': `o\n+5\n${r}\n`,
    exponent: `o\n1e3\n${r}\n`,
    'hex size': `o\n0x5\n${r}\n`,
    'space in size': `o\n 5\n${r}\n`,
    'empty size': `o\n\n${r}\n`,
    'size 2^53': `o\n9007199254740992\n${r}\n`,
    'size 2^63-1 (valid in the spec, beyond the supported range)': `o\n9223372036854775807\n${r}\n`,
    'huge size': `o\n${'9'.repeat(400)}\n${r}\n`,
    'root unpadded': `o\n5\n${r.slice(0, -1)}\n`,
    'root base64url': `o\n5\n${Buffer.from(new Uint8Array(32).fill(0xfb)).toString('base64url')}=\n`,
    'root 31 bytes': `o\n5\n${Buffer.alloc(31).toString('base64')}\n`,
    'root 33 bytes': `o\n5\n${Buffer.alloc(33).toString('base64')}\n`,
    'root non-canonical': `o\n5\n${'A'.repeat(42)}B=\n`,
    'root hex': `o\n5\n${Buffer.from(ROOT).toString('hex')}\n`,
    'control character': `o\x07\n5\n${r}\n`,
  };
  for (const [what, body] of Object.entries(bad)) assertInvalid(() => parseCheckpoint(body), what);
  assert.equal(parseCheckpoint(`o\n9007199254740991\n${r}\n`).size, Number.MAX_SAFE_INTEGER);
  assert.equal(parseCheckpoint(`o\n0\n${r}\n`).size, 0);
});

test('a well-signed note whose text is not a checkpoint is rejected by openCheckpoint', () => {
  const note = signNote(`example.com/log42\n3\n${Buffer.from(ROOT).toString('base64')}\n\next\n`, [LOG]);
  assert.equal(openNote(note, [verifierOf(LOG)]).body.endsWith('\n\next\n'), true);
  assertInvalid(() => openCheckpoint(note, { origin: 'example.com/log42', verifiers: [verifierOf(LOG)] }));
});

test('caller mistakes throw TypeError', () => {
  assert.throws(() => formatCheckpoint({ origin: '', size: 1, root: ROOT }), TypeError);
  assert.throws(() => formatCheckpoint({ origin: 'a\nb', size: 1, root: ROOT }), TypeError);
  assert.throws(() => formatCheckpoint({ origin: 'o', size: -1, root: ROOT }), TypeError);
  assert.throws(() => formatCheckpoint({ origin: 'o', size: 1.5, root: ROOT }), TypeError);
  assert.throws(() => formatCheckpoint({ origin: 'o', size: 2 ** 53, root: ROOT }), TypeError);
  assert.throws(() => formatCheckpoint({ origin: 'o', size: 1, root: ROOT.subarray(1) }), TypeError);
  assert.throws(() => formatCheckpoint({ origin: 'o', size: 1, root: ROOT, extensions: [''] }), TypeError);
  assert.throws(() => formatCheckpoint({ origin: 'o\r', size: 1, root: ROOT }), TypeError);
  assert.throws(() => signNote('no newline', [LOG]), TypeError);
  assert.throws(() => signNote('x\n', []), TypeError);
  assert.throws(() => signNote('crlf\r\n', [LOG]), TypeError);
  assert.throws(() => signNote('x\n', [{ ...LOG, publicKey: WITNESS.publicKey }]), TypeError);
  assert.throws(() => signNote('x\n', [{ ...LOG, privateKey: createPublicKey(LOG.privateKey) }]), TypeError);
  assert.throws(() => noteKeyHash('', LOG.publicKey), TypeError);
  assert.throws(() => noteKeyHash('a b', LOG.publicKey), TypeError);
  assert.throws(() => noteKeyHash('a\u00a0b', LOG.publicKey), TypeError);
  assert.throws(() => noteKeyHash('a', LOG.publicKey.subarray(1)), TypeError);
  assert.throws(() => openCheckpoint('x', { origin: '', verifiers: [] }), TypeError);
});

// ---------------------------------------------------------------------------------------------
// Tampering

const SIGNED: Checkpoint = { origin: 'example.com/log42', size: 20852163, root: ROOT, extensions: [] };
const SIGNED_NOTE = Buffer.from(signCheckpoint(SIGNED, LOG), 'utf8');
const OPTIONS = { origin: SIGNED.origin, verifiers: [verifierOf(LOG)] };

test('changing any byte of a singly-signed checkpoint, in body or signature, makes it fail', () => {
  assert.deepEqual(openCheckpoint(SIGNED_NOTE, OPTIONS), SIGNED);
  for (let i = 0; i < SIGNED_NOTE.length; i++) {
    for (const flip of [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80]) {
      const mutated = Buffer.from(SIGNED_NOTE);
      mutated[i] = (mutated[i] ?? 0) ^ flip;
      assertInvalid(() => openCheckpoint(mutated, OPTIONS), `byte ${i} ^ ${flip}`);
    }
  }
});

test('property: a random single-byte change never opens (one signer)', () => {
  fc.assert(
    fc.property(fc.nat({ max: SIGNED_NOTE.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
      const mutated = Buffer.from(SIGNED_NOTE);
      mutated[at] = ((mutated[at] ?? 0) + delta) & 0xff;
      assertInvalid(() => openCheckpoint(mutated, OPTIONS));
    }),
    { numRuns: 2_000 },
  );
});

const COSIGNED_NOTE = Buffer.from(signNote(formatCheckpoint(SIGNED), [LOG, newSigner('stranger.example')]), 'utf8');
const STRANGER_LINE_START = COSIGNED_NOTE.lastIndexOf('— stranger.example ');

test('property: a random single-byte change, insertion or deletion never opens to a different checkpoint (extra unknown signer)', () => {
  assert.deepEqual(openCheckpoint(COSIGNED_NOTE, OPTIONS), SIGNED);
  let survived = 0;
  fc.assert(
    fc.property(
      fc.nat({ max: COSIGNED_NOTE.length - 1 }),
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom('replace', 'insert', 'delete'),
      (at, byte, how) => {
        const original = COSIGNED_NOTE[at] ?? 0;
        if (how === 'replace' && byte === original) return;
        const mutated =
          how === 'replace'
            ? Buffer.concat([COSIGNED_NOTE.subarray(0, at), Buffer.from([byte]), COSIGNED_NOTE.subarray(at + 1)])
            : how === 'insert'
              ? Buffer.concat([COSIGNED_NOTE.subarray(0, at), Buffer.from([byte]), COSIGNED_NOTE.subarray(at)])
              : Buffer.concat([COSIGNED_NOTE.subarray(0, at), COSIGNED_NOTE.subarray(at + 1)]);
        let opened: Checkpoint;
        try {
          opened = openCheckpoint(mutated, OPTIONS);
        } catch (error) {
          assert.ok(isMassError(error, 'CHECKPOINT_INVALID'), String(error));
          return;
        }
        // Only the ignored, unknown signature line may absorb a change, and the content is unchanged.
        survived++;
        assert.ok(at >= STRANGER_LINE_START, `change at ${at} (${how}) opened`);
        assert.deepEqual(opened, SIGNED);
      },
    ),
    { numRuns: 3_000 },
  );
  assert.ok(survived > 0, 'some changes to the unknown signature are ignored, as the spec requires');
});

test('property: parseCheckpoint fails only with CHECKPOINT_INVALID and round-trips what it accepts', () => {
  const line = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((s) => !s.includes('\n') && isNoteText(s));
  fc.assert(
    fc.property(
      line,
      fc.nat({ max: 2 ** 48 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.array(line, { maxLength: 3 }),
      fc.string({ maxLength: 80 }),
      (origin, size, root, extensions, noise) => {
        const checkpoint: Checkpoint = { origin, size, root, extensions };
        assert.deepEqual(parseCheckpoint(formatCheckpoint(checkpoint)), checkpoint);
        try {
          const parsed = parseCheckpoint(noise);
          assert.equal(formatCheckpoint(parsed), noise);
        } catch (error) {
          assert.ok(isMassError(error, 'CHECKPOINT_INVALID'), String(error));
        }
      },
    ),
    { numRuns: 2_000 },
  );
});
