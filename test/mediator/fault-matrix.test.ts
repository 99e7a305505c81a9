import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STAGES, type StageName } from '../../src/mediator/types.js';
import { createHarness } from './harness.js';

/**
 * The fault matrix (issue "Foundation", acceptance): every stage × every way a stage can fail.
 * The action used would be allowed (after approval) with healthy stages, so every stage is on its
 * path; with any single faulty stage the effect must never run.
 */

const METHOD: Readonly<Record<StageName, string>> = {
  authenticate: 'authenticate',
  provenance: 'resolve',
  label: 'label',
  inspect: 'inspect',
  decide: 'decide',
  approve: 'approve',
  execute: 'execute',
  record: 'append',
  observe: 'observe',
};

const FAULTS = {
  throw: () => {
    throw new Error('stage exploded');
  },
  reject: () => Promise.reject(new Error('stage rejected')),
  timeout: () => new Promise(() => undefined),
  garbage: () => ({ garbage: true, fn: () => 1 }),
  'garbage-async': () => Promise.resolve(Symbol('not an answer')),
} as const;

type Fault = keyof typeof FAULTS;

function expectedCode(stage: StageName, fault: Fault): string {
  if (stage === 'record') return 'RECORD_FAILED';
  if (stage === 'execute') return 'EXECUTION_FAILED';
  if (fault === 'timeout') return stage === 'approve' ? 'APPROVAL_TIMEOUT' : 'STAGE_TIMEOUT';
  if (fault === 'garbage' || fault === 'garbage-async') return 'STAGE_MALFORMED';
  return 'STAGE_FAILED';
}

test('healthy pipeline: the matrix action runs exactly once (the matrix can fail)', async () => {
  const h = await createHarness();
  try {
    const effect = h.counter();
    const verdict = await h.mediator().mediate(await h.signed('echo', { text: 'hi' }), effect);
    assert.equal(verdict.ok, true, JSON.stringify(verdict));
    assert.equal(effect.runs, 1);
    assert.deepEqual(
      h.recorder.entries.map((e) => e.type),
      ['intent', 'outcome'],
    );
  } finally {
    await h.close();
  }
});

test('fault matrix: every stage × throw / reject / timeout / garbage → typed deny, 0 executions', async () => {
  const h = await createHarness();
  const cells: string[] = [];
  let totalRuns = 0;
  try {
    for (const stage of STAGES) {
      for (const fault of Object.keys(FAULTS) as Fault[]) {
        const faulty = { [METHOD[stage]]: FAULTS[fault] } as unknown;
        const mediator = h.mediator({ [stage]: faulty }, { stage: 25, approval: 25, execute: 25 });
        const effect = h.counter();
        const verdict = await mediator.mediate(await h.signed('echo', { text: `${stage}/${fault}` }), effect);
        totalRuns += effect.runs;
        assert.equal(effect.runs, 0, `${stage} × ${fault}: the effect ran`);
        assert.equal(verdict.ok, false, `${stage} × ${fault}: not denied`);
        if (verdict.ok) continue;
        assert.equal(verdict.code, expectedCode(stage, fault), `${stage} × ${fault}: code ${verdict.code} (${verdict.reason})`);
        assert.equal(verdict.stage, stage, `${stage} × ${fault}: reported at ${verdict.stage}`);
        cells.push(`${stage}×${fault}`);
      }
    }
  } finally {
    await h.close();
  }
  assert.equal(cells.length, STAGES.length * Object.keys(FAULTS).length);
  assert.equal(totalRuns, 0);
});

test('a stage throwing a MassError keeps its code (a verification failure is not a crash)', async () => {
  const h = await createHarness();
  try {
    const effect = h.counter();
    const request = await h.signed('echo', { text: 'hi' });
    const verdict = await h.mediator().mediate({ ...request, envelope: `${request.envelope ?? ''}x` }, effect);
    assert.equal(verdict.ok, false);
    if (!verdict.ok) assert.ok(['SIGNATURE_INVALID', 'ENVELOPE_MALFORMED'].includes(verdict.code), verdict.code);
    assert.equal(effect.runs, 0);
  } finally {
    await h.close();
  }
});

test('an effect that throws after it started is reported as EXECUTION_FAILED with executed: true', async () => {
  const h = await createHarness();
  try {
    const verdict = await h.mediator().mediate(await h.signed('echo', { text: 'hi' }), { run: () => Promise.reject(new Error('tool broke')) });
    assert.equal(verdict.ok, false);
    if (!verdict.ok) {
      assert.equal(verdict.code, 'EXECUTION_FAILED');
      assert.equal(verdict.executed, true);
    }
    assert.deepEqual(
      h.recorder.entries.map((e) => [e.type, e.outcome?.status ?? null]),
      [
        ['intent', null],
        ['outcome', 'failed'],
      ],
    );
  } finally {
    await h.close();
  }
});
