import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { isMassError } from '../../src/core/errors.js';
import { DurableReplayGuard } from '../../src/identity/replay.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { ReplayTable } from '../../src/store/store.js';

test('durable replay guard: ids survive a restart of the store until they expire', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mass-replay-'));
  const clock = new ManualClock();
  try {
    const first = await openSqliteStore(join(dir, 'mass.db'));
    const guard = await DurableReplayGuard.open(first.replay, clock);
    assert.equal(await guard.remember('a/1', clock.now() + 60_000, clock.now()), true);
    assert.equal(await guard.remember('a/1', clock.now() + 60_000, clock.now()), false);
    assert.equal(await guard.remember('a/2', clock.now() + 1_000, clock.now()), true);
    await guard.flush();
    await first.close();

    clock.advance(5_000); // a/2 has expired, a/1 has not
    const second = await openSqliteStore(join(dir, 'mass.db'));
    const reopened = await DurableReplayGuard.open(second.replay, clock);
    assert.equal(await reopened.remember('a/1', clock.now() + 60_000, clock.now()), false, 'replayed after restart');
    assert.equal(await reopened.remember('a/2', clock.now() + 60_000, clock.now()), true);
    await reopened.flush();
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('durable replay guard: after a failed write every check fails closed until a write succeeds', async () => {
  const clock = new ManualClock();
  let broken = true;
  const stored: string[] = [];
  const table: ReplayTable = {
    remember: () => Promise.resolve(true),
    live: () => Promise.resolve([]),
    has: () => Promise.resolve(false),
    rememberAll: (entries) => {
      if (broken) return Promise.reject(new Error('disk full'));
      stored.push(...entries.map((e) => e.jti));
      return Promise.resolve();
    },
  };
  const guard = await DurableReplayGuard.open(table, clock, { flushMs: 5 });
  assert.equal(await guard.remember('x', clock.now() + 1000, clock.now()), true);
  await guard.flush();
  await assert.rejects(guard.remember('y', clock.now() + 1000, clock.now()), (e: unknown) => isMassError(e, 'STORE_FAILED'));
  broken = false;
  await guard.flush();
  assert.deepEqual(stored, ['x']);
  assert.equal(await guard.remember('y', clock.now() + 1000, clock.now()), true);
});

test('durable replay guard: a second process sharing the store refuses an id the first accepted and flushed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mass-replay-shared-'));
  const clock = new ManualClock();
  try {
    const a = await openSqliteStore(join(dir, 'mass.db'));
    const b = await openSqliteStore(join(dir, 'mass.db'));
    const gatewayGuard = await DurableReplayGuard.open(a.replay, clock);
    const meshGuard = await DurableReplayGuard.open(b.replay, clock);
    assert.equal(await gatewayGuard.remember('alice/1', clock.now() + 60_000, clock.now()), true);
    await gatewayGuard.flush();
    assert.equal(await meshGuard.remember('alice/1', clock.now() + 60_000, clock.now()), false);
    assert.equal(await meshGuard.remember('alice/2', clock.now() + 60_000, clock.now()), true);
    await meshGuard.flush();
    await a.close();
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
