import type { Approver } from '../stages.js';
import type { ApprovalRequest, ApprovalResult } from '../types.js';

/** With no approval channel configured, "approval required" means deny. */
export class NoApprovalChannel implements Approver {
  approve(request: ApprovalRequest): ApprovalResult {
    return { approved: false, actionHash: request.actionHash, code: 'APPROVAL_REQUIRED', reason: 'approval required, but no approval channel is configured' };
  }
}

export type ApprovalAnswer = boolean | { readonly approved: boolean; readonly approver?: string; readonly reason?: string };

/**
 * A deterministic approval channel: a function answers each request, and every request is kept
 * for inspection. For tests, simulations and the red-team harness.
 */
export class ScriptedApprovalChannel implements Approver {
  readonly requests: ApprovalRequest[] = [];
  readonly #answer: (request: ApprovalRequest) => ApprovalAnswer;

  constructor(answer: (request: ApprovalRequest) => ApprovalAnswer) {
    this.#answer = answer;
  }

  approve(request: ApprovalRequest): ApprovalResult {
    this.requests.push(request);
    const answer = this.#answer(request);
    const a = typeof answer === 'boolean' ? { approved: answer } : answer;
    return {
      approved: a.approved,
      actionHash: request.actionHash,
      approver: a.approver ?? 'scripted',
      ...(a.reason === undefined ? {} : { reason: a.reason }),
      ...(a.approved ? {} : { code: 'APPROVAL_DENIED' as const }),
    };
  }
}
