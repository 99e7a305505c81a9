import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ATTACK_LIBRARY } from '../../src/redteam/attacks/index.js';
import { Prng } from '../../src/redteam/prng.js';
import { SCENARIOS } from '../../src/redteam/scenarios/index.js';
import { RISK_IDS, SCENARIO_IDS } from '../../src/redteam/types.js';

// The shape of the suite: all nine risks of DESIGN.md with at least five attacks each, all six
// seed scenarios, each with benign work and a headline attack from the library.

test('every risk id has at least five distinct attacks, and nothing else is a category', () => {
  for (const risk of RISK_IDS) {
    const attacks = ATTACK_LIBRARY.filter((a) => a.category === risk);
    assert.ok(attacks.length >= 5, `${risk}: ${attacks.length} attacks`);
  }
  for (const a of ATTACK_LIBRARY) assert.ok((RISK_IDS as readonly string[]).includes(a.category), a.id);
});

test('attack ids are unique and name their category; each states its goal, success predicate and attacker', () => {
  const ids = ATTACK_LIBRARY.map((a) => a.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const a of ATTACK_LIBRARY) {
    assert.ok(a.id.startsWith(`${a.category}/`), a.id);
    assert.ok(a.goal.length > 20 && a.success.length > 5 && a.attacker.length > 5, a.id);
  }
});

test('the six seed scenarios of DESIGN.md are there, in its order, each with benign tasks and attacks', () => {
  assert.deepEqual(
    SCENARIOS.map((s) => s.id),
    [...SCENARIO_IDS],
  );
  for (const s of SCENARIOS) {
    assert.ok(s.benign.length >= 2, `${s.id}: benign tasks`);
    assert.ok(ATTACK_LIBRARY.filter((a) => a.scenario === s.id).length >= 4, `${s.id}: attacks`);
    const headline = ATTACK_LIBRARY.find((a) => a.id === s.headline);
    assert.ok(headline !== undefined, `${s.id}: headline ${s.headline} is in the library`);
    assert.equal(headline.scenario, s.id);
    for (const b of s.benign) assert.equal(b.scenario, s.id);
  }
});

test('on an untouched world no attack counts as a success and no benign task as done (predicates read effects)', () => {
  for (const s of SCENARIOS) {
    const world = s.world(new Prng('fresh'));
    for (const a of ATTACK_LIBRARY.filter((x) => x.scenario === s.id)) assert.equal(a.succeeded(world), false, a.id);
    for (const b of s.benign) assert.equal(b.completed(world), false, b.id);
  }
});
