import type { ActionKind } from '../core/actions.js';
import type { MassErrorCode } from '../core/errors.js';
import type { JsonValue } from '../core/json.js';
import type { Capability } from '../capability/capability.js';
import type { Hop } from '../flow/hop.js';
import type { Confidentiality, Label } from '../flow/label.js';
import type { Segment } from '../flow/segment.js';

/**
 * The stages of the mediator, in the order an action meets them first: the intent is recorded and
 * the decision observed before the effect executes (record and observe run again for the outcome).
 */
export const STAGES = ['authenticate', 'provenance', 'label', 'inspect', 'decide', 'approve', 'record', 'observe', 'execute'] as const;
export type StageName = (typeof STAGES)[number];

export type MaybePromise<T> = T | Promise<T>;

/** One crossing of an edge, as presented to the mediator. Everything in it is untrusted input. */
export interface ActionRequest {
  readonly kind: ActionKind;
  /** Agent id (message, delegate), tool name (tool) or memory namespace (memory.*). */
  readonly target: string;
  /** Message body, tool arguments, or memory operation. */
  readonly body: JsonValue;
  /** Compact JWS envelope signed by the sender (required by the envelope authenticator). */
  readonly envelope?: string;
  /** The sender as asserted by an in-process host (only the host authenticator reads it). */
  readonly sender?: string;
  /** The sender's context label as tracked by an in-process host (ignored when an envelope carries one). */
  readonly label?: Label;
  /**
   * The label of everything the host or gateway delivered to the acting agent in its task (its
   * mailbox reads, tool results). The label stage floors the declared label at it: an agent cannot
   * declare itself cleaner than what it was given to read.
   */
  readonly observedLabel?: Label;
  /** The agent the transport authenticated (the SPIFFE ID of an mTLS peer): it must be the signer. */
  readonly transportPeer?: string;
  /** The capability chain (compact serialization) the action relies on. */
  readonly capability?: string;
  /** The provenance path as tracked by an in-process host (ignored when an envelope carries one). */
  readonly path?: readonly Hop[];
  /**
   * What the acting agent has read in this task, as observed by the host or gateway that delivered
   * it (never by the agent itself). Used for argument provenance and replication; without it every
   * argument carries the action's whole label.
   */
  readonly context?: readonly Segment[];
}

/** Who is acting, as established by authenticate. */
export interface Principal {
  readonly agentId: string;
  /** base64url SHA-256 of the envelope, when there is one. */
  readonly envelopeHash?: string;
  /** The label the sender declared for its content (signed, when it came in an envelope). */
  readonly declaredLabel?: Label;
  /** The provenance path the sender declared (signed, when it came in an envelope). */
  readonly path?: readonly Hop[];
  /**
   * The envelope's replay id (`iss/jti`) and when it may be forgotten (ms). The record stage
   * claims it in the same transaction as the intent: the first intent wins, a replay is denied.
   */
  readonly replayId?: ReplayId;
}

export interface ReplayId {
  readonly id: string;
  readonly expiresAt: number;
}

/** On whose authority: the chain of agents behind the action and the trust it carries. */
export interface Provenance {
  /** Agent ids from the originator to the acting agent. */
  readonly chain: readonly string[];
  /** Effective trust 0–100: the minimum along the chain. */
  readonly trust: number;
  /** The messages that led to this action, oldest first. */
  readonly path: readonly Hop[];
  /** The effective capabilities, when the action relies on a capability chain. */
  readonly capabilities?: readonly Capability[];
}

export interface Labels {
  /** The label of the action as a whole: the join of everything the sender had read. */
  readonly action: Label;
  /** One label per argument (top-level keys of an object body). */
  readonly args: Readonly<Record<string, Label>>;
  /** The label the action's output will carry. */
  readonly output: Label;
}

/** A detector's finding. `score` is 0–1; `start`/`end` are UTF-16 offsets in `field`. */
export interface Finding {
  readonly detector: string;
  readonly category: string;
  readonly score: number;
  readonly field: string;
  readonly start: number;
  readonly end: number;
  /** Set by detectors of secrets and personal data: the matched text makes the content this confidential. */
  readonly confidentiality?: Confidentiality;
}

