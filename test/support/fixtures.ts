import { validateConfig, type MassConfig } from '../../src/config/load.js';
import type { MassConfigInput } from '../../src/config/schema.js';
import { FLOW_POLICY_PACK } from '../../src/policy/pack.js';
import { EXAMPLE_CONFIG, EXAMPLE_ROLES_POLICY } from '../../src/example/system.js';
import { parseConfigText } from '../../src/config/load.js';
import type { PolicySource } from '../../src/policy/load.js';

/** The `mass init` example as a loaded config with its policies as sources (no files needed). */
export function exampleConfig(): { config: MassConfig; policies: PolicySource[] } {
  return {
    config: parseConfigText(EXAMPLE_CONFIG.replace('sqlite:./.mass/mass.db', '"sqlite::memory:"'), 'mass.yaml', process.cwd()),
    policies: [
      { name: 'policies/roles.cedar', text: EXAMPLE_ROLES_POLICY },
      { name: 'policies/flow.cedar', text: FLOW_POLICY_PACK },
    ],
  };
}

/** A small config written in code, on an in-memory store. */
export function smallConfig(overrides: Partial<MassConfigInput> = {}): MassConfig {
  return validateConfig(
    {
      version: 1,
      trustDomain: 'example.org',
      store: 'sqlite::memory:',
      agents: { alice: { roles: ['ops'] }, bob: { roles: ['finance'] } },
      tools: {
        echo: { effect: 'read', output: 'trusted' },
        pay: { effect: 'financial', output: 'trusted', args: { amount: 'number', to: 'string' } },
      },
      channels: [{ from: 'alice', to: 'bob' }],
      ...overrides,
    },
    '(test)',
    process.cwd(),
  );
}
