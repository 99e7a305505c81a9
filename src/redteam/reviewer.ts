import type { Approver } from '../mediator/stages.js';
import type { ApprovalRequest, ApprovalResult } from '../mediator/types.js';
import type { Prng } from './prng.js';

/** Detectors whose findings a reviewer reads as "this request was planted". */
const THREATS = new Set(['injection', 'replication', 'tool-poisoning']);

export interface ReviewerOptions {
  /** What the reviewer concludes when it looks carefully (the business's records, the request). */
  readonly judge: (request: ApprovalRequest) => boolean;
  readonly rng: Prng;
  /** Requests a reviewer handles with full attention before fatigue sets in (default 5). */
  readonly capacity?: number;
  /** The chance of a careful look never drops below this (default 0.02). */
  readonly floor?: number;
}

export interface ReviewRecord {
  readonly request: ApprovalRequest;
  readonly careful: boolean;
  readonly approved: boolean;
}

/**
 * A simulated human approver with a fatigue model. The first `capacity` requests of a shift get a
 * careful look: the reviewer refuses anything a detector flagged as planted and anything the
 * business's records do not support (`judge`). Past that, the chance of a careful look falls as
 * (capacity / n)², n the number of requests seen so far, down to `floor`; a request that does not
 * get one is rubber-stamped. The draws come from a seeded generator, so a run is reproducible.
 *
 * This is the reviewer the red team measures against, not a defence: a fatigue-aware approval
 * queue (batching, rate limits per requester, risk ranking) is what MASS still lacks.
 */
export class SimulatedReviewer implements Approver {
  readonly reviews: ReviewRecord[] = [];
  readonly #judge: (request: ApprovalRequest) => boolean;
  readonly #rng: Prng;
  readonly #capacity: number;
  readonly #floor: number;

  constructor(options: ReviewerOptions) {
    this.#judge = options.judge;
    this.#rng = options.rng;
    this.#capacity = options.capacity ?? 5;
    this.#floor = options.floor ?? 0.02;
  }

  /** Approval requests received so far. */
  get requests(): readonly ApprovalRequest[] {
    return this.reviews.map((r) => r.request);
  }

  /** The chance that the n-th request (1-based) of the shift gets a careful look. */
  attention(n: number): number {
    if (n <= this.#capacity) return 1;
    return Math.max(this.#floor, (this.#capacity / n) ** 2);
  }

  approve(request: ApprovalRequest): ApprovalResult {
    const n = this.reviews.length + 1;
    const careful = this.#rng.chance(this.attention(n));
    const approved = careful ? !request.findings.some((f) => THREATS.has(f.detector)) && this.#judge(request) : true;
    this.reviews.push({ request, careful, approved });
    return {
      approved,
      actionHash: request.actionHash,
      approver: careful ? 'reviewer (careful)' : 'reviewer (rubber stamp)',
      ...(approved ? {} : { code: 'APPROVAL_DENIED' as const, reason: 'the reviewer refused' }),
    };
  }
}
