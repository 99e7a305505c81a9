// The public API of MASS, listed by hand.

export { MassError, isMassError, isVerificationCode } from './core/errors.js';
export type { MassErrorCode, VerificationErrorCode, DenialErrorCode, StageErrorCode, OperationErrorCode } from './core/errors.js';
export { canonicalJson, canonicalBytes } from './core/json.js';
export type { JsonValue } from './core/json.js';
export { hashJson } from './core/hash.js';
export { systemClock, ManualClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
export { ACTION_KINDS, audienceOf } from './core/actions.js';
export type { ActionKind } from './core/actions.js';

export { loadConfigFile, parseConfigText, validateConfig, resolveConfigPath, ConfigError } from './config/load.js';
export type { MassConfig, ConfigIssue } from './config/load.js';
export type { MassConfigInput, MassConfigData, Effect as ToolEffect } from './config/schema.js';

export { TRUSTED, untrusted, classified, joinLabels, labelDominates, mayRead, CONFIDENTIALITY_LEVELS } from './flow/label.js';
export type { Label, Confidentiality, Integrity } from './flow/label.js';
export { labelArguments } from './flow/argument-labels.js';
export { segment, SegmentList, textOf } from './flow/segment.js';
export type { Segment } from './flow/segment.js';
export { parseDeclassification, declassify } from './flow/declassify.js';
export type { Declassification } from './flow/declassify.js';
export { FLOW_POLICY_PACK } from './policy/pack.js';

export { generateEd25519Key, ed25519Verify, jwkThumbprint, keyIdFor } from './identity/keys.js';
export type { SigningKey } from './identity/keys.js';
export { AgentRegistry, ensureOwnerKey } from './identity/registry.js';
export type { KeyResolver, ResolvedKey } from './identity/registry.js';
export { signEnvelope, verifyEnvelope, ENVELOPE_TYPE } from './identity/envelope.js';
export type { EnvelopeClaims, EnvelopeRequest, VerifiedEnvelope, VerifyEnvelopeOptions } from './identity/envelope.js';
export { MemoryReplayGuard } from './identity/replay.js';
export type { ReplayGuard } from './identity/replay.js';

export { PolicyEngine } from './policy/engine.js';
export type { PolicyDecision, PolicyRequest, PolicyContext } from './policy/engine.js';
export { loadPolicySet } from './policy/load.js';
export type { LoadedPolicy, PolicySource } from './policy/load.js';
export { buildCedarSchema } from './policy/cedar-schema.js';

export { Mediator } from './mediator/mediator.js';
export type { MediatorOptions } from './mediator/mediator.js';
export type {
  Authenticator,
  ProvenanceResolver,
  Labeler,
  Inspector,
  Decider,
  DecisionInput,
  Approver,
  Executor,
  Effect,
  AuthorizedAction,
  Recorder,
  Observer,
  Stages,
} from './mediator/stages.js';
export type {
  ActionRequest,
  Principal,
  Provenance,
  Labels,
  Finding,
  Decision,
  ApprovalRequest,
  ApprovalResult,
  RecordEntry,
  Receipt,
  MediationEvent,
  Verdict,
  StageName,
} from './mediator/types.js';
export { STAGES } from './mediator/types.js';
export { EnvelopeAuthenticator, HostAuthenticator } from './mediator/stages/authenticate.js';
export { SenderProvenance } from './mediator/stages/provenance.js';
export { ConfigLabeler } from './mediator/stages/label.js';
export { DetectorInspector } from './mediator/stages/inspect.js';
export type { Detector, DetectorFinding, ContextualDetector, DetectorSuite, InputText } from './detect/detector.js';
export { InjectionDetector, DEFAULT_INJECTION_THRESHOLD } from './detect/injection/detector.js';
export { SecretsDetector } from './detect/secrets.js';
export { PiiDetector, isValidIban, luhnValid } from './detect/pii.js';
export { ReplicationDetector, replicationGeneration } from './detect/replication.js';
export { ToolPoisoningDetector } from './detect/tool-poisoning.js';
export { detectorSuite, scanText, THREAT_DETECTORS } from './detect/suite.js';
export type { ScanResult } from './detect/suite.js';
export { CedarDecider } from './mediator/stages/decide.js';
export { NoApprovalChannel, ScriptedApprovalChannel } from './mediator/stages/approve.js';
export { DirectExecutor } from './mediator/stages/execute.js';
export { MemoryRecorder } from './mediator/stages/record.js';
export { EventObserver } from './mediator/stages/observe.js';

export { createMesh, Mesh, AgentHandle, TaskContext, MediationError } from './mesh/mesh.js';
export type { MeshOptions, MediateOptions, InboundMessage, MessageHandler, ToolHandler } from './mesh/mesh.js';

export { openStore } from './store/open.js';
export { openSqliteStore } from './store/sqlite.js';
export type { Store, AgentRecord, AgentStatus, StoredKey } from './store/store.js';

export { AuditLog, logOrigin, LEGACY_LOG_KEY_NAME } from './audit/log.js';
export type { AuditLogOptions, InclusionProof, ConsistencyProof } from './audit/log.js';
export { LogKey } from './audit/log-key.js';
export { openAuditLog, logKeyFileOf } from './audit/open-log.js';
export { formatKeptCheckpoint, parseKeptCheckpoint, openKeptCheckpoint } from './audit/kept-checkpoint.js';
export type { KeptCheckpoint } from './audit/kept-checkpoint.js';
export { AuditRecorder, mediationEntry } from './mesh/audit-recorder.js';
export { verifyLog, LogVerificationError } from './audit/verify-log.js';
export type { LogVerification, VerifyLogOptions } from './audit/verify-log.js';
export { externalEntry, adminEntry, encodeEntry, decodeEntry } from './audit/entry.js';
export type { LogEntry, MediationLogEntry, ExternalLogEntry, AdminLogEntry } from './audit/entry.js';
export { leafHash, nodeHash, MerkleTree, EMPTY_ROOT } from './audit/merkle.js';
export { verifyInclusion, verifyConsistency } from './audit/verify-proof.js';
export { formatCheckpoint, parseCheckpoint, signCheckpoint, openCheckpoint } from './audit/checkpoint.js';
export type { Checkpoint } from './audit/checkpoint.js';
export { signNote, openNote, verifierKey, parseVerifierKey, noteKeyHash } from './audit/note.js';
export type { NoteSigner, NoteVerifier } from './audit/note.js';

export { parseCapability, parseCapabilities } from './capability/capability.js';
export type { Capability, CapabilityAction } from './capability/capability.js';
export { isWithin, attenuates } from './capability/attenuate.js';
export { allows } from './capability/allows.js';
export type { Invocation } from './capability/allows.js';
export { issueRoot, delegate } from './capability/issue.js';
export type { IssueRootOptions, DelegateOptions, AgentSigner } from './capability/issue.js';
export { verifyChain } from './capability/verify.js';
export type { VerifyChainOptions, VerifiedChain, VerifiedLink } from './capability/verify.js';
export { revokeToken } from './capability/revoke.js';
export { MemoryLinkMemory } from './capability/memory.js';
export type { LinkMemory } from './capability/memory.js';
export { chainOptionsFromStore } from './capability/store-options.js';
export { OWNER_PRINCIPAL } from './capability/owner.js';
export { CAPABILITY_TOKEN_TYPE } from './capability/link.js';
