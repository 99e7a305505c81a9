import { ManualClock } from '../../src/core/clock.js';
import type { JsonValue } from '../../src/core/json.js';
import { TRUSTED, type Label } from '../../src/flow/label.js';
import { signEnvelope } from '../../src/identity/envelope.js';
import { AgentRegistry } from '../../src/identity/registry.js';
import { MemoryReplayGuard } from '../../src/identity/replay.js';
import { Mediator } from '../../src/mediator/mediator.js';
import type { Approver, Effect, Stages } from '../../src/mediator/stages.js';
import { ScriptedApprovalChannel } from '../../src/mediator/stages/approve.js';
import { EnvelopeAuthenticator } from '../../src/mediator/stages/authenticate.js';
import { CedarDecider } from '../../src/mediator/stages/decide.js';
import { DirectExecutor } from '../../src/mediator/stages/execute.js';
import { DetectorInspector } from '../../src/mediator/stages/inspect.js';
import { ConfigLabeler } from '../../src/mediator/stages/label.js';
import { EventObserver } from '../../src/mediator/stages/observe.js';
import { SenderProvenance } from '../../src/mediator/stages/provenance.js';
import { MemoryRecorder } from '../../src/mediator/stages/record.js';
import type { ActionRequest } from '../../src/mediator/types.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { smallConfig } from '../support/fixtures.js';

/** Policies of the harness: alice may call echo only with a human's approval, and pay freely up to 100. */
export const HARNESS_POLICIES = `
@id("echo-with-approval") @approval
permit (principal == Agent::"alice", action == Action::"call", resource == Tool::"echo");
@id("small-payments")
permit (principal == Agent::"alice", action == Action::"call", resource == Tool::"pay")
when { context.args has amount && context.args.amount.value <= 100 };
@id("bob-gets-messages")
permit (principal == Agent::"alice", action == Action::"send", resource == Agent::"bob");
`;

export interface Harness {
  readonly store: Store;
  readonly clock: ManualClock;
  readonly registry: AgentRegistry;
  readonly defaults: Stages;
  readonly recorder: MemoryRecorder;
  readonly events: EventObserver;
  mediator(overrides?: Partial<Stages>, timeouts?: { stage?: number; approval?: number; execute?: number }): Mediator;
  /** A request signed by `agent` (default alice) for `kind` on `target`. */
  signed(target: string, body: JsonValue, options?: { agent?: string; kind?: ActionRequest['kind']; label?: Label }): Promise<ActionRequest>;
  /** An effect that counts how often it ran. */
  counter(): Effect & { readonly runs: number };
  close(): Promise<void>;
}

/** Real default stages (envelopes, Cedar, labels from config) over an in-memory SQLite store. */
export async function createHarness(approver: Approver = new ScriptedApprovalChannel(() => true)): Promise<Harness> {
  const config = smallConfig();
  const store = await openSqliteStore(':memory:');
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 12));
  const registry = new AgentRegistry(store, clock);
  await registry.register('alice');
  await registry.register('bob');
  const engine = PolicyEngine.load(config, [{ name: 'harness.cedar', text: HARNESS_POLICIES }]);
  const recorder = new MemoryRecorder();
  const events = new EventObserver();
  const defaults: Stages = {
    authenticate: new EnvelopeAuthenticator({ keys: registry, replay: new MemoryReplayGuard(), clock, clockSkewSeconds: 30, maxLifetimeSeconds: 300 }),
    provenance: new SenderProvenance(),
    label: new ConfigLabeler(config.data),
    inspect: new DetectorInspector(),
    decide: new CedarDecider(engine, config.data),
    approve: approver,
    execute: new DirectExecutor(),
    record: recorder,
    observe: events,
  };
  return {
    store,
    clock,
    registry,
    defaults,
    recorder,
    events,
    mediator: (overrides = {}, timeouts = {}) =>
      new Mediator({
        stages: { ...defaults, ...overrides },
        clock,
        stageTimeoutMs: timeouts.stage ?? 2_000,
        approvalTimeoutMs: timeouts.approval ?? 2_000,
        executeTimeoutMs: timeouts.execute ?? 2_000,
      }),
    signed: async (target, body, options = {}) => {
      const agent = options.agent ?? 'alice';
      const kind = options.kind ?? 'tool';
      const key = await registry.signingKey(agent);
      const aud = kind === 'tool' ? `tool:${target}` : `agent:${target}`;
      const envelope = await signEnvelope(key, { iss: agent, aud, act: kind, body, label: options.label ?? TRUSTED }, clock);
      return { kind, target, body, envelope };
    },
    counter: () => {
      const effect = {
        runs: 0,
        run: () => {
          effect.runs++;
          return Promise.resolve({ ok: true });
        },
      };
      return effect;
    },
    close: () => store.close(),
  };
}
