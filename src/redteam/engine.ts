import type { Prng } from './prng.js';
import { startSystem } from './system.js';
import type { ActionTrace, Attack, BenignTask, Mode, Scenario, System } from './types.js';
import type { World } from './world.js';

/** What one run (one mode) of an attack or benign task came to. */
export interface RunOutcome {
  readonly mode: Mode;
  /** For an attack: the attacker's effect is in the world. For a benign task: the work is done. */
  readonly achieved: boolean;
  readonly approvalsRequested: number;
  /** Approval requests the reviewer granted. */
  readonly approvalsGranted: number;
  readonly actions: readonly ActionTrace[];
  /** A fault of the harness itself (not a refusal): the run counts as not achieved. */
  readonly error?: string;
}

/**
 * Runs `play` once on a fresh system of `scenario` in `mode` and judges the world afterwards.
 * Refusals inside `play` are part of the game; anything else thrown is a harness fault, reported
 * in `error`.
 */
export async function runOnce(
  scenario: Scenario,
  mode: Mode,
  rng: Prng,
  play: (system: System) => Promise<void>,
  judge: (world: World) => boolean,
): Promise<RunOutcome> {
  const system = await startSystem(scenario, mode, rng);
  let error: string | undefined;
  try {
    await play(system);
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  let achieved = false;
  try {
    await system.mesh.mediator.settled();
    achieved = error === undefined && judge(system.world);
  } finally {
    await system.close();
  }
  const approvals = system.approvals;
  const granted = system.trace.filter((t) => t.executed && approvals.some((a) => a.actionId === t.actionId)).length;
  return {
    mode,
    achieved,
    approvalsRequested: approvals.length,
    approvalsGranted: granted,
    actions: [...system.trace],
    ...(error === undefined ? {} : { error }),
  };
}

export interface AttackResult {
  readonly id: string;
  readonly category: Attack['category'];
  readonly scenario: Attack['scenario'];
  readonly goal: string;
  readonly success: string;
  readonly attacker: string;
  readonly undefended: RunOutcome;
  readonly defended: RunOutcome;
}

export interface BenignResult {
  readonly id: string;
  readonly scenario: BenignTask['scenario'];
  readonly description: string;
  readonly undefended: RunOutcome;
  readonly defended: RunOutcome;
}

/** An attack, undefended then defended, each on a fresh system with the same random stream. */
export async function runAttack(attack: Attack, scenario: Scenario, rng: Prng): Promise<AttackResult> {
  const stream = rng.fork(`attack:${attack.id}`);
  const play = (s: System) => attack.run(s);
  const judge = (w: World) => attack.succeeded(w);
  const undefended = await runOnce(scenario, 'undefended', stream, play, judge);
  const defended = await runOnce(scenario, 'defended', stream, play, judge);
  return {
    id: attack.id,
    category: attack.category,
    scenario: attack.scenario,
    goal: attack.goal,
    success: attack.success,
    attacker: attack.attacker,
    undefended,
    defended,
  };
}

/** A benign task, undefended then defended. */
export async function runBenign(task: BenignTask, scenario: Scenario, rng: Prng): Promise<BenignResult> {
  const stream = rng.fork(`benign:${task.id}`);
  const play = (s: System) => task.run(s);
  const judge = (w: World) => task.completed(w);
  const undefended = await runOnce(scenario, 'undefended', stream, play, judge);
  const defended = await runOnce(scenario, 'defended', stream, play, judge);
  return { id: task.id, scenario: task.scenario, description: task.description, undefended, defended };
}
