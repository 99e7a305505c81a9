import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalNumber } from '../../src/flow/amounts.js';
import { appearsIn, indexText, valueForms } from '../../src/flow/match.js';

const found = (value: string | number, text: string) => appearsIn(valueForms(value), indexText(text));

test('numbers match across formats', () => {
  for (const [written, canonical] of [
    ['100', '100'],
    ['100.00', '100'],
    ['1,000', '1000'],
    ['1.000', '1000'],
    ['1,250.50', '1250.5'],
    ['1.250,50', '1250.5'],
    ['0.5', '0.5'],
    ['007', '7'],
  ] as const)
    assert.equal(canonicalNumber(written), canonical, written);
  assert.ok(found(1250.5, 'total due: EUR 1.250,50'));
  assert.ok(found('1250', 'pay $1,250.00 now'));
  assert.ok(!found(125, 'pay $1,250.00 now'));
});

test('IBANs, card and phone numbers match in their compact form', () => {
  assert.ok(found('DE89370400440532013000', 'IBAN: DE89 3704 0044 0532 0130 00.'));
  assert.ok(found('de89 3704 0044 0532 0130 00', 'send to DE89370400440532013000'));
  assert.ok(found('+1 (555) 010-9999', 'call 1 555 010 9999'));
  assert.ok(!found('DE89370400440532013001', 'IBAN: DE89 3704 0044 0532 0130 00.'));
});

test('text matches as whole tokens, ignoring case, punctuation and invisible characters', () => {
  assert.ok(found('Acme Corp.', 'please pay ACME   corp, today'));
  assert.ok(found('bob@example.com', 'Contact: <Bob@Example.COM>'));
  assert.ok(found('https://www.evil.example/pay?x=1', 'visit evil.example/pay?x=1 now'));
  assert.ok(found('张三', '请转账给张三'));
  assert.ok(found('attacker', 'send to att\u200backer'));
  assert.ok(!found('voice', 'pay the invoice'));
  assert.ok(!found('', 'anything'));
});

test('matching never throws on arbitrary strings', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 400 }), (value, text) => {
      found(value, text);
      found(value.length, text);
    }),
    { numRuns: 1000 },
  );
});
