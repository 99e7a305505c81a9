import type { SchemaJson, TypeOfAttribute } from '@cedar-policy/cedar-wasm/nodejs';
import { MassError } from '../core/errors.js';
import type { ArgumentType, MassConfigData } from '../config/schema.js';

/**
 * The Cedar schema of a described system, generated from mass.yaml so that policies are validated
 * against exactly the agents, tools and arguments that exist.
 *
 *   entity Role;
 *   entity Agent in [Role] { clearance: Long };          // 0 public … 3 secret
 *   entity Tool { effect: String, output: String, server?: String };
 *   entity Memory { owners: Set<Agent>, confidentiality: Long };
 *   action call      appliesTo { principal: Agent, resource: Tool,   context: Context };
 *   action send      appliesTo { principal: Agent, resource: Agent,  context: Context };
 *   action delegate  appliesTo { principal: Agent, resource: Agent,  context: Context };
 *   action read, write appliesTo { principal: Agent, resource: Memory, context: Context };
 *   action declassify appliesTo { principal: Agent, resource: Agent, context: Context };  // resource = the actor
 *
 * `Context` carries the action's label (`integrity`, `sources`, `confidentiality` as 0–3), the
 * integrity of the arguments that steer the effect (`control`), the effective `trust` (0–100), the
 * highest finding score as `risk` (0–100), the `findings`, the provenance `chain` (agent ids), and
 * `args`: every argument any tool declares, optional, as `{ value, integrity }`; for a declassification,
 * `declassifyTo`: the label asked for (`integrity`, `confidentiality` as 0–3).
 */
export function buildCedarSchema(config: MassConfigData): SchemaJson<string> {
  const context = { type: 'Context' } as const;
  return {
    '': {
      commonTypes: {
        Finding: record({ detector: str(), category: str(), score: long() }),
        Args: record(argumentAttributes(config)),
        Context: record({
          integrity: str(),
          sources: setOf(str()),
          confidentiality: long(),
          control: str(),
          trust: long(),
          risk: long(),
          findings: setOf({ type: 'Finding' }),
          chain: setOf(str()),
          args: { type: 'Args' },
          declassifyTo: { ...record({ integrity: str(), confidentiality: long() }), required: false },
        }),
      },
      entityTypes: {
        Role: {},
        Agent: { memberOfTypes: ['Role'], shape: record({ clearance: long() }) },
        Tool: { shape: record({ effect: str(), output: str(), server: { ...str(), required: false } }) },
        Memory: { shape: record({ owners: setOf({ type: 'Entity', name: 'Agent' }), confidentiality: long() }) },
      },
      actions: {
        call: { appliesTo: { principalTypes: ['Agent'], resourceTypes: ['Tool'], context } },
        send: { appliesTo: { principalTypes: ['Agent'], resourceTypes: ['Agent'], context } },
        delegate: { appliesTo: { principalTypes: ['Agent'], resourceTypes: ['Agent'], context } },
        declassify: { appliesTo: { principalTypes: ['Agent'], resourceTypes: ['Agent'], context } },
        read: { appliesTo: { principalTypes: ['Agent'], resourceTypes: ['Memory'], context } },
        write: { appliesTo: { principalTypes: ['Agent'], resourceTypes: ['Memory'], context } },
      },
    },
  };
}

const CEDAR_TYPE: Readonly<Record<ArgumentType, TypeOfAttribute<string>>> = {
  string: { type: 'String' },
  number: { type: 'Long' },
  boolean: { type: 'Boolean' },
  'string[]': { type: 'Set', element: { type: 'String' } },
};

/** Union of all declared tool arguments; one name must have one type across tools. */
function argumentAttributes(config: MassConfigData): Record<string, TypeOfAttribute<string>> {
  const seen = new Map<string, { type: ArgumentType; tool: string }>();
  for (const [tool, spec] of Object.entries(config.tools)) {
    for (const [arg, type] of Object.entries(spec.args ?? {})) {
      const previous = seen.get(arg);
      if (previous !== undefined && previous.type !== type) {
        throw new MassError(
          'CONFIG_INVALID',
          `tools.${tool}.args.${arg}: declared as ${type} but tools.${previous.tool}.args.${arg} is ${previous.type}; an argument name has one type in policy context`,
        );
      }
      seen.set(arg, { type, tool });
    }
  }
  const attributes: Record<string, TypeOfAttribute<string>> = {};
  for (const [arg, { type }] of [...seen].sort(([a], [b]) => (a < b ? -1 : 1))) {
    attributes[arg] = { ...record({ value: CEDAR_TYPE[type], integrity: str() }), required: false };
  }
  return attributes;
}

function str(): TypeOfAttribute<string> {
  return { type: 'String' };
}
function long(): TypeOfAttribute<string> {
  return { type: 'Long' };
}
function setOf(element: TypeOfAttribute<string>): TypeOfAttribute<string> {
  return { type: 'Set', element };
}
function record(attributes: Record<string, TypeOfAttribute<string>>): TypeOfAttribute<string> & { type: 'Record' } {
  return { type: 'Record', attributes };
}
