// `mass-runtime/audit`: the RFC 9162 audit log — appending, proofs and their verification, signed
// checkpoints (C2SP signed notes), the entries it holds, and whole-log verification. Listed by hand.

export { AuditLog, logOrigin, LEGACY_LOG_KEY_NAME } from './log.js';
export type { AuditLogOptions, InclusionProof, ConsistencyProof } from './log.js';
export { LogKey } from './log-key.js';
export { openAuditLog, logKeyFileOf } from './open-log.js';
export { verifyLog, LogVerificationError } from './verify-log.js';
export type { LogVerification, VerifyLogOptions } from './verify-log.js';
export { verifyInclusion, verifyConsistency } from './verify-proof.js';
export { formatCheckpoint, parseCheckpoint, signCheckpoint, openCheckpoint } from './checkpoint.js';
export type { Checkpoint } from './checkpoint.js';
export { formatKeptCheckpoint, parseKeptCheckpoint, openKeptCheckpoint } from './kept-checkpoint.js';
export type { KeptCheckpoint } from './kept-checkpoint.js';
export { signNote, openNote, verifierKey, parseVerifierKey } from './note.js';
export type { NoteSigner, NoteVerifier } from './note.js';
export { externalEntry, adminEntry, encodeEntry, decodeEntry } from './entry.js';
export type { LogEntry, MediationLogEntry, ExternalLogEntry, AdminLogEntry } from './entry.js';
export { ADMIN_OPERATIONS } from './admin-operation.js';
export type { AdminOperation } from './admin-operation.js';
export { mediationEntry } from '../mesh/audit-recorder.js';
// The hashes an entry carries in place of bodies and arguments (RFC 8785 canonical JSON, SHA-256).
export { canonicalJson, canonicalBytes } from '../core/json.js';
export type { JsonValue } from '../core/json.js';
export { hashJson } from '../core/hash.js';
