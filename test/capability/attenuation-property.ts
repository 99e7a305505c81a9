import assert from 'node:assert/strict';
import fc from 'fast-check';
import { allows, type Invocation } from '../../src/capability/allows.js';
import { attenuates, isWithin } from '../../src/capability/attenuate.js';
import { CAPABILITY_ACTIONS, type Capability, type Scalar } from '../../src/capability/capability.js';
import { joinChain } from '../../src/capability/chain.js';
import { delegate, issueRoot } from '../../src/capability/issue.js';
import { linkHash, signLink } from '../../src/capability/link.js';
import { verifyChain } from '../../src/capability/verify.js';
import { canonicalJson } from '../../src/core/json.js';
import { isMassError } from '../../src/core/errors.js';
import { randomId } from '../../src/core/ids.js';
import { newCapMesh, signer, type CapMesh } from './fixture.js';

/**
 * The attenuation invariant, shared by `npm test` (≥ 5,000 runs) and `npm run soak:capability`
 * (≥ 100,000 runs): over random root capability sets and random delegation attempts,
 *
 * - delegate() succeeds exactly when the new link attenuates what the delegator holds, and the
 *   chain it builds verifies with exactly those capabilities;
 * - a hand-built chain (links signed directly, delegate()'s check bypassed) verifies exactly when
 *   every link attenuates its parent, and is otherwise refused with CAPABILITY_EXCEEDED;
 * - whenever a chain verifies, its effective capabilities allow no invocation the root did not;
 * - isWithin is reflexive and transitive along every chain.
 *
 * The value domain is small on purpose (few resources, arguments and values) so that random
 * capabilities overlap and random invocations hit them often.
 */

const RESOURCES = ['a', 'a/b', 'a/c', 'a/b/c', 'ab', 'b', '*', 'a*', 'a/*', 'a/b*', 'b*'];
const CONCRETE = ['a', 'a/b', 'a/c', 'a/b/c', 'a/bc', 'ab', 'b', 'ba', 'c', 'a/'];
const ARGS = ['x', 'y', 'z'];
const STRINGS = ['', 'p', 'pq', 'pqr', 'q', 'qp'];
const SUFFIXES = ['', 'b', '/c', 'q', 'p'];

const action = fc.constantFrom(...CAPABILITY_ACTIONS.slice(0, 3));
const argName = fc.constantFrom(...ARGS);
const num = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.double({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }));
const scalar: fc.Arbitrary<Scalar> = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(...STRINGS), fc.boolean());
const dict = <T>(value: fc.Arbitrary<T>) => fc.dictionary(argName, value, { minKeys: 1, maxKeys: 2 });

/** Each constraint kind is present one time in four, so that random capabilities are often satisfiable. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const capability: fc.Arbitrary<Capability> = fc
  .record({
    action,
    resource: fc.constantFrom(...RESOURCES),
    max: sometimes(dict(num)),
    min: sometimes(dict(num)),
    oneOf: sometimes(dict(fc.array(scalar, { minLength: 1, maxLength: 4 }))),
    prefix: sometimes(dict(fc.constantFrom(...STRINGS))),
  })
  .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as unknown as Capability);

/** How to derive a child capability from a held one: narrowing, plus one time in five a widening change. */
const derivation = fc.record({
  pick: fc.nat(),
  resource: fc.oneof(
    fc.constant({ kind: 'keep' as const }),
    fc.record({ kind: fc.constant('narrow' as const), suffix: fc.constantFrom(...SUFFIXES), wildcard: fc.boolean() }),
  ),
  maxDelta: fc.integer({ min: -3, max: 0 }),
  minDelta: fc.integer({ min: 0, max: 3 }),
  keepMask: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  prefixSuffix: fc.constantFrom('', '', 'p', 'q'),
  extra: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: capability }),
  widen: fc.oneof(
    { weight: 4, arbitrary: fc.constant(null) },
    fc.oneof(
      fc.record({ kind: fc.constant('action' as const), value: action }),
      fc.record({ kind: fc.constant('resource' as const), value: fc.constantFrom(...RESOURCES) }),
      fc.record({ kind: fc.constant('drop' as const), value: fc.constantFrom('max' as const, 'min' as const, 'oneOf' as const, 'prefix' as const) }),
      fc.record({ kind: fc.constant('loosen' as const), value: scalar }),
    ),
  ),
});
type Derivation = typeof derivation extends fc.Arbitrary<infer T> ? T : never;

/** A child capability: either random, or derived from one of the held capabilities. */
const childSpec = fc.oneof({ weight: 1, arbitrary: fc.record({ random: capability }) }, { weight: 9, arbitrary: fc.record({ derive: derivation }) });
type ChildSpec = typeof childSpec extends fc.Arbitrary<infer T> ? T : never;

