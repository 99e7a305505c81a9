import assert from 'node:assert/strict';
import { sign, type KeyObject } from 'node:crypto';
import { ManualClock } from '../../src/core/clock.js';
import { MassError, type MassErrorCode } from '../../src/core/errors.js';
import type { ActionKind } from '../../src/core/actions.js';
import { verifyEnvelope, type VerifyEnvelopeOptions } from '../../src/identity/envelope.js';
import { AgentRegistry } from '../../src/identity/registry.js';
import { MemoryReplayGuard } from '../../src/identity/replay.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';

/** Shared setup for the envelope tests: a real in-memory SQLite store, a registry and a manual clock. */
export const START_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
export const AUDIENCE = 'agent:billing';
export const ACTION: ActionKind = 'message';
export const SKEW_SECONDS = 30;
export const MAX_LIFETIME_SECONDS = 300;

export interface Mesh {
  readonly store: Store;
  readonly registry: AgentRegistry;
  readonly clock: ManualClock;
}

export async function newMesh(agents: readonly string[] = ['alice', 'bob']): Promise<Mesh> {
  const clock = new ManualClock(START_MS);
  const store = await openSqliteStore(':memory:');
  const registry = new AgentRegistry(store, clock);
  for (const id of agents) await registry.register(id);
  return { store, registry, clock };
}

export function verifyOptions(mesh: Mesh, overrides: Partial<VerifyEnvelopeOptions> = {}): VerifyEnvelopeOptions {
  return {
    keys: mesh.registry,
    replay: new MemoryReplayGuard(),
    clock: mesh.clock,
    audience: AUDIENCE,
    action: ACTION,
    clockSkewSeconds: SKEW_SECONDS,
    maxLifetimeSeconds: MAX_LIFETIME_SECONDS,
    ...overrides,
  };
}

/** A verification with explicit options and a fresh replay guard unless one is given. */
export function verify(mesh: Mesh, jws: unknown, body: unknown, overrides: Partial<VerifyEnvelopeOptions> = {}) {
  return verifyEnvelope(jws, body, verifyOptions(mesh, overrides));
}

/** Predicate for assert.rejects: a MassError with exactly `code`. */
export function hasCode(code: MassErrorCode): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof MassError, `expected a MassError with code ${code}, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return true;
  };
}

export function b64url(value: string | Uint8Array): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Builds a compact JWS by hand, signing `header.payload` with raw Ed25519 from node:crypto.
 * Used where jose's CompactSign refuses the header (e.g. `crit`) or where exact bytes matter.
 */
export function handSign(header: Record<string, unknown>, payload: string, privateKey: KeyObject): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(payload)}`;
  return `${input}.${b64url(sign(null, Buffer.from(input, 'ascii'), privateKey))}`;
}
