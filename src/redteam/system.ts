import { ManualClock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import type { JsonValue } from '../core/json.js';
import { validateConfig } from '../config/load.js';
import { detectorSuite } from '../detect/suite.js';
import { textOf } from '../flow/segment.js';
import type { Inspector } from '../mediator/stages.js';
import { EffectRouter } from '../mediator/effect-router.js';
import { DetectorInspector } from '../mediator/stages/inspect.js';
import type { ActionRequest, ApprovalRequest, MediationEvent } from '../mediator/types.js';
import { createMesh, MediationError, TaskContext, type Mesh } from '../mesh/mesh.js';
import { FLOW_POLICY_PACK } from '../policy/pack.js';
import type { Prng } from './prng.js';
import { SimulatedReviewer } from './reviewer.js';
import type { ActionTrace, Mode, Scenario, System, WorldTool } from './types.js';

/** Every red-team system starts at the same instant, so nothing in a run depends on the wall clock. */
export const RED_TEAM_EPOCH = Date.UTC(2026, 2, 2, 9, 0, 0);

type Handler = (body: JsonValue, ctx: TaskContext, from: string) => Promise<JsonValue> | JsonValue;

/** A running system and the means to end it. */
export interface RunningSystem extends System {
  close(): Promise<void>;
}

/**
 * The inspect stage as configured, behind a tap that keeps a copy of every request reaching it:
 * the attacker's view of the wire (envelopes and capability chains travel in the clear beside
 * their bodies). It changes nothing in what the stage decides.
 */
class WireTap implements Inspector {
  readonly seen: ActionRequest[] = [];
  readonly #inner: DetectorInspector;

  constructor(inner: DetectorInspector) {
    this.#inner = inner;
  }

  inspect(request: ActionRequest) {
    this.seen.push(request);
    return this.#inner.inspect(request);
  }

  inspectResult(request: ActionRequest, result: JsonValue) {
    return this.#inner.inspectResult(request, result);
  }
}

/**
 * Builds a fresh system for `scenario`: its configuration and permits plus the flow policy pack, on
 * an in-memory store, with a fresh world. Undefended runs put the mediator in monitor mode (every
 * decision made and recorded, none enforced) with no approval channel; defended runs enforce, with
 * the simulated reviewer as the approval channel.
 */
export async function startSystem(scenario: Scenario, mode: Mode, rng: Prng): Promise<RunningSystem> {
  const clock = new ManualClock(RED_TEAM_EPOCH);
  const world = scenario.world(rng.fork('world'));
  const config = validateConfig(scenario.config(), `(red team: ${scenario.id})`, process.cwd());
  const reviewer = mode === 'defended' ? new SimulatedReviewer({ judge: (r) => scenario.legitimate(r, world), rng: rng.fork('reviewer') }) : undefined;
  const tap = new WireTap(new DetectorInspector(detectorSuite(config.data.detectors)));
  const mesh = await createMesh(config, {
    policies: [
      { name: 'policies/flow.cedar', text: FLOW_POLICY_PACK },
      { name: `policies/${scenario.id}.cedar`, text: scenario.policies },
    ],
    mode: mode === 'defended' ? 'enforce' : 'monitor',
    clock,
    stages: { inspect: tap },
    ...(reviewer === undefined ? {} : { approval: reviewer }),
  });
  const trace: ActionTrace[] = [];
  const byId = new Map<string, number>();
  mesh.events.on((event) => recordEvent(trace, byId, event));
  const tools = scenario.tools(world);
  for (const [name, behaviour] of Object.entries(tools)) mesh.tool(name, (args, ctx) => behaviour(args, ctx.agent));
  const handlers = new Map<string, Handler>();
  const effects = worldEffects(mesh, tools, handlers);

  const system: RunningSystem = {
    scenario,
    mesh,
    world,
    rng: rng.fork('play'),
    mode,
    clock,
    wire: tap.seen,
    trace,
    get approvals(): readonly ApprovalRequest[] {
      return reviewer?.requests ?? [];
    },
    on(agent, handler) {
      const wrapped: Handler = (body, ctx, from) => {
        world.receive(agent, textOf(body));
        return handler(body, ctx, from);
      };
      handlers.set(agent, wrapped);
      mesh.agent(agent).on('message', (message, ctx) => wrapped(message.body, ctx, message.from));
    },
    async task(agent, request, work, options = {}) {
      try {
        await mesh.agent(agent).task(work, { request, ...(options.capability === undefined ? {} : { capability: options.capability }) });
      } catch (error) {
        if (!(error instanceof MediationError)) throw error;
      }
    },
    effect(request, claimedSender) {
      return effects.effect(request, claimedSender);
    },
    submit(request, claimedSender) {
      return mesh.mediator.mediate(request, effects.effect(request, claimedSender));
    },
    close: () => mesh.close(),
  };
  scenario.agents(system);
  return system;
}

/**
 * The real effect of a crafted request (routed with the sender it claims): the tool's behaviour in
 * the world, or delivery to the recipient's handler. Other kinds have no effect in the world.
 */
function worldEffects(mesh: Mesh, tools: Readonly<Record<string, WorldTool>>, handlers: ReadonlyMap<string, Handler>): EffectRouter<string> {
  return new EffectRouter<string>({
    host: 'the red-team world',
    tool: (request, action) => {
      const tool = tools[request.target];
      if (tool === undefined) throw new MassError('TOOL_UNKNOWN', `no tool "${request.target}"`);
      return tool(request.body as Record<string, JsonValue>, action.actor);
    },
    message: (request, action, sender) => {
      const handler = handlers.get(request.target);
      if (handler === undefined) throw new MassError('AGENT_UNKNOWN', `agent "${request.target}" has no handler`);
      const recipient = new TaskContext(mesh, request.target, action.label, {
        path: [{ agent: sender, action: action.actionId }],
        segments: request.context ?? [],
      });
      recipient.read(request.body, action.label, `agent:${sender}`);
      return handler(request.body, recipient, sender);
    },
  });
}

function recordEvent(trace: ActionTrace[], byId: Map<string, number>, event: MediationEvent): void {
  if (event.type === 'decided') return;
  // completed after a denial: the effect ran anyway (monitor mode records the denial, then runs it)
  const known = byId.get(event.actionId);
  const previous = known === undefined ? undefined : trace[known];
  if (event.type === 'completed' && previous !== undefined && known !== undefined) {
    trace[known] = { ...previous, executed: true };
    return;
  }
  byId.set(event.actionId, trace.length);
  trace.push({
    actionId: event.actionId,
    kind: event.kind,
    actor: event.actor,
    target: event.target,
    executed: event.type === 'completed',
    ...(event.code === undefined ? {} : { code: event.code }),
    ...(event.stage === undefined ? {} : { stage: event.stage }),
    policies: event.policyIds ?? [],
  });
}
