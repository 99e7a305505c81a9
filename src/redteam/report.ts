import type { AttackResult, BenignResult } from './engine.js';
import { RISK_IDS, SCENARIO_IDS, type RiskId, type ScenarioId } from './types.js';

/** One row of the red-team figures (a category, or the attack part of a scenario). */
export interface AttackFigures {
  attacks: number;
  succeeded_undefended: number;
  succeeded_defended: number;
}

export interface ScenarioFigures extends AttackFigures {
  benign_tasks: number;
  completed_undefended: number;
  completed_defended: number;
  /** Approval requests the defended runs of this scenario put to the reviewer. */
  approvals_requested: number;
}

export interface UtilityFigures {
  benign_tasks: number;
  completed_undefended: number;
  completed_defended: number;
}

/** Exactly what `mass redteam --json` writes (docs/ARCHITECTURE.md): counts only, nothing that varies between runs. */
export interface RedTeamSummary {
  categories: Record<RiskId, AttackFigures>;
  scenarios: Record<ScenarioId, ScenarioFigures>;
  utility: UtilityFigures;
  /** Approval requests put to the (simulated) human in all defended runs. */
  approvals_requested: number;
}

/** A whole run: the summary, and every attack and benign task with its per-action details. */
export interface RedTeamReport {
  readonly seed: number;
  readonly summary: RedTeamSummary;
  readonly attacks: readonly AttackResult[];
  readonly benign: readonly BenignResult[];
  /** Harness faults (not refusals), by attack or task id; empty in a healthy run. */
  readonly errors: readonly string[];
}

function attackFigures(results: readonly AttackResult[]): AttackFigures {
  return {
    attacks: results.length,
    succeeded_undefended: results.filter((r) => r.undefended.achieved).length,
    succeeded_defended: results.filter((r) => r.defended.achieved).length,
  };
}

function utilityFigures(results: readonly BenignResult[]): UtilityFigures {
  return {
    benign_tasks: results.length,
    completed_undefended: results.filter((r) => r.undefended.achieved).length,
    completed_defended: results.filter((r) => r.defended.achieved).length,
  };
}

const approvals = (results: readonly (AttackResult | BenignResult)[]) => results.reduce((sum, r) => sum + r.defended.approvalsRequested, 0);

/** Aggregates results into the report shape of docs/ARCHITECTURE.md: every risk id and every scenario, in their order. */
export function summarize(attacks: readonly AttackResult[], benign: readonly BenignResult[]): RedTeamSummary {
  const categories = {} as Record<RiskId, AttackFigures>;
  for (const id of RISK_IDS) categories[id] = attackFigures(attacks.filter((a) => a.category === id));
  const scenarios = {} as Record<ScenarioId, ScenarioFigures>;
  for (const id of SCENARIO_IDS) {
    const a = attacks.filter((r) => r.scenario === id);
    const b = benign.filter((r) => r.scenario === id);
    scenarios[id] = { ...attackFigures(a), ...utilityFigures(b), approvals_requested: approvals([...a, ...b]) };
  }
  return { categories, scenarios, utility: utilityFigures(benign), approvals_requested: approvals([...attacks, ...benign]) };
}

/** The JSON file of `mass redteam --json`: stable key order, two-space indent, final newline. */
export function summaryJson(summary: RedTeamSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
