/**
 * AgentDojo replay: a suite in the JSON format of AgentDojo's task suites, replayed through MASS
 * without a model (`mass redteam --suite FILE`). Named exports only, listed by hand.
 */
export {
  runAgentDojoSuite,
  formatAgentDojo,
  agentDojoJson,
  type AgentDojoOptions,
  type AgentDojoResult,
  type AgentDojoRun,
  type AgentDojoSummary,
} from './replay.js';
export { suiteConfig, suitePolicies, SUITE_AGENT, type UntrustedOutputs } from './config.js';
export {
  loadSuite,
  parseSuite,
  fillAttack,
  type Suite,
  type SuiteCall,
  type SuiteInjectionTask,
  type SuiteTool,
  type SuiteUserTask,
  type SuiteVector,
} from './suite.js';
export { SimulatedEnvironment, loadEnvironmentRecords, type ExecutedCall } from './environment.js';
