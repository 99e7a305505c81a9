import type { Attack } from '../types.js';
import { AGENT_TOOL_COUPLING_ATTACKS } from './agent-tool-coupling.js';
import { DATA_LEAKAGE_ATTACKS } from './data-leakage.js';
import { IDENTITY_ATTACKS } from './identity-provenance.js';
import { INJECTION_ATTACKS } from './injection.js';
import { MEMORY_POISONING_ATTACKS } from './memory-poisoning.js';
import { NON_DETERMINISM_ATTACKS } from './non-determinism.js';
import { TIMING_MONITORING_ATTACKS } from './timing-monitoring.js';
import { TRUST_EXPLOITATION_ATTACKS } from './trust-exploitation.js';
import { WORKFLOW_ARCHITECTURE_ATTACKS } from './workflow-architecture.js';

/** The attack library: every attack of every category, in the order of the risks in docs/ARCHITECTURE.md. */
export const ATTACK_LIBRARY: readonly Attack[] = [
  ...AGENT_TOOL_COUPLING_ATTACKS,
  ...DATA_LEAKAGE_ATTACKS,
  ...INJECTION_ATTACKS,
  ...IDENTITY_ATTACKS,
  ...MEMORY_POISONING_ATTACKS,
  ...NON_DETERMINISM_ATTACKS,
  ...TRUST_EXPLOITATION_ATTACKS,
  ...TIMING_MONITORING_ATTACKS,
  ...WORKFLOW_ARCHITECTURE_ATTACKS,
];
