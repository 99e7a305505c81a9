import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isMassError } from '../../src/core/errors.js';
import { createMesh, MediationError } from '../../src/mesh/mesh.js';
import { readEntries } from '../flow/support.js';
import { exampleConfig } from '../support/fixtures.js';

// A refusal inside a nested call (router sends to support, support sends to billing, billing's
// refund needs approval) reaches the caller with its own code, so `switch (error.code)` works; the
// outer verdict and the audit record still say that the outer effect failed.

async function system() {
  const { config, policies } = exampleConfig();
  const mesh = await createMesh(config, { policies });
  mesh.tool('refund', () => 'refunded');
  mesh.agent('billing').on('message', (_m, ctx) => ctx.call('refund', { customer_id: 'C-1', amount: 500 }));
  return mesh;
}

test('a refusal inside a nested call reaches the caller as APPROVAL_REQUIRED, not EXECUTION_FAILED', async () => {
  const mesh = await system();
  try {
    let caught: unknown;
    await mesh
      .agent('router')
      .send('billing', { text: 'refund 500' })
      .catch((e: unknown) => (caught = e));
    assert.ok(caught instanceof MediationError);
    assert.equal(caught.code, 'APPROVAL_REQUIRED');
    assert.equal(caught.verdict.code, 'EXECUTION_FAILED');
    assert.equal(caught.verdict.stage, 'execute');
    assert.ok(caught.cause instanceof MediationError && caught.cause.verdict.stage === 'approve');
    // The log: the refund was denied, the message's effect failed.
    const entries = await readEntries(mesh);
    assert.ok(entries.some((e) => e.kind === 'denial' && e.resource === 'refund'));
    const outcome = entries.find((e) => e.kind === 'outcome' && e.resource === 'billing')?.outcome as { status?: string; code?: string } | undefined;
    assert.deepEqual([outcome?.status, outcome?.code], ['failed', 'EXECUTION_FAILED']);
  } finally {
    await mesh.close();
  }
});

test('two levels down the inner code still arrives (router → support → billing → refund)', async () => {
  const mesh = await system();
  mesh.agent('support').on('message', (m, ctx) => ctx.send('billing', m.body));
  try {
    await assert.rejects(mesh.agent('router').send('support', { text: 'refund 500' }), (e: unknown) => isMassError(e) && e.code === 'APPROVAL_REQUIRED');
  } finally {
    await mesh.close();
  }
});

test('a handler that fails with a plain error is still EXECUTION_FAILED', async () => {
  const mesh = await system();
  mesh.agent('support').on('message', () => {
    throw new Error('handler crashed');
  });
  try {
    await assert.rejects(
      mesh.agent('router').send('support', { text: 'hi' }),
      (e: unknown) => isMassError(e) && e.code === 'EXECUTION_FAILED' && e.cause === undefined,
    );
  } finally {
    await mesh.close();
  }
});
