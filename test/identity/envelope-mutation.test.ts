import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isVerificationCode, MassError, type MassErrorCode } from '../../src/core/errors.js';
import { canonicalJson } from '../../src/core/json.js';
import { signEnvelope } from '../../src/identity/envelope.js';
import type { SigningKey } from '../../src/identity/keys.js';
import { MemoryReplayGuard } from '../../src/identity/replay.js';
import { untrusted } from '../../src/flow/label.js';
import { ACTION, AUDIENCE, hasCode, MAX_LIFETIME_SECONDS, newMesh, verify, type Mesh } from './fixture.js';

/**
 * Tampering is caught: any single mutation of a valid envelope (one character replaced, inserted
 * or deleted, two segments swapped) or of the body it carries makes `verifyEnvelope` throw a
 * MassError with a verification code; it never returns. Each run signs a fresh envelope (keys come
 * from a pool of three registered agents) and verifies with a fresh MemoryReplayGuard, so replay
 * state cannot mask a result. Positions are biased towards segment ends and replacements towards
 * flipped bits, so that the unused low bits of a segment's last character are hit often: with the
 * canonical-base64url check removed from `verifyEnvelope`, this property fails within 10,000 runs.
 */

const AGENTS = ['alice', 'bob', 'carol'] as const;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const JWS_CHARS = `${BASE64URL}.`;

interface Pool {
  readonly mesh: Mesh;
  readonly keys: ReadonlyMap<string, SigningKey>;
}

async function newPool(): Promise<Pool> {
  const mesh = await newMesh(AGENTS);
  const keys = new Map<string, SigningKey>();
  for (const id of AGENTS) keys.set(id, await mesh.registry.signingKey(id));
  return { mesh, keys };
}

/** fast-check's JSON values are JSON too; typed loosely here because its JsonValue type differs from MASS's. */
type Body = Readonly<Record<string, unknown>>;

const bodyArb: fc.Arbitrary<Body> = fc.record({
  to: fc.string({ maxLength: 12 }),
  amount: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  memo: fc.string({ maxLength: 24, unit: 'grapheme' }),
  urgent: fc.boolean(),
  items: fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 4 }),
});

const envelopeArb = fc.record({
  agent: fc.constantFrom(...AGENTS),
  body: bodyArb,
  ttlSeconds: fc.integer({ min: 1, max: MAX_LIFETIME_SECONDS }),
  tainted: fc.boolean(),
});
type EnvelopeSpec = typeof envelopeArb extends fc.Arbitrary<infer T> ? T : never;

async function build(pool: Pool, spec: EnvelopeSpec): Promise<string> {
  const key = pool.keys.get(spec.agent);
  assert.ok(key);
  return signEnvelope(
    key,
    {
      iss: spec.agent,
      aud: AUDIENCE,
      act: ACTION,
      body: spec.body,
      ttlSeconds: spec.ttlSeconds,
      ...(spec.tainted ? { label: untrusted('tool:fetch') } : {}),
    },
    pool.mesh.clock,
  );
}

/**
 * Where a JWS mutation lands: anywhere (a number, taken modulo the length), or near the start or
 * end of one segment, where base64url keeps its unused bits and the segment boundaries are.
 */
type Position = number | { readonly segment: 0 | 1 | 2; readonly fromEnd: boolean; readonly offset: number };
/** The replacement character: any from the alphabet, or the original with some of its 6 bits flipped. */
type Replacement = { readonly any: number } | { readonly xor: number };

type JwsMutation =
  | { readonly kind: 'replace'; readonly at: Position; readonly char: Replacement }
  | { readonly kind: 'insert'; readonly at: Position; readonly char: number }
  | { readonly kind: 'delete'; readonly at: Position }
  | { readonly kind: 'swap'; readonly pair: readonly [number, number] };

type BodyMutation =
  | { readonly kind: 'add-field'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'remove-field'; readonly key: string }
  | { readonly kind: 'alter-field'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'bump-number'; readonly delta: 1 | -1; readonly item: number }
  | { readonly kind: 'change-string'; readonly key: 'to' | 'memo'; readonly value: string };

