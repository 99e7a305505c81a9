import type { StageFailure } from './run-stage.js';
import type { Effect } from './stages.js';
import type { ActionRequest, ApprovalResult, Decision, Finding, Labels, Principal, Provenance, StageName, Verdict } from './types.js';

/*
 * One action on its way through the mediator: what the stages have established so far, and how a
 * refusal of it is reported (mediator.ts runs the stages).
 */

/** What the mediator knows about an action so far; stages fill it in, in order. */
export interface Progress {
  readonly actionId: string;
  readonly request: ActionRequest;
  readonly effect: Effect;
  readonly bodyHash: string | null;
  readonly argHashes: Readonly<Record<string, string>> | null;
  readonly timings: Partial<Record<StageName, number>>;
  principal?: Principal;
  provenance?: Provenance;
  labels?: Labels;
  findings?: readonly Finding[];
  decision?: Decision;
  approval?: ApprovalResult;
  resultFindings?: readonly Finding[];
}

/** What #authorize hands to the effect: who acts, with which labels, on which decision. */
export interface Authorized {
  readonly actor: string;
  readonly labels: Labels;
  readonly decision: Decision;
}

/** Why an action does not run; `recordable` is false when even the denial cannot be recorded (the record failed). */
export class Refusal {
  constructor(
    readonly failure: StageFailure,
    readonly recordable = true,
  ) {}
}

/** The verdict of a refused action. */
export function refusalVerdict(p: Progress, failure: StageFailure): Verdict {
  return {
    ok: false,
    actionId: p.actionId,
    actor: p.principal?.agentId ?? null,
    stage: failure.stage,
    code: failure.code,
    reason: failure.reason,
    ...(p.decision === undefined ? {} : { decision: p.decision }),
    executed: false,
  };
}

/** Monitor mode: who the record names as acting when the refusal came before authentication finished. */
export function actorOf(p: Progress): string {
  return p.principal?.agentId ?? p.request.sender ?? '(unauthenticated)';
}

/** Monitor mode: the decision the outcome is recorded under — a denial that was not enforced. */
export function notEnforced(p: Progress, failure: StageFailure): Decision {
  return { effect: 'deny', policyIds: p.decision?.policyIds ?? [], reason: `not enforced (monitor mode): ${failure.reason}`, code: failure.code };
}
