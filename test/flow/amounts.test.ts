import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isMassError } from '../../src/core/errors.js';
import { amountsIn, canonicalNumber } from '../../src/flow/amounts.js';
import { appearsIn, canonicalText, indexText, valueForms } from '../../src/flow/match.js';
import { createMesh } from '../../src/mesh/mesh.js';
import { exampleConfig } from '../support/fixtures.js';

const found = (value: string | number, text: string) => appearsIn(valueForms(value), indexText(text));

test('an amount matches with its sign: -40 is not vouched for by "40", nor 40 by "-40"', () => {
  assert.ok(!found(-40, 'refund of 40'));
  assert.ok(!found('-40', 'refund of 40'));
  assert.ok(!found(40, 'adjust the balance by -40'));
  assert.ok(!found(40, 'adjust by \u221240 (minus sign)'));
  assert.ok(found(-40, 'adjust the balance by -40'));
  assert.ok(found(-40, 'adjust by -€40'));
  assert.ok(found(0, 'a balance of 0') && found(-0, 'a balance of 0'));
});

test('digits inside identifiers, dates, IBANs and phone numbers are no amounts', () => {
  for (const [value, text] of [
    [1001, 'refund customer C-1001'],
    [1001, 'refund customer C1001'],
    ['1001', 'refund customer C-1001'],
    [1001, 'see order #1001'],
    [42, 'invoice INV-2024-0042'],
    [2024, 'invoice INV-2024-0042'],
    [2, 'upgrade to v2'],
    [15, 'due 2024-01-15'],
    [2024, 'due 15.01.2024'],
    [30, 'call at 10:30'],
    [3704, 'IBAN DE89 3704 0044 0532 0130 00'],
    [370400, 'IBAN DE89370400440532013000'],
    [7946, 'phone +44 20 7946 0958'],
    [555, 'phone +1 (555) 010-9999'],
    [9999, 'phone 555-010-9999'],
    [12.3, 'version 1.2.3'],
  ] as const)
    assert.ok(!found(value, text), `${String(value)} in ${text}`);
});

test('amounts the user wrote still match: "refund of 40", "40.00 EUR", "€40", "1.250,00", "1 250 000"', () => {
  assert.ok(found(40, 'Route ticket T-2 (customer C-1001, refund of 40 approved).'));
  assert.ok(found(40, 'refund 40.00 EUR'));
  assert.ok(found(40, 'refund €40'));
  assert.ok(found(40, 'refund 40€.'));
  assert.ok(found('€40', 'refund of 40'));
  assert.ok(found(1250, 'pay 1.250,00'));
  assert.ok(found(1250.5, 'pay $1,250.50'));
  assert.ok(found(1250000, 'pay 1 250 000 EUR'));
  assert.ok(found(2024, 'the 2024 budget'));
  // Identifiers still match as identifiers, and phone numbers as phone numbers.
  assert.ok(found('C-1001', 'refund customer C-1001'));
  assert.ok(found('+15550109999', 'phone +1 (555) 010-9999'));
});

test('malformed groupings are no numbers', () => {
  for (const written of ['1.2.3', '15.01.2024', '1,2345,678', '1.000.5', '12,34,567']) assert.equal(canonicalNumber(written), undefined, written);
});

test('property: a number glued to a letter or joined by a hyphen is never an amount; standing alone it is, with its sign', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000_000 }),
      fc.constantFrom('c', 'inv', 'v', 'x', 'é'),
      fc.constantFrom('', '-', '/', '_'),
      (n, prefix, joiner) => {
        assert.ok(!amountsIn(canonicalText(`id ${prefix}${joiner}${n} end`)).has(String(n)));
        assert.ok(!amountsIn(canonicalText(`id ${n}${joiner}${prefix} end`)).has(String(n)));
        assert.ok(amountsIn(canonicalText(`pay ${n} now`)).has(String(n)) || String(n).length >= 7);
        assert.ok(amountsIn(canonicalText(`pay -${n} now`)).has(`-${n}`) || String(n).length >= 7);
        assert.ok(!amountsIn(canonicalText(`pay -${n} now`)).has(String(n)));
      },
    ),
    { numRuns: 500 },
  );
});

// End to end on the `mass init` example: the user's request names customer C-1001, invoice
// INV-2024-0042 and a refund of 40; the router reads the ticket (untrusted) and forwards it; billing refunds what it was told.
async function billing() {
  const { config, policies } = exampleConfig();
  const mesh = await createMesh(config, { policies });
  const ledger: number[] = [];
  let amount = 0;
  mesh.tool('read_ticket', () => 'Customer says: I want my money back, all of it, today.');
  mesh.tool('refund', ({ amount: a }) => (ledger.push(Number(a)), 'refunded'));
  mesh.agent('billing').on('message', (_message, ctx) => ctx.call('refund', { customer_id: 'C-1001', amount }));
  const refund = (value: number) => {
    amount = value;
    return mesh.agent('router').task(async (ctx) => ctx.send('billing', { text: await ctx.call('read_ticket', { ticket_id: 'T-2' }) }), {
      request: 'Handle ticket T-2 (customer C-1001, invoice INV-2024-0042, refund of 40 approved).',
    });
  };
  return { mesh, ledger, refund };
}

test('an amount vouched for only by the digits of an invoice number (INV-2024-0042) needs a human: APPROVAL_REQUIRED', async () => {
  const { mesh, ledger, refund } = await billing();
  try {
    await assert.rejects(refund(42), (e: unknown) => isMassError(e) && e.code === 'APPROVAL_REQUIRED');
    assert.equal(await refund(40), 'refunded');
    assert.deepEqual(ledger, [40]);
  } finally {
    await mesh.close();
  }
});

test('a negative amount where the user said 40 is untrusted, and the example policy refuses amounts <= 0: POLICY_DENIED', async () => {
  const { mesh, ledger, refund } = await billing();
  try {
    await assert.rejects(refund(-40), (e: unknown) => isMassError(e) && e.code === 'POLICY_DENIED');
    await assert.rejects(refund(0), (e: unknown) => isMassError(e) && e.code === 'POLICY_DENIED');
    await assert.rejects(mesh.agent('billing').call('transfer', { to_account: 'X', amount: -5 }), (e: unknown) => isMassError(e) && e.code === 'POLICY_DENIED');
    assert.deepEqual(ledger, []);
  } finally {
    await mesh.close();
  }
});

test('a string of digits and punctuation that is no plain amount ("40.-", "(40)") is not vouched for by an identifier', () => {
  assert.ok(!found('40.-', 'refund customer C-40'));
  assert.ok(!found('(40)', 'refund customer C-40'));
  assert.ok(found('40.-', 'refund 40.- today'));
  assert.ok(found('2024-01-15', 'due 2024-01-15'));
});
