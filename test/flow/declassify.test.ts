import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMassError } from '../../src/core/errors.js';
import { declassify, parseDeclassification } from '../../src/flow/declassify.js';
import { classified, untrusted } from '../../src/flow/label.js';

test('a declassify body names what is lowered and why; anything else is ARGUMENT_INVALID', () => {
  for (const bad of [
    null,
    'x',
    [],
    {},
    { to: {}, reason: 'r' },
    { to: { integrity: 'untrusted' }, reason: 'r' },
    { to: { confidentiality: 'top' }, reason: 'r' },
    { to: { readers: [] }, reason: 'r' },
    { to: { integrity: 'trusted' } },
    { to: { integrity: 'trusted' }, reason: ' ' },
    { to: { integrity: 'trusted' }, reason: 'r', extra: 1 },
  ]) {
    assert.throws(
      () => parseDeclassification(bad),
      (e: unknown) => isMassError(e) && e.code === 'ARGUMENT_INVALID',
      JSON.stringify(bad),
    );
  }
  assert.deepEqual(parseDeclassification({ to: { integrity: 'trusted', confidentiality: 'internal', readers: null }, reason: 'reviewed' }), {
    integrity: 'trusted',
    confidentiality: 'internal',
    clearReaders: true,
    reason: 'reviewed',
  });
});

test('declassify lowers only what is asked and never raises', () => {
  const label = { ...untrusted('tool:x'), confidentiality: 'secret' as const, readers: ['a'] };
  assert.deepEqual(declassify(label, { integrity: 'trusted', reason: 'r' }), { integrity: 'trusted', sources: [], confidentiality: 'secret', readers: ['a'] });
  assert.deepEqual(declassify(label, { confidentiality: 'internal', clearReaders: true, reason: 'r' }), {
    integrity: 'untrusted',
    sources: ['tool:x'],
    confidentiality: 'internal',
  });
  assert.equal(declassify(classified('public'), { confidentiality: 'secret', reason: 'r' }).confidentiality, 'public');
});
