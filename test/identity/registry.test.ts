import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, sign, verify as cryptoVerify } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { ManualClock } from '../../src/core/clock.js';
import { signEnvelope } from '../../src/identity/envelope.js';
import { AgentRegistry, agentKeyName } from '../../src/identity/registry.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { ACTION, AUDIENCE, hasCode, START_MS, verify } from './fixture.js';

async function memoryRegistry() {
  const clock = new ManualClock(START_MS);
  const store = await openSqliteStore(':memory:');
  return { clock, store, registry: new AgentRegistry(store, clock) };
}

test('register creates an active record with kid <id>#<RFC 7638 thumbprint>', async () => {
  const { registry, store } = await memoryRegistry();
  const record = await registry.register('alice');
  assert.equal(record.id, 'alice');
  assert.equal(record.status, 'active');
  assert.equal(record.createdAt, START_MS);
  assert.equal(record.updatedAt, START_MS);
  assert.equal(record.statusReason, undefined);
  assert.deepEqual(Object.keys(record.publicJwk).sort(), ['crv', 'kty', 'x']);
  assert.equal(record.publicJwk.kty, 'OKP');
  assert.equal(record.publicJwk.crv, 'Ed25519');
  // jose computes the thumbprint independently of MASS.
  assert.equal(record.kid, `alice#${await calculateJwkThumbprint(record.publicJwk, 'sha256')}`);
  assert.deepEqual(await registry.get('alice'), record);
  assert.deepEqual(await registry.list(), [record]);
  const resolved = await registry.resolve(record.kid);
  assert.deepEqual(resolved?.agent, record);
  // The private key is stored under the agent's key name, and only there.
  const stored = await store.keys.get(agentKeyName('alice'));
  assert.ok(stored);
  assert.deepEqual(stored.publicJwk, record.publicJwk);
  await store.close();
});

test('each registration gets its own key', async () => {
  const { registry, store } = await memoryRegistry();
  const a = await registry.register('alice');
  const b = await registry.register('bob');
  assert.notEqual(a.publicJwk.x, b.publicJwk.x);
  assert.notEqual(a.kid.split('#')[1], b.kid.split('#')[1]);
  assert.deepEqual(
    (await registry.list()).map((r) => r.id),
    ['alice', 'bob'],
  );
  await store.close();
});

test('signingKey returns the private key matching the registered public key', async () => {
  const { registry, store, clock } = await memoryRegistry();
  const record = await registry.register('alice');
  const key = await registry.signingKey('alice');
  assert.equal(key.kid, record.kid);
  assert.equal(key.privateKey.asymmetricKeyType, 'ed25519');
  assert.equal(key.privateKey.type, 'private');
  const message = Buffer.from('hello from alice');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: String(record.publicJwk.x) }, format: 'jwk' });
  assert.ok(cryptoVerify(null, message, publicKey, sign(null, message, key.privateKey)));
  // And an envelope it signs verifies against the registry.
  const jws = await signEnvelope(key, { iss: 'alice', aud: AUDIENCE, act: ACTION, body: { n: 1 } }, clock);
  const { agent } = await verify({ store, registry, clock }, jws, { n: 1 });
  assert.equal(agent.id, 'alice');
  await store.close();
});

test('registering an existing agent is AGENT_EXISTS and keeps the first key', async () => {
  const { registry, store } = await memoryRegistry();
  const first = await registry.register('alice');
  await assert.rejects(registry.register('alice'), hasCode('AGENT_EXISTS'));
  assert.deepEqual(await registry.get('alice'), first);
  assert.equal((await registry.signingKey('alice')).kid, first.kid);
  await store.close();
});

test('an invalid agent id is a TypeError', async () => {
  const { registry, store } = await memoryRegistry();
  for (const id of ['', ' alice', '-alice', 'a#b', 'a b', 'x'.repeat(129)]) {
    await assert.rejects(registry.register(id), TypeError, JSON.stringify(id));
  }
  assert.deepEqual(await registry.list(), []);
  await store.close();
});

test('status transitions: quarantine, release, revoke, with reasons and update times', async () => {
  const { registry, store, clock } = await memoryRegistry();
  await registry.register('alice');

  clock.advance(1_000);
  const quarantined = await registry.quarantine('alice', 'odd tool calls');
  assert.equal(quarantined.status, 'quarantined');
  assert.equal(quarantined.statusReason, 'odd tool calls');
  assert.equal(quarantined.updatedAt, START_MS + 1_000);
  assert.equal(quarantined.createdAt, START_MS);

  clock.advance(1_000);
  const released = await registry.release('alice');
  assert.equal(released.status, 'active');
  assert.equal(released.statusReason, undefined);
  assert.equal(released.updatedAt, START_MS + 2_000);

  // Quarantine and release are repeatable.
  assert.equal((await registry.quarantine('alice')).status, 'quarantined');
  assert.equal((await registry.quarantine('alice')).status, 'quarantined');
  assert.equal((await registry.release('alice')).status, 'active');
  assert.equal((await registry.release('alice')).status, 'active');

  clock.advance(1_000);
  const revoked = await registry.revoke('alice', 'key leaked');
  assert.equal(revoked.status, 'revoked');
  assert.equal(revoked.statusReason, 'key leaked');
  assert.equal(revoked.updatedAt, START_MS + 3_000);
  // The key id is unchanged and still resolves (to a revoked record).
  assert.equal((await registry.resolve(revoked.kid))?.agent.status, 'revoked');
  await store.close();
});

