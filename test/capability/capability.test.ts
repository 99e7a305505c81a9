import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { allows } from '../../src/capability/allows.js';
import { attenuates, isWithin, resourceCovers } from '../../src/capability/attenuate.js';
import { parseCapability, type Capability } from '../../src/capability/capability.js';

// The capability model on its own: strict parsing, attenuation and the invocation check.

const EXAMPLE = '{"action":"call","resource":"transfer","max":{"amount":100}}';

describe('parseCapability', () => {
  test('the documented example parses', () => {
    assert.deepEqual(parseCapability(JSON.parse(EXAMPLE)), { action: 'call', resource: 'transfer', max: { amount: 100 } });
  });

  test('all constraint kinds parse', () => {
    const cap = { action: 'read', resource: 'kb/*', max: { n: 5 }, min: { n: 1 }, oneOf: { mode: ['a', 1, true] }, prefix: { path: 'public/' } };
    assert.deepEqual(parseCapability(cap), cap);
  });

  const refused: [string, unknown][] = [
    ['not an object', 'call transfer'],
    ['an array', [EXAMPLE]],
    ['an unknown key', { action: 'call', resource: 'transfer', maximum: { amount: 1 } }],
    ['an unknown action', { action: 'execute', resource: 'transfer' }],
    ['an empty resource', { action: 'call', resource: '' }],
    ['a star inside the resource', { action: 'call', resource: 'fs/*/x' }],
    ['a control character', { action: 'call', resource: 'a\nb' }],
    ['a too long resource', { action: 'call', resource: 'a'.repeat(257) }],
    ['a string max', { action: 'call', resource: 't', max: { amount: '100' } }],
    ['an empty constraint', { action: 'call', resource: 't', max: {} }],
    ['an array constraint', { action: 'call', resource: 't', max: [1] }],
    ['a __proto__ argument', JSON.parse('{"action":"call","resource":"t","max":{"__proto__":1}}')],
    ['a bad argument name', { action: 'call', resource: 't', max: { 'a b': 1 } }],
    ['an empty oneOf', { action: 'call', resource: 't', oneOf: { x: [] } }],
    ['a null in oneOf', { action: 'call', resource: 't', oneOf: { x: [null] } }],
    ['an object in oneOf', { action: 'call', resource: 't', oneOf: { x: [{}] } }],
    ['a numeric prefix', { action: 'call', resource: 't', prefix: { x: 1 } }],
    ['a class instance', Object.assign(Object.create({ inherited: 1 }) as object, { action: 'call', resource: 't' })],
  ];
  for (const [what, value] of refused) {
    test(`refuses ${what} (TypeError)`, () => {
      assert.throws(() => parseCapability(value), TypeError);
    });
  }
});

