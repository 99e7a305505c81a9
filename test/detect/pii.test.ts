import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PiiDetector, isValidIban, luhnValid, normalizeIban, plausibleCard } from '../../src/detect/pii.js';

const detector = new PiiDetector();

/** [category, matched text] of each finding. */
function found(text: string): Array<[string, string]> {
  return detector.scan(text).map((f) => [f.category, text.slice(f.start, f.end)]);
}

/** Example IBANs of the ISO 13616 registry (one per country shown). */
const IBANS = [
  'DE89370400440532013000',
  'GB82WEST12345698765432',
  'FR1420041010050500013M02606',
  'NL91ABNA0417164300',
  'CH9300762011623852957',
  'BE68539007547034',
  'NO9386011117947',
  'ES9121000418450200051332',
  'IT60X0542811101000000123456',
  'PL61109010140000071219812874',
];

/** Groups of four, as IBANs are printed. */
function spaced(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}

test('IBAN helpers: normalize, validate (length table, mod 97)', () => {
  assert.equal(normalizeIban(' de89 3704-0044 0532 0130 00 '), 'DE89370400440532013000');
  for (const iban of IBANS) {
    assert.ok(isValidIban(iban), iban);
    assert.ok(isValidIban(spaced(iban)), spaced(iban));
  }
  assert.ok(!isValidIban('DE89370400440532013001'), 'checksum');
  assert.ok(!isValidIban('DE8937040044053201300'), 'length');
  assert.ok(!isValidIban('ZZ89370400440532013000'), 'unknown country');
  assert.ok(!isValidIban('DE89 3704 0044 0532 0130 00 extra'), 'trailing text');
  assert.ok(!isValidIban(''));
});

test('IBANs in text: compact and in groups of four, exact spans, confidential', () => {
  assert.deepEqual(found('Please pay to DE89 3704 0044 0532 0130 00 by Friday.'), [['iban', 'DE89 3704 0044 0532 0130 00']]);
  assert.deepEqual(found('IBAN: GB82WEST12345698765432.'), [['iban', 'GB82WEST12345698765432']]);
  assert.deepEqual(found(`accounts ${spaced(IBANS[2] ?? '')} and ${IBANS[3] ?? ''}, fine`), [
    ['iban', spaced(IBANS[2] ?? '')],
    ['iban', IBANS[3] ?? ''],
  ]);
  assert.deepEqual(found('DE89 3704 0044 0532 0130 00 EUR'), [['iban', 'DE89 3704 0044 0532 0130 00']]);
  for (const f of detector.scan('DE89370400440532013000')) assert.equal(f.confidentiality, 'confidential');
});

test('IBAN false positives: bad checksum, wrong grouping, glued to a word', () => {
  assert.deepEqual(found('pay DE89 3704 0044 0532 0130 01 now'), []);
  assert.deepEqual(found('pay DE8937 0400 4405 3201 3000 now'), []);
  assert.deepEqual(found('ref XDE89370400440532013000'), []);
  assert.deepEqual(found('model AB12 and part CD34'), []);
});

