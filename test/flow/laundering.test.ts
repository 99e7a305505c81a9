import assert from 'node:assert/strict';
import type { Labels } from '../../src/mediator/types.js';
import { test } from 'node:test';
import { isMassError } from '../../src/core/errors.js';
import { TRUSTED, untrusted, classified } from '../../src/flow/label.js';
import { ConfigLabeler } from '../../src/mediator/stages/label.js';
import { smallConfig } from '../support/fixtures.js';

// A sender cannot launder a label: the action a delivered message causes must carry at least the
// label of that message (the last hop of its path), checked by the receiving mediator.

const config = smallConfig().data;
const hop = { agent: 'alice', action: 'msg-1' };

function deliver(labeler: ConfigLabeler, label = untrusted('tool:read_ticket')): void {
  // A message is labelled synchronously (only MCP tool calls look up their pinned definition).
  void labeler.label(
    { kind: 'message', target: 'bob', body: { text: 'hi' } },
    { agentId: 'alice', declaredLabel: label },
    { chain: ['alice'], trust: 100, path: [] },
    hop.action,
  );
}

test('an action caused by an untrusted message that declares itself trusted is LABEL_LAUNDERED', () => {
  const labeler = new ConfigLabeler(config);
  deliver(labeler);
  assert.throws(
    () =>
      labeler.label(
        { kind: 'tool', target: 'pay', body: { amount: 1 } },
        { agentId: 'bob', declaredLabel: TRUSTED, path: [hop] },
        { chain: ['bob'], trust: 100, path: [hop] },
        'a-2',
      ),
    (error: unknown) => isMassError(error) && error.code === 'LABEL_LAUNDERED',
  );
});

test('lowering confidentiality or widening readers is laundering too; keeping or raising the label is not', () => {
  const labeler = new ConfigLabeler(config);
  deliver(labeler, classified('confidential', ['bob']));
  const act = (declaredLabel: typeof TRUSTED) =>
    labeler.label(
      { kind: 'tool', target: 'pay', body: {} },
      { agentId: 'bob', declaredLabel, path: [hop] },
      { chain: ['bob'], trust: 100, path: [hop] },
      'a-3',
    ) as Labels; // not an MCP tool: answered synchronously
  assert.throws(
    () => act(classified('internal', ['bob'])),
    (e: unknown) => isMassError(e) && e.code === 'LABEL_LAUNDERED',
  );
  assert.throws(
    () => act(classified('confidential')),
    (e: unknown) => isMassError(e) && e.code === 'LABEL_LAUNDERED',
  );
  assert.equal(act(classified('confidential', ['bob'])).action.confidentiality, 'confidential');
  assert.equal(act({ ...untrusted('x'), confidentiality: 'secret', readers: ['bob'] }).action.confidentiality, 'secret');
});
