// `mass-runtime/store`: where a mesh keeps its state — the Store interface and its tables (what a
// second implementation provides), the SQLite store, and opening a store from its URL. Listed by hand.

export { openStore } from './open.js';
export { openSqliteStore } from './sqlite.js';
export { AGENT_STATUSES } from './store.js';
export type {
  Store,
  AgentStatus,
  AgentRecord,
  AgentTable,
  StoredKey,
  KeyTable,
  ReplayEntry,
  ReplayTable,
  ReplayClaim,
  LogRow,
  LogChunk,
  LogAppendRow,
  LogAppendResult,
  LogTable,
  StoredCheckpoint,
  Revocation,
  RevocationTable,
  IssuedCertificate,
  CertificateTable,
  MailboxMessage,
  MailboxTable,
  McpToolRecord,
  McpToolTable,
  AgentContextRow,
  AgentContextSnapshot,
  AgentContextBounds,
  AgentContextTable,
} from './store.js';
