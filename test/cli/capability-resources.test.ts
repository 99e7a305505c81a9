import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { capabilityAllows } from '../../src/capability/allows.js';
import type { Capability, CapabilityAction } from '../../src/capability/capability.js';
import { capabilityResourceFindings } from '../../src/cli/capability-resources.js';
import { validateConfig } from '../../src/config/load.js';

const name = fc.stringMatching(/^[a-c][a-c_]{0,3}$/);

/** A small configuration with random tools, agents, memory namespaces and MCP servers. */
const configs = fc
  .record({
    tools: fc.uniqueArray(name, { maxLength: 4 }),
    agents: fc.uniqueArray(name, { maxLength: 4 }),
    memory: fc.uniqueArray(name, { maxLength: 3 }),
    servers: fc.uniqueArray(fc.stringMatching(/^[d-e]{1,2}$/), { maxLength: 2 }),
  })
  .map(
    ({ tools, agents, memory, servers }) =>
      validateConfig(
        {
          version: 1,
          trustDomain: 'example.org',
          agents: Object.fromEntries(agents.map((a) => [a, {}])),
          tools: Object.fromEntries(tools.map((t) => [t, { effect: 'read' }])),
          memory: Object.fromEntries(memory.map((m) => [m, {}])),
          mcpServers: Object.fromEntries(servers.map((s) => [s, { command: ['node'] }])),
        },
        'mass.yaml',
        '.',
      ).data,
  );

const resources = fc.oneof(
  name,
  name.map((n) => `${n}*`),
  fc.constant('*'),
  fc.stringMatching(/^[d-e]{1,2}\/[a-c]{0,2}\*?$/),
);

test('property: a capability is refused (RESOURCE_UNKNOWN) exactly when the real matcher lets it reach no declared resource nor an MCP server namespace (2,000 runs)', () => {
  fc.assert(
    fc.property(configs, fc.constantFrom<CapabilityAction>('call', 'send', 'delegate', 'read', 'write'), resources, (config, action, resource) => {
      const capability: Capability = { action, resource };
      const found = capabilityResourceFindings(capability, '--cap[0]', config, new Map());
      const declared =
        action === 'call' ? Object.keys(config.tools) : action === 'read' || action === 'write' ? Object.keys(config.memory) : Object.keys(config.agents);
      const reachesDeclared = declared.some((n) => capabilityAllows(capability, { action, resource: n }));
      // An MCP tool of a declared server: any tool name, so probe with the tool names a server could have.
      const reachesMcp =
        action === 'call' &&
        Object.keys(config.mcpServers).some(
          (s) =>
            ['a', 'b', 'c', 'ab', 'zz', 'x_y'].some((t) => capabilityAllows(capability, { action, resource: `${s}/${t}` })) ||
            (resource.startsWith(`${s}/`) && resource !== `${s}/`),
        );
      assert.equal(
        found.errors.length === 0,
        reachesDeclared || reachesMcp,
        JSON.stringify({ capability, found, config: { tools: Object.keys(config.tools), mcp: Object.keys(config.mcpServers) } }),
      );
      if (found.errors.length === 0 && !reachesDeclared)
        assert.equal(
          found.warnings.length > 0,
          !Object.keys(config.mcpServers).some((s) => resource.endsWith('*') && `${s}/`.startsWith(resource.slice(0, -1))),
        );
    }),
    { numRuns: 2_000 },
  );
});
