import { audienceOf, type ActionKind } from '../core/actions.js';
import { systemClock, type Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import { assertJson, type JsonValue } from '../core/json.js';
import { validateConfig, type MassConfig } from '../config/load.js';
import type { MassConfigInput } from '../config/schema.js';
import { joinLabels, TRUSTED, type Label } from '../flow/label.js';
import { signEnvelope } from '../identity/envelope.js';
import type { SigningKey } from '../identity/keys.js';
import { AgentRegistry, ensureOwnerKey } from '../identity/registry.js';
import { DurableReplayGuard, EarlyReplayGuard } from '../identity/replay.js';
import { Mediator } from '../mediator/mediator.js';
import type { Approver, Effect, Recorder, Stages } from '../mediator/stages.js';
import { EffectRouter } from '../mediator/effect-router.js';
import { ConfigLabeler } from '../mediator/stages/label.js';
import { EnvelopeAuthenticator, HostAuthenticator } from '../mediator/stages/authenticate.js';
import { ChainProvenance } from '../mediator/stages/provenance.js';
import { chainOptionsFromStore } from '../capability/store-options.js';
import { MemoryLinkMemory } from '../capability/memory.js';
import type { VerifyChainOptions } from '../capability/verify.js';
import { textOf, type Segment } from '../flow/segment.js';
import { DetectorInspector } from '../mediator/stages/inspect.js';
import { detectorSuite } from '../detect/suite.js';
import { replicationGeneration } from '../detect/replication.js';
import { CedarDecider } from '../mediator/stages/decide.js';
import { NoApprovalChannel } from '../mediator/stages/approve.js';
import { DirectExecutor } from '../mediator/stages/execute.js';
import { EventObserver } from '../mediator/stages/observe.js';
import type { ActionRequest, Verdict } from '../mediator/types.js';
import { adminEntry } from '../audit/entry.js';
import type { AuditLog } from '../audit/log.js';
import { openAuditLog } from '../audit/open-log.js';
import { AuditRecorder } from './audit-recorder.js';
import { PolicyEngine } from '../policy/engine.js';
import type { PolicySource } from '../policy/load.js';
import { openStore } from '../store/open.js';
import { AgentContexts, type AgentContextLimits } from './agent-context.js';
import { AgentHandle, MediationError, TaskContext, type MessageHandler, type TaskHost, type ToolHandler } from './task.js';
import type { Store } from '../store/store.js';

export { AgentHandle, MediationError, TaskContext } from './task.js';
export type { InboundMessage, MessageHandler, ToolHandler } from './task.js';

export interface MeshOptions {
  /** The store; default: the one named by `store:` in the configuration. */
  readonly store?: Store;
  /** Policy text to use instead of the files named by `policies:`. */
  readonly policies?: readonly PolicySource[];
  readonly clock?: Clock;
  /** `envelope` (default): every action is signed and verified. `host`: the mesh vouches for its agents. */
  readonly authentication?: 'envelope' | 'host';
  /** Where approval-required actions go; default: none, so they are denied. */
  readonly approval?: Approver;
  /** Where decisions are recorded; default: the audit log of the store. */
  readonly recorder?: Recorder;
  /** Replace individual stages (later capabilities plug in here). */
  readonly stages?: Partial<Stages>;
  /** Register declared agents that have no identity yet (default true). */
  readonly autoRegister?: boolean;
  /** `monitor`: decide and record, but do not enforce (see MediatorOptions.mode). Default `enforce`. */
  readonly mode?: 'enforce' | 'monitor';
  /** Bounds of each agent's task context (agent-context.ts). */
  readonly contexts?: AgentContextLimits;
}

/** How a gateway describes the agent behind an action it mediates (Mesh.mediate). */
export interface MediateOptions {
  readonly label?: Label;
  readonly context?: readonly Segment[];
  readonly capability?: string;
}

/** The in-process mesh: agents, tools, and one mediator between them. */
export class Mesh implements TaskHost {
  readonly config: MassConfig;
  readonly store: Store;
  readonly registry: AgentRegistry;
  readonly mediator: Mediator;
  readonly policy: PolicyEngine;
  readonly recorder: Recorder;
  /** The audit log of the store (the default recorder). */
  readonly log: AuditLog;
  readonly events: EventObserver;
  /** Each agent's task context, shared by its sessions on every gateway and process on the store. */
  readonly contexts: AgentContexts;
  readonly #clock: Clock;
  readonly #signed: boolean;
  readonly #ownsStore: boolean;
  readonly #replay: DurableReplayGuard | EarlyReplayGuard;
  readonly #keys = new Map<string, SigningKey>();
  readonly #handlers = new Map<string, MessageHandler>();
  readonly #tools = new Map<string, ToolHandler>();
  /** What an allowed action does in process: a tool handler, delivery to the recipient's handler. */
  readonly #effects = new EffectRouter<MeshCall>({
    host: 'the in-process mesh',
    tool: (request, _action, call) => {
      const handler = this.#tools.get(request.target);
      if (handler === undefined) throw new MassError('TOOL_UNKNOWN', `no handler registered for tool "${request.target}"`);
      return handler(request.body as Record<string, JsonValue>, { agent: call.ctx.agent, label: call.label });
    },
    message: async (request, action, call) => {
      const handler = this.#handlers.get(request.target);
      if (handler === undefined) throw new MassError('AGENT_UNKNOWN', `agent "${request.target}" has no message handler`);
      // The recipient reads the message with the label it is delivered with (the sender's, raised by
      // what the detectors found in it) and inherits what the sender had read, so values the user
      // named stay recognisable along the chain.
      const { ctx } = call;
      const actor = ctx.agent;
      const context = ctx.segments.items;
      const recipient = new TaskContext(this, request.target, action.label, {
        path: [...ctx.path, { agent: actor, action: action.actionId }],
        segments: context,
      });
      recipient.read(request.body, action.label, `agent:${actor}`, this.generationOf(request.body, context));
      const reply = await handler({ from: actor, body: request.body, label: action.label }, recipient);
      call.replied(recipient.label);
      return reply;
    },
    declassify: () => null, // the effect is on the task's label, applied by the caller
  });

  /** @internal use createMesh */
  constructor(parts: {
    config: MassConfig;
    store: Store;
    ownsStore: boolean;
    registry: AgentRegistry;
    policy: PolicyEngine;
    clock: Clock;
    signed: boolean;
    stages: Stages;
    events: EventObserver;
    replay: DurableReplayGuard | EarlyReplayGuard;
    log: AuditLog;
    mediatorTimeouts: { stageTimeoutMs: number; approvalTimeoutMs: number; executeTimeoutMs: number };
    keepArguments: (request: ActionRequest) => boolean;
    mode: 'enforce' | 'monitor';
    contexts: AgentContexts;
  }) {
    this.config = parts.config;
    this.store = parts.store;
    this.#ownsStore = parts.ownsStore;
    this.registry = parts.registry;
    this.policy = parts.policy;
    this.#clock = parts.clock;
    this.#signed = parts.signed;
    this.recorder = parts.stages.record;
    this.events = parts.events;
    this.#replay = parts.replay;
    this.log = parts.log;
    this.contexts = parts.contexts;
    this.mediator = new Mediator({ stages: parts.stages, clock: parts.clock, ...parts.mediatorTimeouts, keepArguments: parts.keepArguments, mode: parts.mode });
  }

  agent(id: string): AgentHandle {
    if (!Object.hasOwn(this.config.data.agents, id)) throw new TypeError(`agent "${id}" is not declared in ${this.config.file}`);
    return new AgentHandle(this, id);
  }

  /** Registers the handler of a tool declared in the configuration. */
  tool(name: string, handler: ToolHandler): this {
    if (!Object.hasOwn(this.config.data.tools, name)) throw new TypeError(`tool "${name}" is not declared in ${this.config.file}`);
    this.#tools.set(name, handler);
    return this;
  }

  /** @internal */
  setHandler(agent: string, handler: MessageHandler): void {
    this.#handlers.set(agent, handler);
  }

  /** @internal Mediates one action of the task's agent and returns its value and label, or throws MediationError. */
  async act(ctx: TaskContext, kind: ActionKind, target: string, body: JsonValue): Promise<{ value: JsonValue; label: Label; inputs: Label }> {
    assertJson(body);
    const actor = ctx.agent;
    const label = ctx.label;
    const capability = ctx.capability === undefined ? {} : { capability: ctx.capability };
    const context = ctx.segments.items;
    const request: ActionRequest = this.#signed
      ? { kind, target, body, envelope: await this.#sign(ctx, kind, target, body), context, ...capability }
      : { kind, target, body, sender: actor, label, path: ctx.path, context, ...capability };
    // What the effect threw: a refusal inside a nested call keeps its code for the caller (MediationError).
    let thrown: { error: unknown } | undefined;
    let replyLabel: Label | undefined;
    const effect = this.#effects.effect(request, { ctx, label, replied: (recipientLabel) => (replyLabel = recipientLabel) });
    const verdict = await this.mediator.mediate(request, {
      run: async (action) => {
        try {
          return await effect.run(action);
        } catch (error) {
          thrown = { error };
          throw error;
        }
      },
    });
    if (!verdict.ok) throw new MediationError(verdict, verdict.stage === 'execute' ? thrown?.error : undefined);
    // The mediator scanned the result: an injection in it taints, a secret in it classifies.
    return { value: verdict.result, label: replyLabel === undefined ? verdict.label : joinLabels(replyLabel, verdict.label), inputs: verdict.inputs };
  }

  /**
   * Mediates one action of `agent` whose effect runs outside the mesh (a gateway forwarding a tool
   * call to an upstream server). The action is signed as `act` signs it, with `options.label` as the
   * agent's context label (default: trusted, a task the user started), `options.context` as what the
   * gateway saw the agent read in its task, and `options.capability` as the delegation chain it
   * acts under. Returns the verdict, never throws a refusal; throws TypeError for a body that is not JSON.
   */
  async mediate(agent: string, kind: ActionKind, target: string, body: JsonValue, effect: Effect, options: MediateOptions = {}): Promise<Verdict> {
    assertJson(body);
    const label = options.label ?? TRUSTED;
    const ctx = new TaskContext(this, agent, label, options.capability === undefined ? {} : { capability: options.capability });
    const extra = {
      ...(options.context === undefined ? {} : { context: options.context }),
      ...(options.capability === undefined ? {} : { capability: options.capability }),
    };
    const request: ActionRequest = this.#signed
      ? { kind, target, body, envelope: await this.#sign(ctx, kind, target, body), ...extra }
      : { kind, target, body, sender: agent, label, path: [], ...extra };
    return this.mediator.mediate(request, effect);
  }

  async #sign(ctx: TaskContext, kind: ActionKind, target: string, body: JsonValue): Promise<string> {
    const actor = ctx.agent;
    let key = this.#keys.get(actor);
    if (key === undefined) {
      key = await this.registry.signingKey(actor);
      this.#keys.set(actor, key);
    }
    return signEnvelope(
      key,
      {
        iss: actor,
        aud: audienceOf(kind, target),
        act: kind,
        body,
        label: ctx.label,
        path: ctx.path,
        ...(ctx.capability === undefined ? {} : { capability: ctx.capability }),
      },
      this.#clock,
    );
  }

  /** @internal The replication generation a message body carries given what its sender had read. */
  generationOf(body: JsonValue, context: readonly Segment[]): number {
    return replicationGenerationOf(textOf(body), context);
  }

  /** Flushes replay state and closes the store if the mesh opened it. */
  async close(): Promise<void> {
    await this.mediator.settled();
    await this.#replay.flush();
    await this.log.close(); // signs a checkpoint over everything written
    if (this.#ownsStore) await this.store.close();
  }
}

/** What the in-process effects know of a call: the caller's task, its label, and where the recipient's label goes. */
interface MeshCall {
  readonly ctx: TaskContext;
  readonly label: Label;
  readonly replied: (recipientLabel: Label) => void;
}

/** Tools whose configuration says `recordArgs: true` keep their arguments in the record; declassifications always keep theirs (the reason). */
function keepArgumentsOf(config: MassConfig): (request: ActionRequest) => boolean {
  const keep = new Set(
    Object.entries(config.data.tools)
      .filter(([, t]) => t.recordArgs)
      .map(([name]) => name),
  );
  return (request) => request.kind === 'declassify' || (request.kind === 'tool' && keep.has(request.target));
}

function replicationGenerationOf(text: string, context: readonly Segment[]): number {
  return context.length === 0 ? 0 : replicationGeneration(text, context);
}

function isMassConfig(value: MassConfig | MassConfigInput): value is MassConfig {
  return typeof value === 'object' && value !== null && 'data' in value && 'file' in value && 'dir' in value;
}

/**
 * Builds an in-process mesh from a configuration (a loaded mass.yaml, or the same object written
 * in code). Policies are loaded and validated, agents without an identity are registered, and
 * every `send` and `call` goes through the mediator.
 */
export async function createMesh(config: MassConfig | MassConfigInput, options: MeshOptions = {}): Promise<Mesh> {
  const loaded = isMassConfig(config) ? config : validateConfig(config, '(in-code configuration)', process.cwd());
  const clock = options.clock ?? systemClock;
  const policy = PolicyEngine.load(loaded, options.policies);
  const store = options.store ?? (await openStore(loaded.data.store, loaded.dir));
  try {
    const registry = new AgentRegistry(store, clock);
    if (options.autoRegister ?? true) await ensureOwnerKey(store, clock);
    let chainOptionsPromise: Promise<VerifyChainOptions> | undefined;
    const links = new MemoryLinkMemory();
    const chainOptions = () =>
      (chainOptionsPromise ??= chainOptionsFromStore(store, clock, { clockSkewSeconds: loaded.data.envelopes.clockSkewSeconds, links }));
    const log = await openAuditLog(loaded, store, clock);
    if (options.autoRegister ?? true) {
      for (const id of Object.keys(loaded.data.agents)) {
        if ((await registry.get(id)) !== undefined) continue;
        await registry.register(id);
        await log.append(adminEntry('agent.add', id, null, 'declared in configuration', clock.now()));
      }
    }
    // Running without enforcement is itself on record.
    if (options.mode === 'monitor') await log.append(adminEntry('mediator.monitor', 'mesh', null, 'decisions are recorded but not enforced', clock.now()));
    const signed = (options.authentication ?? 'envelope') === 'envelope';
    // The audit log's recorder claims each envelope id with its intent (one transaction): the
    // guard in front only refuses early. Any other recorder does not, so the guard stores ids itself.
    const logRecorder = options.recorder === undefined && options.stages?.record === undefined ? new AuditRecorder(log) : undefined;
    const replay = logRecorder !== undefined ? await EarlyReplayGuard.open(store.replay, clock) : await DurableReplayGuard.open(store.replay, clock);
    const events = new EventObserver();
    const detectors = detectorSuite(loaded.data.detectors);
    const defaults: Stages = {
      authenticate: signed ? new EnvelopeAuthenticator({ keys: registry, replay, clock, ...loaded.data.envelopes }) : new HostAuthenticator(store.agents),
      provenance: new ChainProvenance(chainOptions, store.agents),
      label: new ConfigLabeler(loaded.data, { mcpTools: store.mcpTools }),
      inspect: new DetectorInspector(detectors),
      decide: new CedarDecider(policy, loaded.data, { mcpTools: store.mcpTools }),
      approve: options.approval ?? new NoApprovalChannel(),
      execute: new DirectExecutor(),
      record: options.recorder ?? logRecorder ?? new AuditRecorder(log),
      observe: events,
    };
    const stages: Stages = { ...defaults, ...options.stages };
    return new Mesh({
      config: loaded,
      store,
      ownsStore: options.store === undefined,
      registry,
      policy,
      clock,
      signed,
      stages,
      events,
      replay,
      log,
      mediatorTimeouts: loaded.data.mediator,
      keepArguments: keepArgumentsOf(loaded),
      mode: options.mode ?? 'enforce',
      contexts: new AgentContexts(store.agentContext, log, clock, options.contexts),
    });
  } catch (error) {
    if (options.store === undefined) await store.close();
    throw error;
  }
}
