import type { JsonValue } from '../core/json.js';
import type { Label } from '../flow/label.js';
import type {
  ActionRequest,
  ApprovalRequest,
  ApprovalResult,
  Decision,
  Finding,
  Labels,
  MaybePromise,
  MediationEvent,
  Principal,
  Provenance,
  Receipt,
  RecordEntry,
} from './types.js';

/**
 * The stage interfaces of the mediator. Each is small, each has a default implementation in
 * `stages/`, and later capabilities replace a stage rather than edit the pipeline. A stage may
 * answer synchronously or with a promise; whatever it throws, returns late or returns malformed
 * makes the mediator deny.
 */

/** Establishes who is acting. Throws a MassError with a verification code when it cannot. */
export interface Authenticator {
  authenticate(request: ActionRequest): MaybePromise<Principal>;
}

/** Establishes on whose authority the principal acts. */
export interface ProvenanceResolver {
  resolve(request: ActionRequest, principal: Principal): MaybePromise<Provenance>;
}

/** Assigns information-flow labels to the action, its arguments and its output. */
export interface Labeler {
  label(request: ActionRequest, principal: Principal, provenance: Provenance, actionId: string): MaybePromise<Labels>;
  /**
   * The label the content of a message or delegation is delivered with: its output label raised by
   * the findings in it. Called before the effect runs; actions the delivery causes must carry at least this.
   */
  delivered?(actionId: string, label: Label): MaybePromise<void>;
}

/** Runs content detectors over the action, and over what its effect returned. */
export interface Inspector {
  inspect(request: ActionRequest, labels: Labels): MaybePromise<readonly Finding[]>;
  /** Findings in the effect's result (what the agent is about to read); they raise the output label. */
  inspectResult?(request: ActionRequest, result: JsonValue): MaybePromise<readonly Finding[]>;
}

export interface DecisionInput {
  readonly request: ActionRequest;
  readonly principal: Principal;
  readonly provenance: Provenance;
  readonly labels: Labels;
  readonly findings: readonly Finding[];
}

/** Decides allow / deny / approval. */
export interface Decider {
  decide(input: DecisionInput): MaybePromise<Decision>;
}

/** Asks a human. `signal` aborts when the mediator stops waiting (timeout). */
export interface Approver {
  approve(request: ApprovalRequest, signal: AbortSignal): MaybePromise<ApprovalResult>;
}

/** The effect the mediator guards: a tool handler, a message delivery, a memory operation. */
export interface Effect {
  run(action: AuthorizedAction): Promise<unknown>;
}

/** What the effect is told about the action it performs. */
export interface AuthorizedAction {
  readonly actionId: string;
  /** The authenticated actor. */
  readonly actor: string;
  readonly label: Label;
}

/** Runs the effect of an authorized action and returns its JSON result. */
export interface Executor {
  execute(effect: Effect, request: ActionRequest, action: AuthorizedAction): Promise<JsonValue>;
}

/** Appends entries durably; a receipt means the entry is stored. */
export interface Recorder {
  append(entry: RecordEntry): MaybePromise<Receipt>;
}

/** Receives structured events; `decided` comes before the effect runs and must succeed. */
export interface Observer {
  observe(event: MediationEvent): MaybePromise<void>;
}

export interface Stages {
  readonly authenticate: Authenticator;
  readonly provenance: ProvenanceResolver;
  readonly label: Labeler;
  readonly inspect: Inspector;
  readonly decide: Decider;
  readonly approve: Approver;
  readonly execute: Executor;
  readonly record: Recorder;
  readonly observe: Observer;
}
