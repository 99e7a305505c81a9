/**
 * The red-team harness: seed scenarios, the attack library, and the run that measures them
 * undefended (monitor mode) and defended. Named exports only, listed by hand.
 */
export { runRedTeam, DEFAULT_SEED, type RedTeamOptions } from './run.js';
export { summarize, summaryJson, type AttackFigures, type RedTeamReport, type RedTeamSummary, type ScenarioFigures, type UtilityFigures } from './report.js';
export { formatReport, progressLine } from './table.js';
export { runAttack, runBenign, runOnce, type AttackResult, type BenignResult, type RunOutcome } from './engine.js';
export { ATTACK_LIBRARY } from './attacks/index.js';
export { SCENARIOS, scenarioById } from './scenarios/index.js';
export {
  RISK_IDS,
  SCENARIO_IDS,
  type ActionTrace,
  type Attack,
  type BenignTask,
  type Mode,
  type RiskId,
  type Scenario,
  type ScenarioId,
  type System,
  type WorldTool,
} from './types.js';
export { SimulatedReviewer, type ReviewerOptions, type ReviewRecord } from './reviewer.js';
export { startSystem, RED_TEAM_EPOCH, type RunningSystem } from './system.js';
export { Prng, hashString } from './prng.js';
export { World, Bank, Mailboxes, FileStore, KnowledgeBase, Web, Shell, Settings, Records, normalizeAccount } from './world.js';
export { parseInstructions, readAsModel, parseAmount, type Instruction, type InstructionKind } from './instructions.js';
export { renderReportHtml } from './html/index.js';
export { runAgentDojoSuite } from './agentdojo/index.js';
