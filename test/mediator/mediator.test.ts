import assert from 'node:assert/strict';
import { test } from 'node:test';
import { untrusted } from '../../src/flow/label.js';
import type { Approver } from '../../src/mediator/stages.js';
import { NoApprovalChannel, ScriptedApprovalChannel } from '../../src/mediator/stages/approve.js';
import type { ApprovalRequest } from '../../src/mediator/types.js';
import { createHarness } from './harness.js';

test('approval required and no channel configured → APPROVAL_REQUIRED, nothing runs', async () => {
  const h = await createHarness(new NoApprovalChannel());
  try {
    const effect = h.counter();
    const verdict = await h.mediator().mediate(await h.signed('echo', { text: 'hi' }), effect);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) {
      assert.equal(verdict.code, 'APPROVAL_REQUIRED');
      assert.equal(verdict.stage, 'approve');
      assert.deepEqual(verdict.decision?.policyIds, ['echo-with-approval']);
    }
    assert.equal(effect.runs, 0);
  } finally {
    await h.close();
  }
});

test('a human refusing → APPROVAL_DENIED; the channel saw the exact action', async () => {
  const channel = new ScriptedApprovalChannel(() => ({ approved: false, approver: 'carol', reason: 'looks odd' }));
  const h = await createHarness(channel);
  try {
    const effect = h.counter();
    const verdict = await h.mediator().mediate(await h.signed('echo', { text: 'please' }), effect);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.equal(verdict.code, 'APPROVAL_DENIED');
    assert.equal(effect.runs, 0);
    assert.equal(channel.requests.length, 1);
    const request = channel.requests[0]!;
    assert.equal(request.actor, 'alice');
    assert.equal(request.target, 'echo');
    assert.deepEqual(request.body, { text: 'please' });
    assert.match(request.actionHash, /^[A-Za-z0-9_-]{43}$/);
  } finally {
    await h.close();
  }
});

test('an approval answering a different action hash is refused (approvals are bound to the action)', async () => {
  const lying: Approver = { approve: (r: ApprovalRequest) => ({ approved: true, actionHash: `${r.actionHash.slice(1)}A` }) };
  const h = await createHarness(lying);
  try {
    const effect = h.counter();
    const verdict = await h.mediator().mediate(await h.signed('echo', { text: 'hi' }), effect);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.equal(verdict.code, 'STAGE_MALFORMED');
    assert.equal(effect.runs, 0);
  } finally {
    await h.close();
  }
});

test('policy denial is POLICY_DENIED at decide and is recorded as a denial', async () => {
  const h = await createHarness();
  try {
    const effect = h.counter();
    const verdict = await h.mediator().mediate(await h.signed('pay', { amount: 500, to: 'x' }), effect);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) {
      assert.equal(verdict.code, 'POLICY_DENIED');
      assert.equal(verdict.stage, 'decide');
    }
    assert.equal(effect.runs, 0);
    const [entry] = h.recorder.entries;
    assert.equal(entry?.type, 'denial');
    assert.equal(entry?.outcome?.code, 'POLICY_DENIED');
  } finally {
    await h.close();
  }
});

test('records hold hashes of bodies and results, never the bodies themselves', async () => {
  const h = await createHarness();
  try {
    const secret = 'sk-live-THIS-MUST-NOT-BE-LOGGED';
    const verdict = await h.mediator().mediate(await h.signed('pay', { amount: 5, to: secret }), { run: () => Promise.resolve({ receipt: secret }) });
    assert.equal(verdict.ok, true);
    const text = JSON.stringify(h.recorder.entries);
    assert.equal(text.includes(secret), false);
    assert.deepEqual(
      h.recorder.entries.map((e) => e.type),
      ['intent', 'outcome'],
    );
    assert.match(h.recorder.entries[0]?.bodyHash ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(h.recorder.entries[1]?.outcome?.resultHash ?? '', /^[A-Za-z0-9_-]{43}$/);
  } finally {
    await h.close();
  }
});

test('malformed requests are refused before any stage: REQUEST_MALFORMED', async () => {
  const h = await createHarness();
  try {
    const m = h.mediator();
    const good = await h.signed('pay', { amount: 5, to: 'x' });
    const cases: unknown[] = [
      { ...good, kind: 'teleport' },
      { ...good, target: '../etc/passwd' },
      { ...good, target: '' },
      { ...good, body: { n: Number.NaN } },
      { ...good, body: { big: 'x'.repeat(1024 * 1024 + 1) } },
      { ...good, body: { f: () => 1 } },
    ];
    for (const request of cases) {
      const effect = h.counter();
      const verdict = await m.mediate(request as never, effect);
      assert.equal(verdict.ok, false);
      if (!verdict.ok) assert.equal(verdict.code, 'REQUEST_MALFORMED');
      assert.equal(effect.runs, 0);
    }
  } finally {
    await h.close();
  }
});

test('the declared label reaches policy: untrusted context is visible as context.integrity', async () => {
  const h = await createHarness();
  try {
    let seen: string | undefined;
    const m = h.mediator({
      decide: { decide: (input) => ((seen = input.labels.args.amount?.integrity), h.defaults.decide.decide(input)) },
    });
    await m.mediate(await h.signed('pay', { amount: 5, to: 'x' }, { label: untrusted('tool:web') }), h.counter());
    assert.equal(seen, 'untrusted');
  } finally {
    await h.close();
  }
});

test('events: decided before the effect, completed after, with stage timings', async () => {
  const h = await createHarness();
  try {
    const order: string[] = [];
    h.events.on((e) => order.push(e.type));
    const mediator = h.mediator();
    await mediator.mediate(await h.signed('pay', { amount: 5, to: 'x' }), { run: () => (order.push('effect'), Promise.resolve(null)) });
    await mediator.settled(); // the outcome is recorded (and "completed" observed) after the result returns
    assert.deepEqual(order, ['decided', 'effect', 'completed']);
    const completed = h.events.recent.at(-1);
    assert.ok(completed?.timings.decide !== undefined && completed.timings.authenticate !== undefined);
  } finally {
    await h.close();
  }
});