export interface Decision {
  readonly effect: 'allow' | 'deny' | 'approval';
  readonly policyIds: readonly string[];
  readonly reason: string;
  /** Set on deny when a more specific code than POLICY_DENIED applies. */
  readonly code?: MassErrorCode;
}

/** What a human is asked to approve; `actionHash` binds the answer to this exact action. */
export interface ApprovalRequest {
  readonly actionId: string;
  readonly actionHash: string;
  readonly kind: ActionKind;
  readonly actor: string;
  readonly target: string;
  readonly body: JsonValue;
  readonly labels: Labels;
  readonly findings: readonly Finding[];
  readonly decision: Decision;
  readonly chain: readonly string[];
}

export interface ApprovalResult {
  readonly approved: boolean;
  /** Must equal the request's actionHash, or the answer is for another action. */
  readonly actionHash: string;
  readonly approver?: string;
  readonly reason?: string;
  /** When not approved: APPROVAL_DENIED (default), APPROVAL_REQUIRED (no channel), APPROVAL_TIMEOUT. */
  readonly code?: 'APPROVAL_DENIED' | 'APPROVAL_REQUIRED' | 'APPROVAL_TIMEOUT';
}

/** What the record stage writes. Bodies appear only as hashes. */
export interface RecordEntry {
  readonly type: 'intent' | 'outcome' | 'denial';
  readonly actionId: string;
  readonly time: number;
  readonly kind: ActionKind;
  readonly actor: string | null;
  readonly target: string;
  readonly bodyHash: string | null;
  /** Hash of each top-level argument (object bodies), so one argument can be proven without the rest. */
  readonly argHashes: Readonly<Record<string, string>> | null;
  /** The arguments themselves, only where the configuration asks to keep them. */
  readonly args?: JsonValue;
  readonly envelopeHash: string | null;
  readonly chain: readonly string[];
  readonly path: readonly Hop[];
  readonly labels: Labels | null;
  /** Intent and denial: findings in the action. Outcome: findings in the result. */
  readonly findings: readonly Finding[];
  readonly decision: Decision | null;
  readonly approval: { readonly approved: boolean; readonly approver?: string } | null;
  /** The envelope id the entry claims (intent) or consumes (denial); outcomes carry none. */
  readonly replayId?: ReplayId;
  /** For outcome and denial entries. */
  readonly outcome: {
    readonly status: 'executed' | 'failed' | 'denied';
    readonly code?: MassErrorCode;
    readonly stage?: StageName;
    readonly resultHash?: string;
  } | null;
}

/** Proof that an entry was stored: its position in the record. */
export interface Receipt {
  readonly index: number;
}

export interface MediationEvent {
  readonly type: 'decided' | 'completed' | 'denied';
  readonly actionId: string;
  readonly time: number;
  readonly kind: ActionKind;
  readonly actor: string | null;
  readonly target: string;
  readonly effect: 'allow' | 'deny' | 'approval' | null;
  /** The determining policies, once decided. */
  readonly policyIds?: readonly string[];
  readonly code?: MassErrorCode;
  readonly stage?: StageName;
  /** Milliseconds spent in each stage so far. */
  readonly timings: Readonly<Partial<Record<StageName, number>>>;
}

/** The result of one mediation: a plain value, never thrown. */
export type Verdict =
  | {
      readonly ok: true;
      readonly actionId: string;
      readonly actor: string;
      readonly decision: Decision;
      readonly result: JsonValue;
      /** The label of the result: the output label, raised by what the detectors found in it. */
      readonly label: Label;
      /** What the detectors found in the result (also in the outcome record). */
      readonly findings: readonly Finding[];
      /** The join of the arguments' labels: a result may repeat its arguments, so it is never more trusted than they were. */
      readonly inputs: Label;
    }
  | {
      readonly ok: false;
      readonly actionId: string;
      readonly actor: string | null;
      readonly stage: StageName;
      readonly code: MassErrorCode;
      readonly reason: string;
      readonly decision?: Decision;
      /** True once the effect was started: it may have had effects before it failed or timed out. */
      readonly executed: boolean;
    };
