import { isActionKind } from '../core/actions.js';
import { MEDIATOR_DEFAULTS } from '../config/schema.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { MassErrorCode } from '../core/errors.js';
import { hashJson, sha256 } from '../core/hash.js';
import { isName, randomId } from '../core/ids.js';
import { canonicalJson, type JsonValue } from '../core/json.js';
import { isApprovalResult, isDecision, isFindings, isJson, isLabels, isPrincipal, isProvenance, isReceipt, isVoid } from './guards.js';
import { applyFindings, deliversBody, raiseLabel } from './apply-findings.js';
import { joinLabels, TRUSTED, untrusted, type Label } from '../flow/label.js';
import { runStage, StageFailure } from './run-stage.js';
import { actorOf, notEnforced, Refusal, refusalVerdict, type Authorized, type Progress } from './progress.js';
import type { Effect, Stages } from './stages.js';
import type { ActionRequest, Decision, Labels, MediationEvent, RecordEntry, StageName, Verdict } from './types.js';

export interface MediatorOptions {
  readonly stages: Stages;
  readonly clock?: Clock;
  /** Upper bound for every stage but approve and execute (default 2 s). */
  readonly stageTimeoutMs?: number;
  /** How long an approval may take; then it counts as denied (default 5 min). */
  readonly approvalTimeoutMs?: number;
  /** How long the effect may run before the mediator stops waiting (default 60 s). */
  readonly executeTimeoutMs?: number;
  /** Largest body accepted, as canonical JSON (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Whether the record keeps an action's arguments themselves (default: only their hashes). */
  readonly keepArguments?: (request: ActionRequest) => boolean;
  /**
   * `enforce` (default): a denial stops the action. `monitor`: every stage still runs and every
   * would-be denial is recorded and observed, but the effect runs anyway — an undefended system
   * that keeps a full record, for measuring what the defences stop (the red-team baseline). Never
   * for production.
   */
  readonly mode?: 'enforce' | 'monitor';
}

/**
 * The mediator: the one pipeline every action crosses.
 *
 *   authenticate → provenance → label → inspect → decide → approve → record(intent) → observe(decided)
 *     → execute → record(outcome) → observe(completed)
 *
 * Every stage that throws, times out or answers malformed ends in a typed deny, and the effect only
 * runs after the intent is recorded and the decision observed. `mediate` never throws.
 */
export class Mediator {
  readonly #stages: Stages;
  readonly #clock: Clock;
  readonly #timeout: number;
  readonly #approvalTimeout: number;
  readonly #executeTimeout: number;
  readonly #maxBody: number;
  readonly #keepArguments: (request: ActionRequest) => boolean;
  readonly #pending = new Set<Promise<void>>();
  readonly #monitor: boolean;

  constructor(options: MediatorOptions) {
    this.#stages = options.stages;
    this.#clock = options.clock ?? systemClock;
    this.#timeout = options.stageTimeoutMs ?? MEDIATOR_DEFAULTS.stageTimeoutMs;
    this.#approvalTimeout = options.approvalTimeoutMs ?? MEDIATOR_DEFAULTS.approvalTimeoutMs;
    this.#executeTimeout = options.executeTimeoutMs ?? MEDIATOR_DEFAULTS.executeTimeoutMs;
    this.#maxBody = options.maxBodyBytes ?? 1024 * 1024;
    this.#keepArguments = options.keepArguments ?? (() => false);
    this.#monitor = options.mode === 'monitor';
  }