describe('attenuation', () => {
  const T = (extra: Partial<Capability> = {}): Capability => ({ action: 'call', resource: 'transfer', ...extra });

  test('resource coverage: exact, prefix, star', () => {
    assert.ok(resourceCovers('transfer', 'transfer'));
    assert.ok(!resourceCovers('transfer', 'transfer2'));
    assert.ok(!resourceCovers('transfer', 'transfer*'));
    assert.ok(resourceCovers('fs/*', 'fs/read'));
    assert.ok(resourceCovers('fs/*', 'fs/r*'));
    assert.ok(resourceCovers('fs/*', 'fs/*'));
    assert.ok(!resourceCovers('fs/*', 'fs*'));
    assert.ok(!resourceCovers('fs/r*', 'fs/*'));
    assert.ok(resourceCovers('*', 'anything/at*'));
  });

  test('each constraint kind: at least as strict is within, looser is not', () => {
    assert.ok(isWithin(T({ max: { amount: 50 } }), T({ max: { amount: 100 } })));
    assert.ok(!isWithin(T({ max: { amount: 150 } }), T({ max: { amount: 100 } })));
    assert.ok(isWithin(T({ min: { amount: 10 } }), T({ min: { amount: 1 } })));
    assert.ok(!isWithin(T({ min: { amount: 0 } }), T({ min: { amount: 1 } })));
    assert.ok(isWithin(T({ oneOf: { cur: ['EUR'] } }), T({ oneOf: { cur: ['EUR', 'USD'] } })));
    assert.ok(!isWithin(T({ oneOf: { cur: ['EUR', 'GBP'] } }), T({ oneOf: { cur: ['EUR', 'USD'] } })));
    assert.ok(!isWithin(T({ oneOf: { n: ['1'] } }), T({ oneOf: { n: [1] } })), 'oneOf compares type and value');
    assert.ok(isWithin(T({ prefix: { to: 'acct/eu/1' } }), T({ prefix: { to: 'acct/eu/' } })));
    assert.ok(!isWithin(T({ prefix: { to: 'acct/' } }), T({ prefix: { to: 'acct/eu/' } })));
  });

  test('a missing constraint is not within; an extra one is', () => {
    assert.ok(!isWithin(T(), T({ max: { amount: 100 } })));
    assert.ok(!isWithin(T({ max: { fee: 1 } }), T({ max: { amount: 100 } })));
    assert.ok(!isWithin(T({ oneOf: { amount: [5] } }), T({ max: { amount: 100 } })), 'kinds are not compared across');
    assert.ok(isWithin(T({ max: { amount: 100, fee: 1 }, prefix: { to: 'x' } }), T({ max: { amount: 100 } })));
  });

  test('a different action is never within', () => {
    assert.ok(!isWithin({ action: 'send', resource: 'transfer' }, T()));
  });

  test('a link attenuates when every capability is within some parent capability', () => {
    const parent = [T({ max: { amount: 100 } }), { action: 'read', resource: 'kb/*' } as Capability];
    assert.ok(attenuates([{ action: 'read', resource: 'kb/public' }, T({ max: { amount: 5 } })], parent));
    assert.ok(
      !attenuates(
        [
          { action: 'read', resource: 'kb/public' },
          { action: 'write', resource: 'kb/public' },
        ],
        parent,
      ),
    );
  });
});

describe('allows', () => {
  const caps: Capability[] = [
    { action: 'call', resource: 'transfer', max: { amount: 100 }, min: { amount: 1 }, oneOf: { currency: ['EUR', 'USD'] }, prefix: { to: 'acct/' } },
    { action: 'read', resource: 'kb/*' },
  ];
  const ok = { amount: 50, currency: 'EUR', to: 'acct/42' };

  test('an invocation within every constraint is allowed', () => {
    assert.ok(allows(caps, { action: 'call', resource: 'transfer', args: ok }));
    assert.ok(allows(caps, { action: 'read', resource: 'kb/doc' }));
  });

  test('each violated constraint refuses', () => {
    for (const args of [
      { ...ok, amount: 101 },
      { ...ok, amount: 0 },
      { ...ok, currency: 'GBP' },
      { ...ok, to: 'other/42' },
    ]) {
      assert.ok(!allows(caps, { action: 'call', resource: 'transfer', args }), JSON.stringify(args));
    }
  });

  test('a constrained argument that is absent or of the wrong type refuses', () => {
    const { amount: _amount, ...noAmount } = ok;
    for (const args of [noAmount, { ...ok, amount: '50' }, { ...ok, amount: Number.NaN }, { ...ok, to: 42 }, { ...ok, currency: ['EUR'] }]) {
      assert.ok(!allows(caps, { action: 'call', resource: 'transfer', args }), JSON.stringify(args));
    }
    assert.ok(!allows(caps, { action: 'call', resource: 'transfer' }));
  });

  test('an inherited property is not an argument', () => {
    const args = Object.create({ amount: 50, currency: 'EUR', to: 'acct/1' }) as Record<string, unknown>;
    assert.ok(!allows(caps, { action: 'call', resource: 'transfer', args }));
  });

  test('the resource must be covered, and a "*" in an invocation never matches', () => {
    assert.ok(!allows(caps, { action: 'call', resource: 'transfer2', args: ok }));
    assert.ok(!allows(caps, { action: 'read', resource: 'kb*' }));
    assert.ok(!allows(caps, { action: 'read', resource: 'kb/*' }));
    assert.ok(!allows([{ action: 'read', resource: '*' }], { action: 'read', resource: '' }));
    assert.ok(!allows(caps, { action: 'write', resource: 'kb/doc' }));
  });
});
