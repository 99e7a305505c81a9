import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CHAIN_SEPARATOR } from '../../src/capability/chain.js';
import { verifyChain } from '../../src/capability/verify.js';
import { isVerificationCode, MassError } from '../../src/core/errors.js';
import { buildChain, newCapMesh } from './fixture.js';

// Fuzzing the chain parser (untrusted input): random edits of a valid 3-link token never crash the
// verifier and never produce a chain it accepts, except the honest prefixes of the original.

const ALPHABET = 'AZaz09-_.~=+/ \u00e9';

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), ch: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('swap-links' as const), i: fc.nat(2), j: fc.nat(2) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(token: string, m: Mutation): string {
  switch (m.kind) {
    case 'replace': {
      const at = m.at % token.length;
      return token.slice(0, at) + m.ch + token.slice(at + 1);
    }
    case 'delete': {
      const at = m.at % token.length;
      return token.slice(0, at) + token.slice(at + m.length);
    }
    case 'insert': {
      const at = m.at % (token.length + 1);
      return token.slice(0, at) + m.text + token.slice(at);
    }
    case 'swap-links': {
      const links = token.split(CHAIN_SEPARATOR);
      const a = links[m.i] as string;
      links[m.i] = links[m.j] as string;
      links[m.j] = a;
      return links.join(CHAIN_SEPARATOR);
    }
  }
}

test('random edits of a token are refused with a verification or capability code (3,000 runs)', async () => {
  const mesh = await newCapMesh();
  const token = buildChain(mesh, ['alice', 'bob', 'carol'], [{ action: 'call', resource: 'transfer', max: { amount: 100 }, oneOf: { currency: ['EUR'] } }]);
  const original = token.split(CHAIN_SEPARATOR);
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
      const mutated = mutations.reduce(mutate, token);
      try {
        const verified = await verifyChain(mutated, mesh.options);
        // Only the unchanged token or an honest prefix of it (whole trailing links cut) verifies.
        const links = mutated.split(CHAIN_SEPARATOR);
        assert.deepEqual(links, original.slice(0, links.length), `an edited token verified: ${JSON.stringify(mutations)}`);
        assert.equal(verified.links.length, links.length);
        seen.set('ok', (seen.get('ok') ?? 0) + 1);
      } catch (error) {
        assert.ok(error instanceof MassError, `threw a non-MassError: ${String(error)}`);
        assert.ok(isVerificationCode(error.code) || error.code === 'CAPABILITY_EXCEEDED' || error.code === 'AGENT_UNKNOWN', `unexpected code ${error.code}`);
        seen.set(error.code, (seen.get(error.code) ?? 0) + 1);
      }
    }),
    { numRuns: 3000 },
  );
  await mesh.store.close();
  for (const code of ['TOKEN_MALFORMED', 'SIGNATURE_INVALID', 'CHAIN_SPLICED']) {
    assert.ok((seen.get(code) ?? 0) > 20, `too few ${code}: ${JSON.stringify(Object.fromEntries(seen))}`);
  }
});
