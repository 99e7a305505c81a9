import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTION_KIND_SPECS, ACTION_KINDS, audienceOf, type ActionKind } from '../../src/core/actions.js';
import { CAPABILITY_ACTIONS } from '../../src/capability/capability.js';
import { issueRoot } from '../../src/capability/issue.js';
import { loadOwnerSigningKey } from '../../src/capability/owner.js';
import { isMassError } from '../../src/core/errors.js';
import { EffectRouter, type EffectHandler, type MemoryService } from '../../src/mediator/effect-router.js';
import { KIND_RULES } from '../../src/mediator/kind-rules.js';
import { MemoryRecorder } from '../../src/mediator/stages/record.js';
import type { AuthorizedAction } from '../../src/mediator/stages.js';
import type { ActionRequest } from '../../src/mediator/types.js';
import { TRUSTED } from '../../src/flow/label.js';
import { createMesh, MediationError } from '../../src/mesh/mesh.js';
import { exampleConfig, smallConfig } from '../support/fixtures.js';

const ACTION: AuthorizedAction = { actionId: 'a-1', actor: 'alice', label: TRUSTED };

function requestOf(kind: ActionKind): ActionRequest {
  return { kind, target: kind === 'tool' ? 'echo' : kind.startsWith('memory.') ? 'notes' : 'bob', body: {}, sender: 'alice', label: TRUSTED };
}

test('every action kind has a spec, kind rules and a route', async () => {
  const routed: string[] = [];
  const handler =
    (name: string): EffectHandler<string> =>
    (_request, _action, context) => {
      routed.push(`${name}:${context}`);
      return name;
    };
  const memory: MemoryService<string> = { read: handler('memory.read'), write: handler('memory.write') };
  const router = new EffectRouter<string>({
    host: 'the test host',
    message: handler('message'),
    delegate: handler('delegate'),
    tool: handler('tool'),
    declassify: handler('declassify'),
    memory,
  });
  for (const kind of ACTION_KINDS) {
    const spec = ACTION_KIND_SPECS[kind];
    assert.ok(spec !== undefined, `no spec for ${kind}`);
    assert.equal(audienceOf(kind, 'x'), `${spec.audience}:x`);
    // What a capability may grant is what capabilities can say: a kind's capability action is one of them.
    if (spec.capabilityAction !== null)
      assert.ok((CAPABILITY_ACTIONS as readonly string[]).includes(spec.capabilityAction), `${kind}: ${spec.capabilityAction}`);
    assert.equal(typeof KIND_RULES[kind].structural, 'function', `no structural check for ${kind}`);
    assert.equal(typeof KIND_RULES[kind].output, 'function', `no output rule for ${kind}`);
    assert.equal(await router.perform(requestOf(kind), ACTION, 'ctx'), kind, `${kind} is routed to its own handler`);
  }
  assert.deepEqual(
    routed,
    ACTION_KINDS.map((kind) => `${kind}:ctx`),
  );
  assert.equal(Object.keys(ACTION_KIND_SPECS).length, ACTION_KINDS.length);
  assert.equal(Object.keys(KIND_RULES).length, ACTION_KINDS.length);
});

test('a router without a memory service fails memory kinds with EXECUTION_FAILED; a host without a route fails the kind', async () => {
  const router = new EffectRouter<undefined>({ host: 'the test host', message: () => 'delivered' });
  for (const kind of ['memory.read', 'memory.write'] as const) {
    await assert.rejects(
      router.perform(requestOf(kind), ACTION, undefined),
      (error: unknown) => isMassError(error) && error.code === 'EXECUTION_FAILED' && /no memory service/.test(error.message),
    );
    // Through the Effect the mediator runs, too.
    await assert.rejects(router.effect(requestOf(kind), undefined).run(ACTION), (error: unknown) => isMassError(error) && error.code === 'EXECUTION_FAILED');
  }
  for (const kind of ['tool', 'delegate', 'declassify'] as const) {
    await assert.rejects(
      router.perform(requestOf(kind), ACTION, undefined),
      (error: unknown) => isMassError(error) && error.code === 'EXECUTION_FAILED' && /does not perform/.test(error.message),
    );
  }
  assert.equal(await router.perform(requestOf('message'), ACTION, undefined), 'delivered');
});

test('an allowed memory write in the mesh records its intent, then fails at execute: EXECUTION_FAILED (no memory service)', async () => {
  const recorder = new MemoryRecorder();
  const config = smallConfig({ memory: { notes: { writers: ['alice'], readers: ['alice'], owners: [], confidentiality: 'internal' } } });
  const mesh = await createMesh(config, {
    recorder,
    policies: [{ name: 'notes.cedar', text: 'permit (principal == Agent::"alice", action == Action::"write", resource == Memory::"notes");' }],
  });
  try {
    const refused = await mesh
      .agent('alice')
      .task((ctx) => mesh.act(ctx, 'memory.write', 'notes', { text: 'remember this' }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(refused instanceof MediationError, 'the write is refused');
    assert.equal(refused.code, 'EXECUTION_FAILED');
    assert.equal(refused.verdict.stage, 'execute');
    assert.match(refused.verdict.reason, /no memory service/);
    const entries = recorder.entries.filter((e) => e.kind === 'memory.write');
    assert.deepEqual(
      entries.map((e) => e.type),
      ['intent', 'outcome'],
    );
    assert.equal(entries[1]?.outcome?.status, 'failed');
    assert.equal(entries[1]?.outcome?.code, 'EXECUTION_FAILED');
  } finally {
    await mesh.close();
  }
});

test('a task under a chain granting every capability action on everything declassifies itself: CAPABILITY_EXCEEDED (no capability grants declassify)', async () => {
  const { config, policies } = exampleConfig();
  const permit = 'permit (principal == Agent::"billing", action == Action::"declassify", resource);';
  const mesh = await createMesh(config, { policies: [...policies, { name: 'declassify.cedar', text: permit }] });
  try {
    const owner = await loadOwnerSigningKey(mesh.store);
    const everything = issueRoot(owner, { to: 'billing', att: CAPABILITY_ACTIONS.map((action) => ({ action, resource: '*' })) });
    const billing = mesh.agent('billing');
    // Without a chain, policy alone decides, and permits it: the refusal below is the chain's.
    assert.equal((await billing.task((ctx) => ctx.declassify({ confidentiality: 'public' }, 'published figures'))).confidentiality, 'public');
    await assert.rejects(
      billing.task((ctx) => ctx.declassify({ confidentiality: 'public' }, 'published figures'), { capability: everything }),
      (error: unknown) => isMassError(error) && error.code === 'CAPABILITY_EXCEEDED',
    );
  } finally {
    await mesh.close();
  }
});