const BODY_KEYS = ['to', 'amount', 'memo', 'urgent', 'items'] as const;

const positionArb: fc.Arbitrary<Position> = fc.oneof(
  fc.nat(),
  fc.record({ segment: fc.constantFrom(0 as const, 1 as const, 2 as const), fromEnd: fc.boolean(), offset: fc.oneof(fc.constant(0), fc.nat({ max: 8 })) }),
);
const replacementArb: fc.Arbitrary<Replacement> = fc.oneof(fc.record({ any: fc.nat() }), fc.record({ xor: fc.integer({ min: 1, max: 63 }) }));

const jwsMutationArb: fc.Arbitrary<JwsMutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: positionArb, char: replacementArb }),
  fc.record({ kind: fc.constant('insert' as const), at: positionArb, char: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: positionArb }),
  fc.record({ kind: fc.constant('swap' as const), pair: fc.constantFrom([0, 1] as const, [0, 2] as const, [1, 2] as const) }),
);

const bodyMutationArb: fc.Arbitrary<BodyMutation> = fc.oneof(
  fc.record({ kind: fc.constant('add-field' as const), key: fc.constantFrom('extra', 'note', 'amount2', ''), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('remove-field' as const), key: fc.constantFrom(...BODY_KEYS) }),
  fc.record({ kind: fc.constant('alter-field' as const), key: fc.constantFrom(...BODY_KEYS), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ kind: fc.constant('bump-number' as const), delta: fc.constantFrom(1 as const, -1 as const), item: fc.nat() }),
  fc.record({ kind: fc.constant('change-string' as const), key: fc.constantFrom('to' as const, 'memo' as const), value: fc.string({ maxLength: 12 }) }),
);

/** The index a position names in `jws`; `slack` 1 allows the index just past a segment (for inserts). */
function indexOf(jws: string, at: Position, slack: 0 | 1): number {
  if (typeof at === 'number') return at % (jws.length + slack);
  const parts = jws.split('.');
  let start = 0;
  for (let i = 0; i < at.segment; i++) start += (parts[i]?.length ?? 0) + 1;
  const span = (parts[at.segment]?.length ?? 0) + slack;
  if (span === 0) return Math.min(start, jws.length - 1 + slack);
  const offset = at.offset % span;
  return at.fromEnd ? start + span - 1 - offset : start + offset;
}

function mutateJws(jws: string, m: JwsMutation): string {
  switch (m.kind) {
    case 'replace': {
      const at = indexOf(jws, m.at, 0);
      const old = jws[at] ?? '';
      let char: string;
      if ('xor' in m.char && BASE64URL.includes(old)) char = BASE64URL[BASE64URL.indexOf(old) ^ m.char.xor] ?? '';
      else {
        const n = 'any' in m.char ? m.char.any : m.char.xor;
        char = JWS_CHARS[n % JWS_CHARS.length] ?? '';
        if (char === old) char = JWS_CHARS[(n + 1) % JWS_CHARS.length] ?? '';
      }
      return jws.slice(0, at) + char + jws.slice(at + 1);
    }
    case 'insert': {
      const at = indexOf(jws, m.at, 1);
      return jws.slice(0, at) + (JWS_CHARS[m.char % JWS_CHARS.length] ?? '') + jws.slice(at);
    }
    case 'delete': {
      const at = indexOf(jws, m.at, 0);
      return jws.slice(0, at) + jws.slice(at + 1);
    }
    case 'swap': {
      const parts = jws.split('.');
      const [i, j] = m.pair;
      [parts[i], parts[j]] = [parts[j] ?? '', parts[i] ?? ''];
      return parts.join('.');
    }
  }
}

