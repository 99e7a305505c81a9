import type { Scenario, ScenarioId } from '../types.js';
import { approvalFatigue } from './approval-fatigue.js';
import { delegationSpoofing } from './delegation-spoofing.js';
import { marketMemory } from './market-memory.js';
import { supplyChain } from './supply-chain.js';
import { supportBilling } from './support-billing.js';
import { toolVisibility } from './tool-visibility.js';

/** The six seed scenarios of docs/ARCHITECTURE.md, in its order. */
export const SCENARIOS: readonly Scenario[] = [supportBilling, marketMemory, supplyChain, approvalFatigue, toolVisibility, delegationSpoofing];

export function scenarioById(id: ScenarioId): Scenario {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (scenario === undefined) throw new TypeError(`unknown scenario ${id}`);
  return scenario;
}