  async mediate(request: ActionRequest, effect: Effect): Promise<Verdict> {
    const actionId = randomId();
    const checked = this.#checkRequest(request);
    const p: Progress = {
      actionId,
      request,
      effect,
      bodyHash: checked.ok ? checked.bodyHash : null,
      argHashes: checked.ok ? argumentHashes(request.body) : null,
      timings: {},
    };
    const authorized = checked.ok ? await this.#authorize(p) : new Refusal(new StageFailure('authenticate', 'REQUEST_MALFORMED', checked.reason));
    if (!(authorized instanceof Refusal)) return this.#perform(p, authorized.actor, authorized.labels, authorized.decision);
    await this.#recordRefusal(p, authorized);
    // Monitor mode (the undefended baseline, never for production): the refusal is on record and
    // observed, and the effect runs anyway — unless even the record failed (no record, no effect).
    if (this.#monitor && authorized.recordable) return this.#perform(p, actorOf(p), p.labels, notEnforced(p, authorized.failure));
    return refusalVerdict(p, authorized.failure);
  }

  /**
   * The stages before the effect, in order; the first that fails ends it with a Refusal. On success
   * the intent is durable and the decision observed: the effect may run.
   */
  async #authorize(p: Progress): Promise<Authorized | Refusal> {
    const { request, actionId } = p;
    const s = this.#stages;
    const t = this.#timeout;

    const principal = await this.#stage(p, 'authenticate', t, () => s.authenticate.authenticate(request), isPrincipal);
    if (principal instanceof StageFailure) return new Refusal(principal);
    p.principal = principal;

    const provenance = await this.#stage(p, 'provenance', t, () => s.provenance.resolve(request, principal), isProvenance);
    if (provenance instanceof StageFailure) return new Refusal(provenance);
    p.provenance = provenance;

    const labelled = await this.#stage(p, 'label', t, () => s.label.label(request, principal, provenance, actionId), isLabels);
    if (labelled instanceof StageFailure) return new Refusal(labelled);
    p.labels = labelled;

    const findings = await this.#stage(p, 'inspect', t, () => s.inspect.inspect(request, labelled), isFindings);
    if (findings instanceof StageFailure) return new Refusal(findings);
    p.findings = findings;
    // Findings only raise labels (a detected injection taints, a detected secret classifies), the
    // label a message is delivered with included; the labeler holds what it causes to that label.
    const labels = applyFindings(labelled, findings, request.kind);
    p.labels = labels;
    if (deliversBody(request.kind) && s.label.delivered !== undefined) {
      const delivered = await this.#stage(p, 'label', t, () => s.label.delivered?.(actionId, labels.output), isVoid);
      if (delivered instanceof StageFailure) return new Refusal(delivered);
    }

    const decision = await this.#stage(p, 'decide', t, () => s.decide.decide({ request, principal, provenance, labels, findings }), isDecision);
    if (decision instanceof StageFailure) return new Refusal(decision);
    p.decision = decision;
    if (decision.effect === 'deny') {
      return new Refusal(new StageFailure('decide', decision.code ?? 'POLICY_DENIED', decision.reason));
    }

    if (decision.effect === 'approval') {
      const actionHash = hashJson({
        actionId,
        kind: request.kind,
        actor: principal.agentId,
        target: request.target,
        bodyHash: p.bodyHash,
        envelopeHash: principal.envelopeHash ?? null,
      });
      const approvalRequest = {
        actionId,
        actionHash,
        kind: request.kind,
        actor: principal.agentId,
        target: request.target,
        body: request.body,
        labels,
        findings,
        decision,
        chain: provenance.chain,
      };
      const approval = await this.#stage(p, 'approve', this.#approvalTimeout, (signal) => s.approve.approve(approvalRequest, signal), isApprovalResult);
      if (approval instanceof StageFailure) {
        const code: MassErrorCode = approval.code === 'STAGE_TIMEOUT' ? 'APPROVAL_TIMEOUT' : approval.code;
        return new Refusal(new StageFailure('approve', code, approval.reason));
      }
      if (approval.actionHash !== actionHash) return new Refusal(new StageFailure('approve', 'STAGE_MALFORMED', 'approval answers a different action'));
      p.approval = approval;
      if (!approval.approved) return new Refusal(new StageFailure('approve', approval.code ?? 'APPROVAL_DENIED', approval.reason ?? 'approval refused'));
    }

    // No record, no effect: the intent must be stored before anything runs.
    // The intent claims the envelope's id in the same transaction: a replay (another process, or
    // this one before a crash, accepted it) is refused there, recorded as a denial, and never runs.
    const intent = await this.#stage(p, 'record', t, () => s.record.append(this.#entry(p, 'intent', null)), isReceipt);
    if (intent instanceof StageFailure && intent.code === 'ENVELOPE_REPLAYED') return new Refusal(intent);
    if (intent instanceof StageFailure) return new Refusal(new StageFailure('record', 'RECORD_FAILED', intent.reason), false);
    const decided = await this.#stage(p, 'observe', t, () => s.observe.observe(this.#event(p, 'decided')), isVoid);
    if (decided instanceof StageFailure) return new Refusal(decided);

    return { actor: principal.agentId, labels, decision };
  }