test('revocation is final: release and quarantine of a revoked agent are AGENT_REVOKED', async () => {
  const { registry, store } = await memoryRegistry();
  await registry.register('alice');
  await registry.quarantine('alice');
  await registry.revoke('alice');
  await assert.rejects(registry.release('alice'), hasCode('AGENT_REVOKED'));
  await assert.rejects(registry.quarantine('alice'), hasCode('AGENT_REVOKED'));
  assert.equal((await registry.get('alice'))?.status, 'revoked');
  await store.close();
});

test('unknown agents are AGENT_UNKNOWN; unknown kids resolve to undefined', async () => {
  const { registry, store } = await memoryRegistry();
  await registry.register('alice');
  await assert.rejects(registry.revoke('mallory'), hasCode('AGENT_UNKNOWN'));
  await assert.rejects(registry.quarantine('mallory'), hasCode('AGENT_UNKNOWN'));
  await assert.rejects(registry.release('mallory'), hasCode('AGENT_UNKNOWN'));
  await assert.rejects(registry.signingKey('mallory'), hasCode('AGENT_UNKNOWN'));
  assert.equal(await registry.get('mallory'), undefined);
  assert.equal(await registry.resolve('mallory#AAAA'), undefined);
  const alice = await registry.get('alice');
  assert.ok(alice);
  // A kid that is only almost right does not resolve.
  assert.equal(await registry.resolve(`${alice.kid}x`), undefined);
  assert.equal(await registry.resolve(alice.kid.replace('alice#', 'bob#')), undefined);
  await store.close();
});

test('a registry on a SQLite file keeps agents, keys, status and replay state across close and reopen; the file is 0600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mass-registry-'));
  try {
    const path = join(dir, 'state', 'mass.db');
    const clock = new ManualClock(START_MS);

    const first = await openSqliteStore(path);
    const registry1 = new AgentRegistry(first, clock);
    const alice = await registry1.register('alice');
    const bob = await registry1.register('bob');
    await registry1.quarantine('bob', 'under review');
    const key1 = await registry1.signingKey('alice');
    const jws = await signEnvelope(key1, { iss: 'alice', aud: AUDIENCE, act: ACTION, body: { n: 1 } }, clock);
    await verify({ store: first, registry: registry1, clock }, jws, { n: 1 }, { replay: first.replay });
    // While open, the WAL holds the private keys too: SQLite gives it the database file's mode.
    assert.ok(existsSync(`${path}-wal`), 'the store runs in WAL mode');
    for (const side of [`${path}-wal`, `${path}-shm`]) {
      if (existsSync(side)) assert.equal(statSync(side).mode & 0o777, 0o600, `${side} mode`);
    }
    await first.close();

    assert.equal(statSync(path).mode & 0o777, 0o600, 'database file mode');
    assert.equal(statSync(join(dir, 'state')).mode & 0o777, 0o700, 'created directory mode');

    const second = await openSqliteStore(path);
    const registry2 = new AgentRegistry(second, clock);
    assert.deepEqual(await registry2.get('alice'), alice);
    assert.equal((await registry2.get('bob'))?.status, 'quarantined');
    assert.equal((await registry2.get('bob'))?.statusReason, 'under review');
    assert.deepEqual(
      (await registry2.list()).map((r) => r.id),
      ['alice', 'bob'],
    );
    assert.equal((await registry2.resolve(bob.kid))?.agent.id, 'bob');
    // The same private key comes back: an envelope signed before the restart still verifies…
    const key2 = await registry2.signingKey('alice');
    assert.equal(key2.kid, alice.kid);
    assert.deepEqual(key2.privateKey.export({ format: 'jwk' }), key1.privateKey.export({ format: 'jwk' }));
    // …but only once: the replay table survived too.
    await assert.rejects(verify({ store: second, registry: registry2, clock }, jws, { n: 1 }, { replay: second.replay }), hasCode('ENVELOPE_REPLAYED'));
    const fresh = await signEnvelope(key2, { iss: 'alice', aud: AUDIENCE, act: ACTION, body: { n: 2 } }, clock);
    await verify({ store: second, registry: registry2, clock }, fresh, { n: 2 }, { replay: second.replay });
    await assert.rejects(registry2.register('alice'), hasCode('AGENT_EXISTS'));
    await second.close();

    assert.equal(statSync(path).mode & 0o777, 0o600, 'database file mode after reopening');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
