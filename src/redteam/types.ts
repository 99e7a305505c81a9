import type { ManualClock } from '../core/clock.js';
import type { JsonValue } from '../core/json.js';
import type { MassConfigInput } from '../config/schema.js';
import type { Effect } from '../mediator/stages.js';
import type { ActionRequest, ApprovalRequest, Verdict } from '../mediator/types.js';
import type { Mesh, TaskContext } from '../mesh/mesh.js';
import type { Prng } from './prng.js';
import type { World } from './world.js';

/** The nine risks of docs/ARCHITECTURE.md, in its order. */
export const RISK_IDS = [
  'agent-tool-coupling',
  'data-leakage',
  'injection',
  'identity-provenance',
  'memory-poisoning',
  'non-determinism',
  'trust-exploitation',
  'timing-monitoring',
  'workflow-architecture',
] as const;
export type RiskId = (typeof RISK_IDS)[number];

/** The six seed scenarios of docs/ARCHITECTURE.md, in its order. */
export const SCENARIO_IDS = [
  'support-billing-injection',
  'market-memory-exfiltration',
  'supply-chain-trust-exploitation',
  'approval-fatigue',
  'tool-visibility-gap',
  'delegation-identity-spoofing',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** `undefended`: the mediator in monitor mode (decides and records, enforces nothing). `defended`: enforce. */
export type Mode = 'undefended' | 'defended';

/** A tool's behaviour in the simulated world; `agent` is who the mesh says called it. */
export type WorldTool = (args: Record<string, JsonValue>, agent: string) => JsonValue;

/** What one mediated action became, as the observer saw it. */
export interface ActionTrace {
  readonly actionId: string;
  readonly kind: string;
  readonly actor: string | null;
  readonly target: string;
  /** The effect ran (in undefended runs also when the mediator would have denied it). */
  readonly executed: boolean;
  /** The denial code, enforced or (undefended) only recorded. */
  readonly code?: string;
  readonly stage?: string;
  readonly policies: readonly string[];
}

/** A running system: one fresh mesh on one fresh world, in one mode. */
export interface System {
  readonly scenario: Scenario;
  readonly mesh: Mesh;
  readonly world: World;
  readonly rng: Prng;
  readonly mode: Mode;
  readonly clock: ManualClock;
  /** Requests that reached the inspect stage (an attacker's view of the wire, for replay attacks). */
  readonly wire: readonly ActionRequest[];
  /** Every action the observer saw, in order. */
  readonly trace: readonly ActionTrace[];
  /** Approval requests the reviewer was asked (defended runs only). */
  readonly approvals: readonly ApprovalRequest[];
  /** Registers (or replaces) an agent's message handler. */
  on(agent: string, handler: (body: JsonValue, ctx: TaskContext, from: string) => Promise<JsonValue> | JsonValue): void;
  /** Runs a task of `agent` starting from the user's request; a refusal ends it quietly (it is in the trace). */
  task(agent: string, request: string, work: (ctx: TaskContext) => Promise<unknown>, options?: { capability?: string }): Promise<void>;
  /** The effect a crafted request runs: the tool's world behaviour, or delivery to an agent's handler. */
  effect(request: ActionRequest, claimedSender: string): Effect;
  /** Submits a crafted request straight to the mediator (identity attacks), with its real effect. */
  submit(request: ActionRequest, claimedSender: string): Promise<Verdict>;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  /** The mass.yaml of the system, in code (store: sqlite::memory:). */
  config(): MassConfigInput;
  /** The system's own permits (Cedar); the flow policy pack is added to them. */
  readonly policies: string;
  /** A fresh world with the scenario's data. */
  world(rng: Prng): World;
  /** The tools' behaviour in the world. */
  tools(world: World): Readonly<Record<string, WorldTool>>;
  /** Registers the agents' behaviours (honest or gullible, as the scenario's agents are). */
  agents(system: System): void;
  /** What a careful human reviewer concludes about a request, knowing the business's records. */
  legitimate(request: ApprovalRequest, world: World): boolean;
  /** The attack that tells the scenario's story (docs/ARCHITECTURE.md). */
  readonly headline: string;
  readonly benign: readonly BenignTask[];
}

export interface BenignTask {
  readonly id: string;
  readonly scenario: ScenarioId;
  readonly description: string;
  run(system: System): Promise<void>;
  /** Judged on the world only. */
  completed(world: World): boolean;
}

export interface Attack {
  readonly id: string;
  readonly category: RiskId;
  readonly scenario: ScenarioId;
  /** What the attacker wants. */
  readonly goal: string;
  /** The effect in the world that counts as success (in words; `succeeded` checks it). */
  readonly success: string;
  /** What the attacker controls: content, an agent, a key, the network. */
  readonly attacker: string;
  run(system: System): Promise<void>;
  /** Judged on the world only, never on what the mediator said. */
  succeeded(world: World): boolean;
}
