import type { ActionKind } from '../core/actions.js';
import { isMassError, MassError } from '../core/errors.js';
import type { JsonValue } from '../core/json.js';
import { declassify, parseDeclassification } from '../flow/declassify.js';
import type { Hop } from '../flow/hop.js';
import { joinLabels, TRUSTED, type Confidentiality, type Label } from '../flow/label.js';
import { resultSegment, segment, SegmentList, textOf, type Segment } from '../flow/segment.js';
import type { Verdict } from '../mediator/types.js';

/** What TaskContext needs of the mesh that hosts it. */
export interface TaskHost {
  act(ctx: TaskContext, kind: ActionKind, target: string, body: JsonValue): Promise<{ value: JsonValue; label: Label; inputs: Label }>;
  setHandler(agent: string, handler: MessageHandler): void;
}

/** A message as its recipient sees it. */
export interface InboundMessage {
  readonly from: string;
  readonly body: JsonValue;
  readonly label: Label;
}

export type MessageHandler = (message: InboundMessage, ctx: TaskContext) => unknown;
export type ToolHandler = (args: Record<string, JsonValue>, ctx: { readonly agent: string; readonly label: Label }) => unknown;

/**
 * A denied or failed action, with the mediator's verdict. When the effect failed because something
 * inside it was refused or failed with a code of its own (agent A sends to B, B's handler calls a
 * tool that needs approval), `code` is that inner code, so `switch (error.code)` sees
 * `APPROVAL_REQUIRED` rather than `EXECUTION_FAILED`; the inner error is the `cause`, and `verdict`
 * (and the audit record) still say that the outer action's effect failed.
 */
export class MediationError extends MassError {
  readonly verdict: Extract<Verdict, { ok: false }>;
  constructor(verdict: Extract<Verdict, { ok: false }>, inner?: unknown) {
    const nested = verdict.stage === 'execute' && isMassError(inner) ? inner : undefined;
    super(nested?.code ?? verdict.code, `${verdict.stage}: ${verdict.reason}`, nested === undefined ? undefined : { cause: nested });
    this.name = 'MediationError';
    this.verdict = verdict;
  }
}

/**
 * What an agent does within one task. Its label is the join of everything the agent has read in
 * the task; every message it sends and every call it makes carries that label.
 */
export class TaskContext {
  readonly agent: string;
  /** The messages that led to this task (empty for a task the user started). */
  readonly path: readonly Hop[];
  /** The capability chain this task acts under, if any. */
  readonly capability: string | undefined;
  /** What the agent has read in this task, each piece with its label (for argument provenance). */
  readonly segments: SegmentList;
  #label: Label;
  readonly #mesh: TaskHost;

  /** @internal */
  constructor(
    mesh: TaskHost,
    agent: string,
    label: Label,
    options: { path?: readonly Hop[]; capability?: string | undefined; segments?: readonly Segment[] } = {},
  ) {
    this.#mesh = mesh;
    this.agent = agent;
    this.#label = label;
    this.path = options.path ?? [];
    this.capability = options.capability;
    this.segments = new SegmentList(options.segments);
  }

  get label(): Label {
    return this.#label;
  }

  /** Records that the agent read `value` with `label` (the host does this for every result it hands over). */
  read(value: JsonValue, label: Label, source: string, generation = 0): void {
    this.#label = joinLabels(this.#label, label);
    this.segments.add(segment(textOf(value), label, source, generation));
  }

  /** Calls a tool through the mediator; its output taints the task as the tool's config says. */
  async call(tool: string, args: Record<string, JsonValue> = {}): Promise<JsonValue> {
    const { value, label, inputs } = await this.#mesh.act(this, 'tool', tool, args);
    this.#label = joinLabels(this.#label, label);
    this.segments.add(resultSegment(value, label, `tool:${tool}`, args, inputs));
    return value;
  }

  /**
   * Lowers the task's label — the only way down — as a mediated, recorded `declassify` action that
   * a policy must permit (see flow/declassify.ts). What the agent read so far is relabelled too.
   */
  async declassify(to: { integrity?: 'trusted'; confidentiality?: Confidentiality; readers?: null }, reason: string): Promise<Label> {
    const body = { to: to as Record<string, JsonValue>, reason };
    const { label } = await this.#mesh.act(this, 'declassify', this.agent, body);
    const lowered = parseDeclassification(body);
    this.#label = label;
    this.segments.relabel((l) => declassify(l, lowered));
    return label;
  }

  /** Sends a message through the mediator; the reply taints the task with the recipient's label. */
  async send(to: string, body: JsonValue): Promise<JsonValue> {
    const { value, label, inputs } = await this.#mesh.act(this, 'message', to, body);
    this.#label = joinLabels(this.#label, label);
    this.segments.add(resultSegment(value, label, `agent:${to}`, body, inputs));
    return value;
  }
}

/** A handle on one agent of the mesh. */
export class AgentHandle {
  readonly id: string;
  readonly #mesh: TaskHost;

  /** @internal */
  constructor(mesh: TaskHost, id: string) {
    this.#mesh = mesh;
    this.id = id;
  }

  /** Handles messages sent to this agent; the handler's return value is the reply. */
  on(event: 'message', handler: MessageHandler): this {
    if (event !== 'message') throw new TypeError(`unknown event ${String(event)}`);
    this.#mesh.setHandler(this.id, handler);
    return this;
  }

  /**
   * Runs a task for this agent, starting from the user's (trusted) request: pass its text as
   * `request` so that values the user named are recognised as trusted in later tool arguments.
   * With `capability`, every action of the task relies on that delegation chain (it must be within it).
   */
  task<T>(work: (ctx: TaskContext) => Promise<T>, options: { capability?: string; request?: JsonValue } = {}): Promise<T> {
    const segments = options.request === undefined ? [] : [segment(textOf(options.request), TRUSTED, 'user')];
    return work(new TaskContext(this.#mesh, this.id, TRUSTED, { capability: options.capability, segments }));
  }

  send(to: string, body: JsonValue): Promise<JsonValue> {
    return this.task((ctx) => ctx.send(to, body));
  }

  call(tool: string, args: Record<string, JsonValue> = {}): Promise<JsonValue> {
    return this.task((ctx) => ctx.call(tool, args));
  }
}
