import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TASK_META_KEY, taskRequestOf } from '../../src/mcp/task-meta.js';
import { MAX_TASK_REQUEST, parseTaskRequest } from '../../src/mesh/task-request.js';

// The task request is attacker-reachable input (a client's `_meta`, a `/v1/tasks` body): it is
// parsed without throwing, and only `{ request: <non-empty bounded string> }` starts a task.

test('fuzz: any JSON value as _meta or as a /v1/tasks body never throws, and starts a task only when well formed', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const fromBody = parseTaskRequest(value, 'body');
      const wellFormed =
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 1 &&
        typeof (value as { request?: unknown }).request === 'string' &&
        (value as { request: string }).request.trim() !== '';
      assert.equal(typeof fromBody === 'string', wellFormed);
      const fromMeta = taskRequestOf({ [TASK_META_KEY]: value });
      assert.equal(typeof fromMeta === 'string', wellFormed);
      if (!wellFormed) assert.equal(typeof (fromMeta as { error?: string }).error, 'string', 'a malformed task is refused, not ignored');
      assert.deepEqual(
        taskRequestOf(value === null || typeof value !== 'object' || Array.isArray(value) || Object.hasOwn(value, TASK_META_KEY) ? {} : value),
        {},
      );
    }),
    { numRuns: 2000 },
  );
});

test('a task request longer than the bound, or blank, is refused', () => {
  assert.equal(typeof parseTaskRequest({ request: 'x'.repeat(MAX_TASK_REQUEST + 1) }, 'body'), 'object');
  assert.equal(typeof parseTaskRequest({ request: '  \n' }, 'body'), 'object');
  assert.equal(parseTaskRequest({ request: 'Pay invoice 12' }, 'body'), 'Pay invoice 12');
  assert.deepEqual(taskRequestOf(undefined), {});
  assert.deepEqual(taskRequestOf({ other: 1 }), {});
});
