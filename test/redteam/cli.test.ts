import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { run } from '../../src/cli/main.js';
import { RISK_IDS, SCENARIO_IDS } from '../../src/redteam/types.js';

// `mass redteam --json FILE` runs the default suite and writes exactly the DESIGN.md shape.
// One full run (a few seconds) also checks the figures the suite stands for.

const dir = mkdtempSync(join(tmpdir(), 'mass-redteam-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Categories whose defences are not built yet: their attacks must show as succeeding when defended. */
const NOT_YET_DEFENDED = ['memory-poisoning', 'non-determinism', 'trust-exploitation', 'timing-monitoring', 'workflow-architecture'];

test('mass redteam --json: the DESIGN.md shape, all nine categories (≥ 5 attacks) and six scenarios, tables and progress', async () => {
  let out = '';
  let err = '';
  const status = await run(['redteam', '--json', 'out.json'], { cwd: dir, out: (t) => (out += t), err: (t) => (err += t) });
  assert.equal(status, 0, err);
  const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['categories', 'scenarios', 'utility', 'approvals_requested']);

  const categories = json.categories as Record<string, Record<string, number>>;
  assert.deepEqual(Object.keys(categories), [...RISK_IDS]);
  for (const [id, c] of Object.entries(categories)) {
    assert.deepEqual(Object.keys(c), ['attacks', 'succeeded_undefended', 'succeeded_defended']);
    assert.ok((c.attacks ?? 0) >= 5, id);
    assert.equal(c.succeeded_undefended, c.attacks, `${id}: every attack is real (succeeds undefended)`);
    if (NOT_YET_DEFENDED.includes(id)) assert.equal(c.succeeded_defended, c.attacks, `${id}: no defence built yet, so no success is hidden`);
  }

  const scenarios = json.scenarios as Record<string, Record<string, number>>;
  assert.deepEqual(Object.keys(scenarios), [...SCENARIO_IDS]);
  for (const s of Object.values(scenarios)) {
    assert.deepEqual(Object.keys(s), [
      'attacks',
      'succeeded_undefended',
      'succeeded_defended',
      'benign_tasks',
      'completed_undefended',
      'completed_defended',
      'approvals_requested',
    ]);
  }
  const attacks = Object.values(categories).reduce((n, c) => n + (c.attacks ?? 0), 0);
  assert.equal(
    Object.values(scenarios).reduce((n, s) => n + (s.attacks ?? 0), 0),
    attacks,
  );

  const utility = json.utility as Record<string, number>;
  assert.deepEqual(Object.keys(utility), ['benign_tasks', 'completed_undefended', 'completed_defended']);
  assert.equal(utility.completed_undefended, utility.benign_tasks);
  assert.equal(utility.completed_defended, utility.benign_tasks);
  assert.ok(typeof json.approvals_requested === 'number' && json.approvals_requested > 40);

  assert.match(out, /^category +attacks +undefended +defended$/m);
  assert.match(out, /^support-billing-injection +\d+/m);
  assert.match(out, /^approvals requested \(defended runs\): \d+$/m);
  assert.match(err, /^\[#{30}\] \d+\/\d+ /m);
});

test('mass redteam: --seed must be a non-negative integer (usage error)', async () => {
  let err = '';
  assert.equal(await run(['redteam', '--seed', 'x'], { cwd: dir, out: () => undefined, err: (t) => (err += t) }), 2);
  assert.match(err, /integer/);
});
