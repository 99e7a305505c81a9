import type { Ed25519PublicJwk } from '../core/jwk.js';

/**
 * Persistent state of a MASS installation, behind one interface so that SQLite (the default) and
 * PostgreSQL (several gateways sharing state) can both serve. Methods are async for that reason.
 */
export interface Store {
  readonly agents: AgentTable;
  readonly keys: KeyTable;
  readonly replay: ReplayTable;
  readonly log: LogTable;
  readonly revocations: RevocationTable;
  readonly certificates: CertificateTable;
  readonly mailbox: MailboxTable;
  readonly mcpTools: McpToolTable;
  readonly agentContext: AgentContextTable;
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
  /** True if `jti` is stored and has not expired at `now` (another process may have seen it). */
  has(jti: string, now: number): Promise<boolean>;
}

/** One stored leaf of the audit log. */
export interface LogRow {
  readonly index: number;
  /** The canonical JSON bytes of the entry, exactly as hashed. */
  readonly entry: Uint8Array;
  /** SHA-256(0x00 ‖ entry), as computed at append time. */
  readonly leaf: Uint8Array;
}

/** Rows read in bulk: `indexes[i]`, `entries[i]` and `leaves[i]` describe one row. */
export interface LogChunk {
  readonly indexes: readonly number[];
  readonly entries: readonly Uint8Array[];
  readonly leaves: readonly Uint8Array[];
}

/** A signed checkpoint the log issued. */
export interface StoredCheckpoint {
  readonly size: number;
  readonly root: Uint8Array;
  /** The signed note text (C2SP tlog-checkpoint). */
  readonly note: string;
  readonly createdAt: number;
}

/**
 * The envelope id a log row claims: acceptance and replay protection are one fact. `claim`: the
 * row is written only if the id is not already live (else the row is refused as a replay);
 * `consume`: the id is recorded as seen and the row is always written (a denial).
 */
export interface ReplayClaim {
  /** `iss/jti` of the envelope. */
  readonly id: string;
  /** Milliseconds since the epoch after which the id may be forgotten. */
  readonly expiresAt: number;
  readonly mode: 'claim' | 'consume';
}

/** One row to append: the entry bytes, their leaf hash, and the envelope id it claims, if any. */
export interface LogAppendRow {
  readonly entry: Uint8Array;
  readonly leaf: Uint8Array;
  readonly replay?: ReplayClaim;
}

/** Where a batch went: written rows take indexes `first`, `first + 1`, … in order; refused rows (replays) take none. */
export interface LogAppendResult {
  readonly first: number;
  /** One flag per row of the batch: false for a row refused because its envelope id was already live. */
  readonly written: readonly boolean[];
}

/**
 * The audit log's rows. Indexes are contiguous from 0; a batch is written in one durable
 * transaction (with the envelope ids it claims) and either all of it is stored or none.
 */
export interface LogTable {
  /**
   * Appends `rows` at the end of the log in one transaction, with their replay claims (ids expire
   * relative to `now`). Rows whose claim finds its id live are not written; the others get
   * contiguous indexes. Rejects (STORE_FAILED) with nothing written if the transaction fails.
   */
  append(rows: readonly LogAppendRow[], now: number): Promise<LogAppendResult>;
  size(): Promise<number>;
  /** All leaf hashes in index order (to rebuild the tree at open). */
  leaves(): Promise<Uint8Array[]>;
  row(index: number): Promise<LogRow | undefined>;
  /**
   * Rows in index order from `from` (inclusive) to `to` (exclusive), read page by page (a network
   * store pages or uses a cursor). The consumer may await other store calls between rows.
   */
  rows(from: number, to: number): AsyncIterable<LogRow>;
  /** The same rows in bulk, for full scans: chunks of up to a few thousand rows, in index order. */
  scan(from: number, to: number): AsyncIterable<LogChunk>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  checkpoints(): Promise<StoredCheckpoint[]>;
  saveCheckpoint(checkpoint: StoredCheckpoint): Promise<void>;
}

/** Something revoked: a capability token (by its id), a certificate (by serial)… */
export interface Revocation {
  readonly kind: 'token' | 'certificate';
  readonly id: string;
  readonly reason: string | null;
  readonly at: number;
}

export interface RevocationTable {
  /** Records a revocation; revoking twice keeps the first record. */
  add(revocation: Revocation): Promise<void>;
  get(kind: Revocation['kind'], id: string): Promise<Revocation | undefined>;
  list(kind: Revocation['kind']): Promise<Revocation[]>;
}

/** A certificate the built-in CA issued. */
export interface IssuedCertificate {
  /** Hex serial number, unique. */
  readonly serial: string;
  /** The agent (or gateway) it names. */
  readonly subject: string;
  readonly pem: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly issuedAt: number;
}

export interface CertificateTable {
  add(certificate: IssuedCertificate): Promise<void>;
  get(serial: string): Promise<IssuedCertificate | undefined>;
  /** Certificates of a subject, newest first. */
  bySubject(subject: string): Promise<IssuedCertificate[]>;
  list(): Promise<IssuedCertificate[]>;
}

