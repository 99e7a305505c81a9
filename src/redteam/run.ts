import { ATTACK_LIBRARY } from './attacks/index.js';
import { runAttack, runBenign, type AttackResult, type BenignResult } from './engine.js';
import { Prng } from './prng.js';
import { summarize, type RedTeamReport } from './report.js';
import { SCENARIOS } from './scenarios/index.js';
import type { Attack, ScenarioId } from './types.js';

export interface RedTeamOptions {
  /** Seed of every random choice in the run (default 1). Same seed, same report. */
  readonly seed?: number;
  /** Only these scenarios (default: all six). */
  readonly scenarios?: readonly ScenarioId[];
  /** Only attacks whose id is listed (default: the whole library). Benign tasks still run unless `benign` is false. */
  readonly attacks?: readonly string[];
  /** Run the benign tasks (default true). */
  readonly benign?: boolean;
  /** Called after each attack or benign task (both modes done), for a progress display. */
  readonly onProgress?: (done: number, total: number, id: string) => void;
}

export const DEFAULT_SEED = 1;

/**
 * Runs the red-team suite: for each seed scenario its benign tasks, then the attacks of the library
 * that target it, each once undefended (mediator in monitor mode) and once defended (enforcing, with
 * the simulated reviewer), every run on a fresh system and a fresh world. Deterministic for a seed.
 */
export async function runRedTeam(options: RedTeamOptions = {}): Promise<RedTeamReport> {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new TypeError('seed must be a non-negative integer');
  const rng = new Prng(seed);
  const scenarios = SCENARIOS.filter((s) => options.scenarios === undefined || options.scenarios.includes(s.id));
  const selected = (a: Attack) => options.attacks === undefined || options.attacks.includes(a.id);
  const work = scenarios.flatMap((scenario) => [
    ...(options.benign === false ? [] : scenario.benign.map((task) => ({ id: task.id, run: () => runBenign(task, scenario, rng) }))),
    ...ATTACK_LIBRARY.filter((a) => a.scenario === scenario.id && selected(a)).map((attack) => ({
      id: attack.id,
      run: () => runAttack(attack, scenario, rng),
    })),
  ]);
  const attacks: AttackResult[] = [];
  const benign: BenignResult[] = [];
  const errors: string[] = [];
  let done = 0;
  for (const item of work) {
    const result = await item.run();
    if ('category' in result) attacks.push(result);
    else benign.push(result);
    for (const outcome of [result.undefended, result.defended])
      if (outcome.error !== undefined) errors.push(`${result.id} (${outcome.mode}): ${outcome.error}`);
    options.onProgress?.(++done, work.length, item.id);
  }
  return { seed, summary: summarize(attacks, benign), attacks, benign, errors };
}