function mapValues<T>(record: Readonly<Record<string, T>>, f: (v: T) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

function derive(held: readonly Capability[], d: Derivation): Capability {
  const base = held[d.pick % held.length] as Capability;
  let resource = base.resource;
  if (d.resource.kind === 'narrow' && resource.endsWith('*')) {
    const narrowed = `${resource.slice(0, -1)}${d.resource.suffix}${d.resource.wildcard ? '*' : ''}`;
    if (narrowed !== '') resource = narrowed;
  }
  const child: { -readonly [K in keyof Capability]: Capability[K] } = { action: base.action, resource };
  const loosen = d.widen?.kind === 'loosen' ? d.widen.value : undefined;
  if (base.max !== undefined) child.max = mapValues(base.max, (v) => v + d.maxDelta + (loosen === undefined ? 0 : 1));
  if (base.min !== undefined) child.min = mapValues(base.min, (v) => v + d.minDelta - (loosen === undefined ? 0 : 1));
  if (base.oneOf !== undefined) {
    child.oneOf = mapValues(base.oneOf, (values) => {
      const kept = values.filter((_, i) => d.keepMask[i % d.keepMask.length]);
      const next = kept.length > 0 ? kept : values.slice(0, 1);
      return loosen === undefined ? next : [...next, loosen];
    });
  }
  if (base.prefix !== undefined) child.prefix = mapValues(base.prefix, (p) => (loosen === undefined ? p + d.prefixSuffix : p.slice(0, -1)));
  if (d.widen?.kind === 'action') child.action = d.widen.value;
  if (d.widen?.kind === 'resource') child.resource = d.widen.value;
  if (d.widen?.kind === 'drop') delete child[d.widen.value];
  if (d.extra !== null) {
    for (const kind of ['max', 'min', 'oneOf', 'prefix'] as const) {
      const extra = d.extra[kind];
      if (extra !== undefined && child[kind] === undefined && d.widen?.kind !== 'drop') (child as Record<string, unknown>)[kind] = extra;
    }
  }
  return child;
}

function materialize(held: readonly Capability[], specs: readonly ChildSpec[]): Capability[] {
  return specs.map((s) => ('random' in s ? s.random : derive(held, s.derive)));
}

const invocation: fc.Arbitrary<Invocation> = fc.record({
  action,
  resource: fc.constantFrom(...CONCRETE),
  args: fc.dictionary(argName, fc.oneof(num, scalar), { maxKeys: 3 }),
});

/** An invocation built to satisfy `cap` where it can (so that "allowed" cases are frequent). */
function invocationFor(cap: Capability, suffix: string): Invocation {
  const args: Record<string, unknown> = {};
  for (const name of ARGS) {
    const oneOf = cap.oneOf?.[name];
    const prefix = cap.prefix?.[name];
    const lo = cap.min?.[name];
    const hi = cap.max?.[name];
    const fits = (v: unknown) =>
      (prefix === undefined || (typeof v === 'string' && v.startsWith(prefix))) &&
      (lo === undefined || (typeof v === 'number' && v >= lo)) &&
      (hi === undefined || (typeof v === 'number' && v <= hi));
    if (oneOf !== undefined) args[name] = oneOf.find(fits) ?? oneOf[0];
    else if (prefix !== undefined) args[name] = `${prefix}${suffix}`;
    else if (lo !== undefined || hi !== undefined) args[name] = lo ?? hi;
  }
  const resource = cap.resource.endsWith('*') ? `${cap.resource.slice(0, -1)}${suffix}` : cap.resource;
  return { action: cap.action, resource: resource === '' ? 'a' : resource, args };
}

export interface PropertyStats {
  runs: number;
  delegated: number;
  refusedAtDelegate: number;
  handBuiltVerified: number;
  handBuiltRefused: number;
  allowedInvocations: number;
}

const same = (a: readonly Capability[], b: readonly Capability[]) => canonicalJson(a) === canonicalJson(b);

async function oneRun(mesh: CapMesh, root: Capability[], steps: ChildSpec[][], invocations: Invocation[], suffix: string, stats: PropertyStats): Promise<void> {
  const path = ['alice', 'bob', 'carol', 'dave', 'erin'];
  for (const c of root) assert.ok(isWithin(c, c), 'isWithin is reflexive');

  // 1. Through delegate(): refused steps are skipped, accepted ones extend the chain.
  let chain = issueRoot(mesh.owner, { to: 'alice', att: root, clock: mesh.clock });
  let held: Capability[] = root;
  const lineage: Capability[][] = [root];
  let holder = 0;
  for (const spec of steps) {
    const att = materialize(held, spec);
    const expected = attenuates(att, held);
    try {
      chain = delegate(chain, { as: signer(mesh, path[holder] as string), to: path[holder + 1] as string, att, clock: mesh.clock });
      assert.ok(expected, 'delegate() accepted a link that does not attenuate');
      held = att;
      lineage.push(att);
      holder++;
      stats.delegated++;
    } catch (error) {
      if (!isMassError(error, 'CAPABILITY_EXCEEDED')) throw error;
      assert.ok(!expected, 'delegate() refused a link that attenuates');
      stats.refusedAtDelegate++;
    }
  }
  const verified = await verifyChain(chain, mesh.options);
  assert.ok(same(verified.capabilities, held));
  // Transitivity along the lineage: each kept capability is within some capability of every ancestor.
  for (let i = 1; i < lineage.length; i++) {
    for (let j = 0; j < i; j++) assert.ok(attenuates(lineage[i] as Capability[], lineage[j] as Capability[]), 'isWithin is transitive along the chain');
  }
  checkInvocations(verified.capabilities, root, invocations, suffix, stats);

  // 2. Hand-built: every attempted step is signed, whatever it grants; the verifier must decide.
  const links = [issueRoot(mesh.owner, { to: 'alice', att: root, clock: mesh.clock })];
  let parentAtt: Capability[] = root;
  let allAttenuate = true;
  const now = Math.floor(mesh.clock.now() / 1000);
  steps.forEach((spec, i) => {
    const att = materialize(parentAtt, spec);
    allAttenuate &&= attenuates(att, parentAtt);
    links.push(
      signLink(signer(mesh, path[i] as string), {
        v: 1,
        iss: path[i] as string,
        aud: path[i + 1] as string,
        att,
        nbf: now,
        exp: now + 600,
        prf: linkHash(links[i] as string),
        dep: i + 1,
        jti: randomId(),
      }),
    );
    parentAtt = att;
  });
  try {
    const hand = await verifyChain(joinChain(links), mesh.options);
    assert.ok(allAttenuate, 'verifyChain accepted a chain with a widening link');
    stats.handBuiltVerified++;
    checkInvocations(hand.capabilities, root, invocations, suffix, stats);
  } catch (error) {
    if (!isMassError(error, 'CAPABILITY_EXCEEDED')) throw error;
    assert.ok(!allAttenuate, 'verifyChain refused a chain whose every link attenuates');
    stats.handBuiltRefused++;
  }
}

function checkInvocations(
  effective: readonly Capability[],
  root: readonly Capability[],
  random: readonly Invocation[],
  suffix: string,
  stats: PropertyStats,
): void {
  for (const inv of [...random, ...effective.map((c) => invocationFor(c, suffix))]) {
    if (!allows(effective, inv)) continue;
    stats.allowedInvocations++;
    assert.ok(allows(root, inv), `effective capabilities allow ${JSON.stringify(inv)}, which the root does not`);
  }
}

/** Runs the property `runs` times; returns what happened (so callers can check it was not vacuous). */
export async function checkAttenuationProperty(runs: number, seed?: number): Promise<PropertyStats> {
  const mesh = await newCapMesh();
  const stats: PropertyStats = { runs: 0, delegated: 0, refusedAtDelegate: 0, handBuiltVerified: 0, handBuiltRefused: 0, allowedInvocations: 0 };
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(capability, { minLength: 1, maxLength: 3 }),
        fc.array(fc.array(childSpec, { minLength: 1, maxLength: 2 }), { minLength: 0, maxLength: 4 }),
        fc.array(invocation, { maxLength: 6 }),
        fc.constantFrom(...SUFFIXES),
        async (root, steps, invocations, suffix) => {
          stats.runs++;
          await oneRun(mesh, root, steps, invocations, suffix, stats);
        },
      ),
      { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
    );
  } finally {
    await mesh.store.close();
  }
  return stats;
}

/** The pure form, cheap enough for many more runs: isWithin(child, parent) ∧ child allows inv ⇒ parent allows inv. */
export function checkIsWithinSoundness(runs: number, seed?: number): void {
  fc.assert(
    fc.property(capability, capability, derivation, invocation, fc.constantFrom(...SUFFIXES), (parent, other, d, inv, suffix) => {
      assert.ok(isWithin(parent, parent));
      for (const child of [other, derive([parent], d)]) {
        if (!isWithin(child, parent)) continue;
        for (const i of [inv, invocationFor(child, suffix)]) if (allows([child], i)) assert.ok(allows([parent], i));
        const grandchild = derive([child], d);
        if (isWithin(grandchild, child)) assert.ok(isWithin(grandchild, parent), 'isWithin is transitive');
      }
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
  );
}