/** A message the gateway accepted for an agent that fetches its messages over HTTP. */
export interface MailboxMessage {
  readonly id: number;
  readonly recipient: string;
  readonly sender: string;
  /** The message body and its label, as canonical JSON text. */
  readonly body: string;
  readonly label: string;
  readonly actionId: string;
  readonly at: number;
}

export interface MailboxTable {
  /** Stores a message durably; resolves with its id. */
  put(message: Omit<MailboxMessage, 'id'>): Promise<number>;
  /** Messages not yet acknowledged by `recipient`, oldest first. */
  pending(recipient: string, limit: number): Promise<MailboxMessage[]>;
  /** Removes messages of `recipient` it has acknowledged; returns how many. */
  ack(recipient: string, ids: readonly number[]): Promise<number>;
}

/**
 * Whether an MCP tool may be used, as the pins last wrote it: `approved` when the definition last
 * seen upstream is the approved one; `changed` when it differs from an approved one (rug pull);
 * `poisoned` when it was never approved because the tool-poisoning detector found hidden
 * instructions; `unapproved` otherwise.
 */
export type PinStatus = 'approved' | 'changed' | 'poisoned' | 'unapproved';
export const PIN_STATUSES: readonly PinStatus[] = ['approved', 'changed', 'poisoned', 'unapproved'];

/**
 * What the MCP gateway knows of one upstream tool: the definition (name, description, schemas) it
 * last saw, and the one a person approved (pinned on first sight when it looked clean). The tool
 * may be used only while the two are the same.
 */
export interface McpToolRecord {
  readonly server: string;
  readonly tool: string;
  /** SHA-256 (base64url) of the canonical JSON of the definition last seen upstream. */
  readonly seenHash: string;
  /** That definition, as canonical JSON. */
  readonly seen: string;
  /** The hash of the approved definition; null until one is approved. */
  readonly approvedHash: string | null;
  /** Why the tool is blocked, when it is. */
  readonly reason: string | null;
  /** The status the pins decided (stored in its own column); `approved` counts only while `approvedHash` is `seenHash`. */
  readonly status: PinStatus;
  readonly updatedAt: number;
}

export interface McpToolTable {
  get(server: string, tool: string): Promise<McpToolRecord | undefined>;
  put(record: McpToolRecord): Promise<void>;
  /** Every tool of `server` (or of all servers), by server then name. */
  list(server?: string): Promise<McpToolRecord[]>;
}

/**
 * One thing an agent read in its current task (or the task's request): the text, the label it came
 * with (canonical JSON), and for a tool result the untrusted arguments it may echo.
 */
export interface AgentContextRow {
  /** Increases with every row written, across processes sharing the store. */
  readonly seq: number;
  /** `request`: the trusted request the task started with; `read`: something the agent read. */
  readonly kind: 'request' | 'read';
  readonly text: string;
  readonly label: string;
  readonly source: string;
  readonly generation: number;
  readonly echoes: { readonly text: string; readonly label: string } | null;
  readonly at: number;
}

/** The current task of an agent as stored: its rows after `after`, and the floor of what was forgotten. */
export interface AgentContextSnapshot {
  /** Increases with every new task of the agent (0: it never had one); a reader of an older task starts over. */
  readonly task: number;
  /** The join (canonical JSON) of the labels of every read of the task forgotten to stay within bounds, or null. */
  readonly floor: string | null;
  /** The lowest seq of a read still kept (reads below it were forgotten into the floor), or null when none is. The request is never forgotten. */
  readonly first: number | null;
  readonly rows: readonly AgentContextRow[];
}

/** How much of one agent's task is kept, and how forgotten labels are joined into the floor. */
export interface AgentContextBounds {
  readonly maxRows: number;
  /** Most characters (UTF-16 units, text plus echoes) kept over all rows of the agent. */
  readonly maxChars: number;
  /** Joins canonical JSON labels into one (the label lattice's join), for the floor. */
  readonly join: (labels: readonly string[]) => string;
}

/**
 * The task context of each agent, shared by every session, server and process on the store. Rows
 * are only appended (a concurrent reader never loses a read); a new task replaces everything; when
 * a task outgrows its bounds the oldest reads are folded into the floor label, atomically.
 */
export interface AgentContextTable {
  /** Atomically forgets the agent's earlier task (rows and floor) and stores `request` as the first row of a new one. */
  startTask(agent: string, request: Omit<AgentContextRow, 'seq' | 'kind'>): Promise<void>;
  /** Atomically appends a read to the agent's current task (one is opened if none), then folds the oldest reads past `bounds` into the floor. */
  append(agent: string, read: Omit<AgentContextRow, 'seq' | 'kind'>, bounds: AgentContextBounds): Promise<void>;
  /**
   * A mediated declassification of the agent's task: atomically rewrites the label of every row and
   * the floor with `change`, and numbers the task anew (every reader starts over) — only if the task
   * is still `task` and nothing was read after `upTo` (else false: the decision did not see it).
   */
  relabel(agent: string, task: number, upTo: number, change: (label: string) => string): Promise<boolean>;
  /** The agent's task: its rows with seq > `after` when `task` is still current, else all of them. */
  read(agent: string, task: number, after: number): Promise<AgentContextSnapshot>;
}
