import type { Ed25519PublicJwk } from '../identity/keys.js';

/**
 * Persistent state of a MASS installation, behind one interface so that SQLite (the default) and
 * PostgreSQL (several gateways sharing state) can both serve. Methods are async for that reason.
 */
export interface Store {
  readonly agents: AgentTable;
  readonly keys: KeyTable;
  readonly replay: ReplayTable;
  /** A short description for messages, e.g. `sqlite:.mass/mass.db`. Never contains credentials. */
  readonly description: string;
  close(): Promise<void>;
}

export type AgentStatus = 'active' | 'quarantined' | 'revoked';
export const AGENT_STATUSES: readonly AgentStatus[] = ['active', 'quarantined', 'revoked'];

/** An agent's public identity. Its private key, if this installation holds it, is in the key table. */
export interface AgentRecord {
  readonly id: string;
  readonly status: AgentStatus;
  /** Key id used in envelope headers: `<agent id>#<RFC 7638 thumbprint>`. */
  readonly kid: string;
  readonly publicJwk: Ed25519PublicJwk;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly statusReason?: string;
}

export interface AgentTable {
  get(id: string): Promise<AgentRecord | undefined>;
  getByKid(kid: string): Promise<AgentRecord | undefined>;
  list(): Promise<AgentRecord[]>;
  /** Throws AGENT_EXISTS if the id is taken. */
  insert(record: AgentRecord): Promise<void>;
  /** Returns false if there is no such agent. */
  setStatus(id: string, status: AgentStatus, reason: string | undefined, at: number): Promise<boolean>;
}

/** A private key held by this installation (agent keys, the mesh owner key). */
export interface StoredKey {
  readonly name: string;
  /** PKCS#8 DER of the private key. Never logged, printed or put in an error. */
  readonly privatePkcs8: Uint8Array;
  readonly publicJwk: Ed25519PublicJwk;
  readonly createdAt: number;
}

export interface KeyTable {
  get(name: string): Promise<StoredKey | undefined>;
  /** Throws AGENT_EXISTS if a key of that name is already stored: keys are never overwritten. */
  insert(key: StoredKey): Promise<void>;
}

export interface ReplayEntry {
  readonly jti: string;
  /** Milliseconds since the epoch after which the id may be forgotten. */
  readonly expiresAt: number;
}

export interface ReplayTable {
  /**
   * Atomically records `jti` as seen until `expiresAt` (ms). Returns false if it was already seen
   * and has not expired: the caller must then refuse the envelope as a replay.
   */
  remember(jti: string, expiresAt: number, now: number): Promise<boolean>;
  /** Stores many ids in one durable transaction (ids already present keep the later expiry). */
  rememberAll(entries: readonly ReplayEntry[], now: number): Promise<void>;
  /** Ids that have not expired at `now`. */
  live(now: number): Promise<ReplayEntry[]>;
}
