// `mass-runtime/mediator`: the pipeline for those who assemble or extend it — the Mediator, the
// stage interfaces and the stages MASS ships, the records and events it produces, signed envelopes
// and agent keys, the Cedar policy engine, and the label operations the stages use. Listed by hand.

export { Mediator } from './mediator.js';
export type { MediatorOptions } from './mediator.js';
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
} from './stages.js';
export { STAGES } from './types.js';
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
} from './types.js';
export { EnvelopeAuthenticator, HostAuthenticator } from './stages/authenticate.js';
export { SenderProvenance } from './stages/provenance.js';
export { ConfigLabeler } from './stages/label.js';
export { DetectorInspector } from './stages/inspect.js';
export { CedarDecider } from './stages/decide.js';
export { NoApprovalChannel, ScriptedApprovalChannel } from './stages/approve.js';
export type { ApprovalAnswer } from './stages/approve.js';
export { DirectExecutor } from './stages/execute.js';
export { MemoryRecorder } from './stages/record.js';
export { EventObserver } from './stages/observe.js';
export type { EventListener } from './stages/observe.js';
export { AuditRecorder } from '../mesh/audit-recorder.js';

export { ACTION_KINDS, ACTION_KIND_SPECS, audienceOf } from '../core/actions.js';
export type { ActionKind, ActionKindSpec } from '../core/actions.js';
export { EffectRouter } from './effect-router.js';
export type { EffectHandler, EffectRoutes, MemoryService } from './effect-router.js';

// Agent identity: keys, the registry, signed envelopes and their replay guard.
export { generateEd25519Key, jwkThumbprint, keyIdFor } from '../identity/keys.js';
export type { SigningKey, GeneratedKey } from '../identity/keys.js';
export { AgentRegistry, ensureOwnerKey } from '../identity/registry.js';
export type { KeyResolver, ResolvedKey } from '../identity/registry.js';
export { signEnvelope, verifyEnvelope, ENVELOPE_TYPE } from '../identity/envelope.js';
export type { EnvelopeClaims, EnvelopeRequest, VerifiedEnvelope, VerifyEnvelopeOptions } from '../identity/envelope.js';
export { MemoryReplayGuard } from '../identity/replay.js';
export type { ReplayGuard } from '../identity/replay.js';

// Policy: the Cedar engine, the policy set of a configuration and the schema it is checked against.
export { PolicyEngine } from '../policy/engine.js';
export type { PolicyDecision, PolicyRequest, PolicyContext } from '../policy/engine.js';
export { loadPolicySet } from '../policy/load.js';
export type { LoadedPolicy, LoadedPolicySet, PolicySource } from '../policy/load.js';
export { buildCedarSchema } from '../policy/cedar-schema.js';

// Labels beyond the basics in the root: task-context segments, argument labels, declassification.
export { labelArguments } from '../flow/argument-labels.js';
export { segment, SegmentList, textOf } from '../flow/segment.js';
export type { Segment } from '../flow/segment.js';
export { parseDeclassification, declassify } from '../flow/declassify.js';
export type { Declassification } from '../flow/declassify.js';
