import type { KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import { describeAgentIdProblem } from '../core/agent-id.js';
import type { AgentRecord, AgentStatus, Store } from '../store/store.js';
import { generateEd25519Key, keyIdFor, privateKeyFromPkcs8, publicKeyFromJwk, type SigningKey } from './keys.js';

/** Name of an agent's private key in the store's keystore. */
export function agentKeyName(agentId: string): string {
  return `agent:${agentId}`;
}

/** The mesh owner key created by `mass init`: the root of authority. */
export const OWNER_KEY_NAME = 'mesh-owner';

/** What key resolution gives an envelope verifier: the record as it is now and its public key. */
export interface ResolvedKey {
  readonly agent: AgentRecord;
  readonly publicKey: KeyObject;
}

/** Looks up the current record behind a key id. Status is read fresh on every call (revocation is immediate). */
export interface KeyResolver {
  resolve(kid: string): Promise<ResolvedKey | undefined>;
}

/**
 * The agent registry: identities (Ed25519 keys) and their status. Private keys go to the store's
 * keystore and are only ever handed out as `SigningKey`s, never printed.
 */
export class AgentRegistry implements KeyResolver {
  readonly #store: Store;
  readonly #clock: Clock;
  /** Parsed public keys by kid; a kid names one key for good, so this never goes stale. */
  readonly #publicKeys = new Map<string, KeyObject>();

  constructor(store: Store, clock: Clock = systemClock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Creates an identity for `id` and keeps its private key. Throws AGENT_EXISTS if registered. */
  async register(id: string): Promise<AgentRecord> {
    const problem = describeAgentIdProblem(id);
    if (problem !== undefined) throw new TypeError(problem);
    if ((await this.#store.agents.get(id)) !== undefined) throw new MassError('AGENT_EXISTS', `agent "${id}" is already registered`);
    const key = generateEd25519Key();
    const now = this.#clock.now();
    const record: AgentRecord = { id, status: 'active', kid: keyIdFor(id, key.publicJwk), publicJwk: key.publicJwk, createdAt: now, updatedAt: now };
    await this.#store.keys.insert({ name: agentKeyName(id), privatePkcs8: key.privatePkcs8, publicJwk: key.publicJwk, createdAt: now });
    await this.#store.agents.insert(record);
    return record;
  }

  get(id: string): Promise<AgentRecord | undefined> {
    return this.#store.agents.get(id);
  }

  list(): Promise<AgentRecord[]> {
    return this.#store.agents.list();
  }

  async #setStatus(id: string, status: AgentStatus, reason?: string): Promise<AgentRecord> {
    const changed = await this.#store.agents.setStatus(id, status, reason, this.#clock.now());
    if (!changed) throw new MassError('AGENT_UNKNOWN', `agent "${id}" is not registered`);
    const record = await this.#store.agents.get(id);
    if (record === undefined) throw new MassError('AGENT_UNKNOWN', `agent "${id}" is not registered`);
    return record;
  }

  /** Revocation is final: a revoked agent cannot be released or quarantined again. */
  async revoke(id: string, reason?: string): Promise<AgentRecord> {
    await this.#requireAgent(id);
    return this.#setStatus(id, 'revoked', reason);
  }

  async quarantine(id: string, reason?: string): Promise<AgentRecord> {
    const current = await this.#requireAgent(id);
    if (current.status === 'revoked') throw new MassError('AGENT_REVOKED', `agent "${id}" is revoked and cannot change status`);
    return this.#setStatus(id, 'quarantined', reason);
  }

  async release(id: string, reason?: string): Promise<AgentRecord> {
    const current = await this.#requireAgent(id);
    if (current.status === 'revoked') throw new MassError('AGENT_REVOKED', `agent "${id}" is revoked and cannot change status`);
    return this.#setStatus(id, 'active', reason);
  }

  async resolve(kid: string): Promise<ResolvedKey | undefined> {
    const agent = await this.#store.agents.getByKid(kid);
    if (agent === undefined) return undefined;
    let publicKey = this.#publicKeys.get(kid);
    if (publicKey === undefined) {
      publicKey = publicKeyFromJwk(agent.publicJwk);
      this.#publicKeys.set(kid, publicKey);
    }
    return { agent, publicKey };
  }

  /** The signing key of an agent whose private key this installation holds. */
  async signingKey(id: string): Promise<SigningKey> {
    const agent = await this.#requireAgent(id);
    const stored = await this.#store.keys.get(agentKeyName(id));
    if (stored === undefined) throw new MassError('KEY_UNKNOWN', `no private key for agent "${id}" in ${this.#store.description}`);
    return { kid: agent.kid, privateKey: privateKeyFromPkcs8(stored.privatePkcs8) };
  }

  async #requireAgent(id: string): Promise<AgentRecord> {
    const agent = await this.#store.agents.get(id);
    if (agent === undefined) throw new MassError('AGENT_UNKNOWN', `agent "${id}" is not registered (run \`mass agent add ${id}\`)`);
    return agent;
  }
}

/** Creates the mesh owner key if the store has none. Returns true if it was created. */
export async function ensureOwnerKey(store: Store, clock: Clock = systemClock): Promise<boolean> {
  if ((await store.keys.get(OWNER_KEY_NAME)) !== undefined) return false;
  const key = generateEd25519Key();
  await store.keys.insert({ name: OWNER_KEY_NAME, privatePkcs8: key.privatePkcs8, publicJwk: key.publicJwk, createdAt: clock.now() });
  return true;
}
