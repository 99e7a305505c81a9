import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CONFIDENTIALITY_LEVELS, classified, isLabel, joinLabels, labelDominates, mayRead, TRUSTED, untrusted, type Label } from '../../src/flow/label.js';

const agent = fc.constantFrom('a', 'b', 'c', 'd');
const arbLabel: fc.Arbitrary<Label> = fc
  .record({
    integrity: fc.constantFrom('trusted' as const, 'untrusted' as const),
    sources: fc.uniqueArray(fc.constantFrom('tool:x', 'tool:y', 'agent:z', 'memory:m'), { maxLength: 3 }),
    confidentiality: fc.constantFrom(...CONFIDENTIALITY_LEVELS),
    readers: fc.option(fc.uniqueArray(agent, { maxLength: 4 }), { nil: undefined }),
  })
  .map(({ integrity, sources, confidentiality, readers }) => {
    const base = { integrity, sources: integrity === 'trusted' ? [] : [...sources].sort(), confidentiality };
    return readers === undefined ? base : { ...base, readers: [...readers].sort() };
  });

const same = (a: Label, b: Label) => labelDominates(a, b) && labelDominates(b, a);

test('join is commutative, associative and idempotent (a semilattice)', () => {
  fc.assert(
    fc.property(arbLabel, arbLabel, arbLabel, (a, b, c) => {
      assert.ok(same(joinLabels(a, b), joinLabels(b, a)));
      assert.ok(same(joinLabels(joinLabels(a, b), c), joinLabels(a, joinLabels(b, c))));
      assert.ok(same(joinLabels(a, a), a));
    }),
    { numRuns: 2000 },
  );
});

test('join is an upper bound and the least one: labels only go up', () => {
  fc.assert(
    fc.property(arbLabel, arbLabel, arbLabel, (a, b, c) => {
      const j = joinLabels(a, b);
      assert.ok(labelDominates(j, a) && labelDominates(j, b));
      if (labelDominates(c, a) && labelDominates(c, b)) assert.ok(labelDominates(c, j));
      assert.ok(isLabel(j));
    }),
    { numRuns: 2000 },
  );
});

test('propagation: a chain of reads never ends below anything read along it', () => {
  fc.assert(
    fc.property(fc.array(arbLabel, { maxLength: 12 }), (reads) => {
      const context = reads.reduce(joinLabels, TRUSTED);
      for (const r of reads) assert.ok(labelDominates(context, r));
      // whoever may read the whole context may read each piece of it
      for (const reader of ['a', 'b', 'c', 'd']) {
        if (mayRead(context, reader, 'secret')) for (const r of reads) assert.ok(mayRead(r, reader, 'secret'));
      }
    }),
    { numRuns: 1000 },
  );
});

test('untrusted taints, confidentiality rises, readers narrow', () => {
  const j = joinLabels(untrusted('tool:read_file'), classified('confidential', ['billing', 'audit']));
  assert.deepEqual(j, { integrity: 'untrusted', sources: ['tool:read_file'], confidentiality: 'confidential', readers: ['audit', 'billing'] });
  assert.deepEqual(joinLabels(j, classified('internal', ['billing'])).readers, ['billing']);
  assert.equal(mayRead(j, 'billing', 'confidential'), true);
  assert.equal(mayRead(j, 'billing', 'internal'), false);
  assert.equal(mayRead(j, 'router', 'secret'), false);
  assert.equal(labelDominates(TRUSTED, j), false);
});

test('isLabel refuses labels with missing, extra or inconsistent fields (envelope input)', () => {
  assert.equal(isLabel(TRUSTED), true);
  assert.equal(isLabel({ integrity: 'trusted', sources: [] }), false);
  assert.equal(isLabel({ integrity: 'trusted', sources: ['tool:x'], confidentiality: 'public' }), false);
  assert.equal(isLabel({ ...TRUSTED, confidentiality: 'top-secret' }), false);
  assert.equal(isLabel({ ...TRUSTED, extra: 1 }), false);
  assert.equal(isLabel({ ...TRUSTED, readers: 'all' }), false);
  assert.equal(isLabel({ ...TRUSTED, readers: Array.from({ length: 300 }, (_, i) => `a${i}`) }), false);
});