/** A valid IBAN for `country` (of length `length`) with this BBAN. */
function makeIban(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`;
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : Number(ch);
    rem = (rem * (v >= 10 ? 100 : 10) + v) % 97;
  }
  return `${country}${String(98 - rem).padStart(2, '0')}${bban}`;
}

test('property: generated IBANs are found exactly; one changed digit is never valid', () => {
  const countries: Array<[string, number]> = [
    ['DE', 22],
    ['FR', 27],
    ['GB', 22],
    ['NL', 18],
    ['BE', 16],
    ['IT', 27],
    ['NO', 15],
  ];
  const arb = fc
    .constantFrom(...countries)
    .chain(([country, length]) => fc.tuple(fc.constant(country), fc.stringMatching(new RegExp(`^[0-9]{${length - 4}}$`))))
    .map(([country, bban]) => makeIban(country, bban));
  fc.assert(
    fc.property(arb, fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 9 }), (iban, group, at, delta) => {
      assert.ok(isValidIban(iban));
      const written = group ? spaced(iban) : iban;
      assert.deepEqual(found(`to ${written}, thanks`), [['iban', written]]);
      // Change one digit of the BBAN: mod 97 catches every single substitution.
      const k = 4 + (at % (iban.length - 4));
      const changed = iban.slice(0, k) + String((Number(iban[k]) + delta) % 10) + iban.slice(k + 1);
      assert.ok(!isValidIban(changed), changed);
      assert.deepEqual(found(`to ${changed}, thanks`), []);
    }),
    { numRuns: 300 },
  );
});

test('Luhn and issuer prefixes', () => {
  assert.ok(luhnValid('79927398713'));
  assert.ok(!luhnValid('79927398710'));
  assert.ok(!luhnValid(''));
  assert.ok(!luhnValid('7992739871x'));
  assert.ok(plausibleCard('4111111111111111'));
  assert.ok(plausibleCard('378282246310005'));
  assert.ok(!plausibleCard('1234567812345670'), 'no scheme starts with 1');
  assert.ok(!plausibleCard('37828224631000'), 'Amex is 15 digits');
});

test('card numbers: common schemes and groupings, exact spans, confidential', () => {
  const cards = [
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '4111111111111111',
    '5555 5555 5555 4444',
    '2223 0031 2200 3222',
    '3782 822463 10005',
    '6011 1111 1111 1117',
    '3530 1113 3330 0000',
    '3056 930902 5904',
  ];
  for (const card of cards) {
    assert.deepEqual(found(`Card: ${card}, exp 12/27.`), [['card-number', card]], card);
  }
  for (const f of detector.scan('4111 1111 1111 1111')) assert.equal(f.confidentiality, 'confidential');
});

test('card false positives: Luhn failures, no scheme, odd grouping, inside references', () => {
  assert.deepEqual(found('Card: 4111 1111 1111 1112'), []);
  assert.deepEqual(found('tracking 1234567812345670 shipped'), []);
  assert.deepEqual(found('Card: 41 1111 1111 1111 11'), []);
  assert.deepEqual(found('order ORD-4111111111111111'), []);
  assert.deepEqual(found('x4111111111111111'), []);
});

test('property: generated Visa numbers are found; one changed digit never is', () => {
  const luhnDigit = (body: string): string => {
    for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return String(d);
    throw new Error('unreachable');
  };
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9]{14}$/), fc.nat(15), fc.integer({ min: 1, max: 9 }), fc.boolean(), (middle, at, delta, grouped) => {
      const body = `4${middle}`;
      const card = body + luhnDigit(body);
      const written = grouped ? card.replace(/(.{4})(?=.)/g, '$1 ') : card;
      assert.deepEqual(found(`pay with ${written} today`), [['card-number', written]]);
      const changed = card.slice(0, at) + String((Number(card[at]) + delta) % 10) + card.slice(at + 1);
      assert.ok(!luhnValid(changed));
      assert.deepEqual(found(`pay with ${changed} today`), []);
    }),
    { numRuns: 300 },
  );
});

test('e-mail addresses, internal', () => {
  assert.deepEqual(found('Write to first.last+tag@sub.example.co.uk.'), [['email', 'first.last+tag@sub.example.co.uk']]);
  assert.deepEqual(found('<alice@example.com>, bob_99@mail.example.org'), [
    ['email', 'alice@example.com'],
    ['email', 'bob_99@mail.example.org'],
  ]);
  assert.deepEqual(found('mailto:ops@xn--bcher-kva.example'), [['email', 'ops@xn--bcher-kva.example']]);
  for (const f of detector.scan('alice@example.com')) assert.equal(f.confidentiality, 'internal');
});

test('e-mail false positives', () => {
  for (const text of ['icon@2x.png', 'user@localhost', 'ping @channel now', 'a @ b.com', 'foo.@example.com', 'x@-bad.com', 'name@example.c0m']) {
    assert.deepEqual(found(text), [], text);
  }
});

test('phone numbers: E.164 and national formats, internal', () => {
  const phones = [
    '+1 (555) 123-4567',
    '+44 20 7946 0958',
    '+491701234567',
    '+33 6 12 34 56 78',
    '(555) 123-4567',
    '555-123-4567',
    '555.123.4567',
    '1-555-123-4567',
    '020 7946 0958',
    '06 12 34 56 78',
    '0170 1234567',
    '0049 170 1234567',
  ];
  for (const phone of phones) {
    assert.deepEqual(found(`Call me at ${phone} tomorrow.`), [['phone', phone]], phone);
  }
  assert.deepEqual(found('phone: 5551234567'), [['phone', '5551234567']]);
  assert.deepEqual(found('Tel. 07911123456'), [['phone', '07911123456']]);
  for (const f of detector.scan('+44 20 7946 0958')) assert.equal(f.confidentiality, 'internal');
});

test('phone false positives: dates, times, versions, addresses, references, amounts, plain integers', () => {
  const benign = [
    'Meeting on 2024-01-15 at 10:30:00.',
    'Due 15.01.2024, paid 01/15/2024, filed 2024/01/15.',
    'timestamp 2024-05-14T11:00:00Z',
    'Upgrade to 1.2.3 or v2.10.1 (build 10.0.19045.3693).',
    'Server 192.168.1.1 and 10.0.0.254 respond.',
    'Invoice 2024-001-0042 and ref INV-2024-00123.',
    'Order #555-123-4567 shipped; order no. 555 123 4567.',
    'Total: $1,234,567.89 (1 234 567 units) in 3.14159265358979 hours.',
    'Order 12345678901 and account 9876543210 and epoch 1716984000.',
    'ISBN 978-3-16-148410-0',
    'Call 123-456-7890 is not a valid North American number.',
    'Room 0.12.3, 2 3 4 5 6 7 8 9 10 11 12',
  ];
  for (const text of benign) assert.deepEqual(found(text), [], text);
});

test('US social security numbers; never-issued blocks are not', () => {
  assert.deepEqual(found('SSN 123-45-6789.'), [['ssn', '123-45-6789']]);
  for (const f of detector.scan('SSN 123-45-6789')) assert.equal(f.confidentiality, 'confidential');
  for (const text of ['000-12-3456', '666-12-3456', '900-12-3456', '123-00-4567', '123-45-0000']) assert.deepEqual(found(text), [], text);
});

test('findings come sorted by position across kinds', () => {
  const text = 'Mail bob@example.com or call +44 20 7946 0958; IBAN DE89370400440532013000; card 4111111111111111.';
  assert.deepEqual(
    found(text).map(([c]) => c),
    ['email', 'phone', 'iban', 'card-number'],
  );
});