function mutateBody(body: Body, m: BodyMutation): Body {
  const original = canonicalJson(body);
  let next: Body;
  switch (m.kind) {
    case 'add-field':
      next = { ...body, [m.key]: m.value };
      break;
    case 'remove-field': {
      const copy: Record<string, unknown> = { ...body };
      delete copy[m.key];
      next = copy;
      break;
    }
    case 'alter-field':
      next = { ...body, [m.key]: m.value };
      // The drawn value may equal the old one (same boolean, 0 for -0): wrapping it always differs.
      if (canonicalJson(next) === original) next = { ...body, [m.key]: [m.value] };
      break;
    case 'bump-number': {
      const items = body.items as number[];
      if (items.length > 0 && m.item % 2 === 1) {
        const at = m.item % items.length;
        next = { ...body, items: items.map((v, i) => (i === at ? v + m.delta : v)) };
      } else {
        next = { ...body, amount: (body.amount as number) + m.delta };
      }
      break;
    }
    case 'change-string': {
      const old = body[m.key] as string;
      next = { ...body, [m.key]: m.value === old ? `${old}x` : m.value };
      break;
    }
  }
  assert.notEqual(canonicalJson(next), original, `mutation ${m.kind} left the body unchanged`);
  return next;
}

/** Verifies with a fresh replay guard; returns the code it was refused with, or fails the run if it verified. */
async function refusalCode(pool: Pool, jws: string, body: unknown, what: string): Promise<MassErrorCode> {
  try {
    await verify(pool.mesh, jws, body, { replay: new MemoryReplayGuard() });
  } catch (error) {
    assert.ok(error instanceof MassError, `${what}: threw a non-MassError ${String(error)}`);
    assert.ok(isVerificationCode(error.code), `${what}: ${error.code} is not a verification code`);
    return error.code;
  }
  assert.fail(`${what}: the mutated envelope verified\n${jws}\n${JSON.stringify(body)}`);
}

test('an unmutated envelope verifies with a fresh replay guard (and only once with the same guard)', async () => {
  const pool = await newPool();
  await fc.assert(
    fc.asyncProperty(envelopeArb, async (spec) => {
      const jws = await build(pool, spec);
      const replay = new MemoryReplayGuard();
      const { claims, agent } = await verify(pool.mesh, jws, spec.body, { replay });
      assert.equal(claims.iss, spec.agent);
      assert.equal(agent.id, spec.agent);
      assert.equal(claims.exp - claims.iat, spec.ttlSeconds);
      // A body equal up to key order is the same body.
      const reordered = Object.fromEntries(Object.entries(spec.body).reverse());
      await verify(pool.mesh, jws, reordered, { replay: new MemoryReplayGuard() });
      await assert.rejects(verify(pool.mesh, jws, spec.body, { replay }), hasCode('ENVELOPE_REPLAYED'));
    }),
    { numRuns: 500 },
  );
  await pool.mesh.store.close();
});

test('any single mutation of the envelope or its body is refused with a verification code (10,000 runs)', async () => {
  const pool = await newPool();
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(
      envelopeArb,
      fc.oneof(
        jwsMutationArb.map((m) => ({ on: 'jws' as const, m })),
        bodyMutationArb.map((m) => ({ on: 'body' as const, m })),
      ),
      async (spec, mutation) => {
        const jws = await build(pool, spec);
        let code: MassErrorCode;
        if (mutation.on === 'jws') {
          const mutated = mutateJws(jws, mutation.m);
          assert.notEqual(mutated, jws);
          code = await refusalCode(pool, mutated, spec.body, `jws ${mutation.m.kind}`);
        } else {
          code = await refusalCode(pool, jws, mutateBody(spec.body, mutation.m), `body ${mutation.m.kind}`);
          // The envelope itself is intact, so the only thing that can be wrong is the body.
          assert.equal(code, 'BODY_HASH_MISMATCH');
        }
        const key = `${mutation.on}:${code}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      },
    ),
    { numRuns: 10_000 },
  );
  await pool.mesh.store.close();
  // The mutations reach every stage they should: structure, signature and body binding.
  for (const key of ['jws:ENVELOPE_MALFORMED', 'jws:SIGNATURE_INVALID', 'body:BODY_HASH_MISMATCH']) {
    assert.ok((seen.get(key) ?? 0) > 100, `too few ${key} refusals: ${JSON.stringify(Object.fromEntries(seen))}`);
  }
});