  /**
   * Runs the effect, inspects its result, and leaves the outcome to be recorded (#settle). The
   * verdict carries the result with its label and the join of the arguments' labels.
   */
  async #perform(p: Progress, actor: string, labels: Labels | undefined, decision: Decision): Promise<Verdict> {
    const output = labels?.output ?? untrusted('monitor:unlabelled');
    const result = await this.#stage(
      p,
      'execute',
      this.#executeTimeout,
      () => this.#stages.execute.execute(p.effect, p.request, { actionId: p.actionId, actor, label: output }),
      isJson,
    );
    if (result instanceof StageFailure) {
      this.#settle(this.#afterEffect(p, { status: 'failed', code: 'EXECUTION_FAILED' }));
      return { ok: false, actionId: p.actionId, actor, stage: 'execute', code: 'EXECUTION_FAILED', reason: result.reason, decision, executed: true };
    }
    const label = await this.#inspectResult(p, result, output);
    this.#settle(this.#afterEffect(p, { status: 'executed', resultHash: hashJson(result) }));
    return {
      ok: true,
      actionId: p.actionId,
      actor,
      decision,
      result,
      label,
      findings: p.resultFindings ?? [],
      inputs: labels === undefined ? output : inputsOf(labels),
    };
  }

  /** The request is attacker-controlled: check its shape and bound the body before any stage sees it. */
  #checkRequest(request: ActionRequest): { ok: true; bodyHash: string } | { ok: false; reason: string } {
    if (typeof request !== 'object' || (request as unknown) === null) return { ok: false, reason: 'request must be an object' };
    if (!isActionKind(request.kind)) return { ok: false, reason: 'kind is not an action kind' };
    if (!isName(request.target)) return { ok: false, reason: 'target is not a valid name' };
    let canonical: string;
    try {
      canonical = canonicalJson(request.body);
    } catch (error) {
      return { ok: false, reason: `body is not plain JSON: ${error instanceof Error ? error.message : 'invalid'}` };
    }
    if (Buffer.byteLength(canonical) > this.#maxBody) return { ok: false, reason: `body larger than ${this.#maxBody} bytes` };
    return { ok: true, bodyHash: Buffer.from(sha256(canonical)).toString('base64url') };
  }

  async #stage<T>(
    p: Progress,
    stage: StageName,
    timeoutMs: number,
    call: (signal: AbortSignal) => unknown,
    guard: (v: unknown) => v is T,
  ): Promise<T | StageFailure> {
    const started = performance.now();
    const result = await runStage(stage, timeoutMs, call, guard);
    p.timings[stage] = (p.timings[stage] ?? 0) + (performance.now() - started);
    return result;
  }

  /** Records (where it can) and reports a refusal, best effort: the action is refused whatever happens here. */
  async #recordRefusal(p: Progress, refusal: Refusal): Promise<void> {
    const s = this.#stages;
    const { failure } = refusal;
    const outcome = { status: 'denied' as const, code: failure.code, stage: failure.stage };
    if (refusal.recordable) await runStage('record', this.#timeout, () => s.record.append(this.#entry(p, 'denial', outcome)), isReceipt);
    await runStage('observe', this.#timeout, () => s.observe.observe(this.#event(p, 'denied', failure)), isVoid);
  }

  /**
   * Runs the detectors over the result before anyone reads it; findings raise its label. The effect
   * has run, so a failing inspection cannot deny: the result is labelled untrusted instead.
   */
  async #inspectResult(p: Progress, result: JsonValue, output: Label): Promise<Label> {
    const inspect = this.#stages.inspect;
    if (inspect.inspectResult === undefined) return output;
    const findings = await this.#stage(p, 'inspect', this.#timeout, () => inspect.inspectResult?.(p.request, result), isFindings);
    if (findings instanceof StageFailure) {
      p.resultFindings = [{ detector: 'inspect', category: 'failed', score: 1, field: '$', start: 0, end: 0 }];
      return joinLabels(output, untrusted('inspect:failed'));
    }
    p.resultFindings = findings;
    return raiseLabel(output, findings);
  }

  /**
   * The outcome is recorded after the caller has its result: the intent was durable before the
   * effect ran, so a crash in between leaves an intent without outcome (the effect's fate unknown),
   * never an effect without record. `settled()` waits for every outcome still being written.
   */
  #settle(work: Promise<void>): void {
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  /** Resolves once the outcome of every action mediated so far is recorded and observed. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** After the effect ran, nothing can undo it: failures here are reported, not turned into denials. */
  async #afterEffect(p: Progress, outcome: NonNullable<RecordEntry['outcome']>): Promise<void> {
    const s = this.#stages;
    const recorded = await this.#stage(p, 'record', this.#timeout, () => s.record.append(this.#entry(p, 'outcome', outcome)), isReceipt);
    const failure =
      recorded instanceof StageFailure
        ? new StageFailure('record', 'RECORD_FAILED', recorded.reason)
        : outcome.status === 'failed'
          ? new StageFailure('execute', 'EXECUTION_FAILED', 'the effect failed')
          : undefined;
    await runStage('observe', this.#timeout, () => s.observe.observe(this.#event(p, 'completed', failure)), isVoid);
  }

  /** What every record entry and event says about the action: which, when, who, on what. */
  #subject(p: Progress) {
    return { actionId: p.actionId, time: this.#clock.now(), kind: p.request.kind, actor: p.principal?.agentId ?? null, target: p.request.target };
  }

  #entry(p: Progress, type: RecordEntry['type'], outcome: RecordEntry['outcome']): RecordEntry {
    return {
      type,
      ...this.#subject(p),
      bodyHash: p.bodyHash,
      argHashes: p.argHashes,
      ...(p.bodyHash !== null && this.#keepArguments(p.request) ? { args: p.request.body } : {}),
      envelopeHash: p.principal?.envelopeHash ?? null,
      ...(type !== 'outcome' && p.principal?.replayId !== undefined ? { replayId: p.principal.replayId } : {}),
      chain: p.provenance?.chain ?? [],
      path: p.provenance?.path ?? p.principal?.path ?? [],
      labels: p.labels ?? null,
      findings: (type === 'outcome' ? p.resultFindings : p.findings) ?? [],
      decision: p.decision ?? null,
      approval:
        p.approval === undefined ? null : { approved: p.approval.approved, ...(p.approval.approver === undefined ? {} : { approver: p.approval.approver }) },
      outcome,
    };
  }

  #event(p: Progress, type: MediationEvent['type'], failure?: StageFailure): MediationEvent {
    return {
      type,
      ...this.#subject(p),
      effect: type === 'denied' ? 'deny' : (p.decision?.effect ?? null),
      ...(p.decision === undefined ? {} : { policyIds: p.decision.policyIds }),
      ...(failure === undefined ? {} : { code: failure.code, stage: failure.stage }),
      timings: { ...p.timings },
    };
  }
}

/** The join of the labels of an action's arguments (the bottom label when it has none). */
function inputsOf(labels: Labels): Label {
  let joined: Label = TRUSTED;
  for (const arg of Object.values(labels.args)) joined = joinLabels(joined, arg);
  return joined;
}

/** Hash of each top-level argument of an object body; null for other bodies. */
function argumentHashes(body: JsonValue): Record<string, string> | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const hashes: Record<string, string> = {};
  for (const key of Object.keys(body)) hashes[key] = hashJson(body[key] ?? null);
  return hashes;
}
