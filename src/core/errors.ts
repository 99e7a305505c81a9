/**
 * The one error class of MASS. Every failure a caller may want to react to carries a stable
 * string `code`; callers `switch` on it. Verification failures (a signature, a proof, an envelope
 * that does not hold) are distinct from policy denials (the request was well-formed and authentic
 * but is not allowed). Messages never contain secrets, keys or tokens.
 */

/** The request could not be proven authentic or well-formed. */
export type VerificationErrorCode =
  | 'ENVELOPE_MALFORMED'
  | 'ENVELOPE_TOO_LARGE'
  | 'ALG_NOT_ALLOWED'
  | 'KEY_UNKNOWN'
  | 'SIGNATURE_INVALID'
  | 'PROOF_INVALID'
  | 'CLAIM_INVALID'
  | 'AUDIENCE_MISMATCH'
  | 'ENVELOPE_EXPIRED'
  | 'ENVELOPE_NOT_YET_VALID'
  | 'ENVELOPE_REPLAYED'
  | 'BODY_HASH_MISMATCH'
  | 'AGENT_REVOKED'
  | 'AGENT_QUARANTINED'
  | 'CHECKPOINT_INVALID'
  | 'PEER_MISMATCH'
  // capability tokens (src/capability)
  | 'TOKEN_MALFORMED'
  | 'TOKEN_TOO_LARGE'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'TOKEN_REVOKED'
  | 'DELEGATOR_SPOOFED'
  | 'CHAIN_SPLICED'
  | 'LINK_REPLAYED'
  | 'CHAIN_TOO_DEEP'
  // mTLS peer certificates (src/ca)
  | 'PEER_IDENTITY_INVALID'
  | 'CERTIFICATE_REVOKED'
  // proofs of possession for capability chains over HTTP (src/capability/possession.ts)
  | 'PROOF_REQUIRED'
  | 'PROOF_MALFORMED'
  | 'PROOF_KEY_MISMATCH'
  | 'PROOF_TARGET_MISMATCH'
  | 'PROOF_STALE'
  | 'PROOF_REPLAYED'
  | 'PROOF_CHAIN_MISMATCH';

/** The request was authentic but is not allowed. */
export type DenialErrorCode =
  | 'POLICY_DENIED'
  | 'CAPABILITY_EXCEEDED'
  | 'APPROVAL_REQUIRED'
  | 'APPROVAL_DENIED'
  | 'APPROVAL_TIMEOUT'
  | 'ARGUMENT_INVALID'
  | 'AGENT_UNKNOWN'
  | 'TOOL_UNKNOWN'
  /** An MCP tool whose definition is not the approved one (rug pull, poisoned description). */
  | 'TOOL_UNAPPROVED'
  /** A derived action declared a lower label than the message that caused it. */
  | 'LABEL_LAUNDERED';

/** A stage of the mediator failed; the mediator denied because it could not decide safely. */
export type StageErrorCode =
  | 'REQUEST_MALFORMED'
  | 'STAGE_FAILED'
  | 'STAGE_TIMEOUT'
  | 'STAGE_MALFORMED'
  | 'RECORD_FAILED'
  /** Too many inspections wait for a detector worker (the bounded queue is full). */
  | 'DETECTOR_OVERLOADED'
  /** A detector worker crashed, could not load, or answered nonsense. */
  | 'DETECTOR_FAILED';

/** Setup and operation errors. */
export type OperationErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'POLICY_INVALID'
  | 'STORE_UNSUPPORTED'
  | 'STORE_FAILED'
  | 'AGENT_EXISTS'
  | 'LOG_CONFLICT'
  | 'LOG_INVALID'
  | 'LOG_KEY_MISSING'
  | 'LOG_KEY_INVALID'
  | 'STORE_NOT_FOUND'
  /** The store was written by a newer version of MASS (its schema version is above this code's). */
  | 'STORE_SCHEMA_NEWER'
  | 'EXECUTION_FAILED'
  /** A command refused to write through a symbolic link. */
  | 'PATH_UNSAFE'
  /** A capability names a tool, agent or memory namespace the configuration does not declare. */
  | 'RESOURCE_UNKNOWN'
  /** `mass up` could not listen on its address (in use, not permitted, not local). */
  | 'LISTEN_FAILED'
  // the built-in CA (src/ca)
  | 'CA_NOT_INITIALIZED'
  | 'CA_INVALID'
  | 'CERTIFICATE_UNKNOWN'
  | 'CERTIFICATE_LIFETIME_TOO_LONG';

export type MassErrorCode = VerificationErrorCode | DenialErrorCode | StageErrorCode | OperationErrorCode;

const VERIFICATION_CODES: ReadonlySet<string> = new Set<VerificationErrorCode>([
  'ENVELOPE_MALFORMED',
  'ENVELOPE_TOO_LARGE',
  'ALG_NOT_ALLOWED',
  'KEY_UNKNOWN',
  'SIGNATURE_INVALID',
  'PROOF_INVALID',
  'CLAIM_INVALID',
  'AUDIENCE_MISMATCH',
  'ENVELOPE_EXPIRED',
  'ENVELOPE_NOT_YET_VALID',
  'ENVELOPE_REPLAYED',
  'BODY_HASH_MISMATCH',
  'AGENT_REVOKED',
  'AGENT_QUARANTINED',
  'CHECKPOINT_INVALID',
  'PEER_MISMATCH',
  'TOKEN_MALFORMED',
  'TOKEN_TOO_LARGE',
  'TOKEN_EXPIRED',
  'TOKEN_NOT_YET_VALID',
  'TOKEN_REVOKED',
  'DELEGATOR_SPOOFED',
  'CHAIN_SPLICED',
  'LINK_REPLAYED',
  'CHAIN_TOO_DEEP',
  'PEER_IDENTITY_INVALID',
  'CERTIFICATE_REVOKED',
  'PROOF_REQUIRED',
  'PROOF_MALFORMED',
  'PROOF_KEY_MISMATCH',
  'PROOF_TARGET_MISMATCH',
  'PROOF_STALE',
  'PROOF_REPLAYED',
  'PROOF_CHAIN_MISMATCH',
]);

export class MassError extends Error {
  readonly code: MassErrorCode;

  constructor(code: MassErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MassError';
    this.code = code;
  }
}

export function isMassError(value: unknown, code?: MassErrorCode): value is MassError {
  return value instanceof MassError && (code === undefined || value.code === code);
}

/** True for codes meaning "could not be proven authentic", as opposed to "not allowed". */
export function isVerificationCode(code: string): code is VerificationErrorCode {
  return VERIFICATION_CODES.has(code);
}
