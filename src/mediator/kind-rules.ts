import type { ActionKind } from '../core/actions.js';
import type { MassConfigData, ArgumentType } from '../config/schema.js';
import { hasArgumentType } from '../config/argument-type.js';
import { parseDeclassification, declassify } from '../flow/declassify.js';
import { joinLabels, untrusted, type Label } from '../flow/label.js';
import type { ActionRequest, Decision, Labels } from './types.js';

/** Policy id reported when the structure declared in mass.yaml (channels, memory ACLs) refuses. */
export const CONFIG_POLICY_ID = 'mass.yaml';
/** Policy id reported when a label's reader set refuses a recipient. */
export const READERS_POLICY_ID = 'label.readers';

/** What a structural check sees: the configuration, its channels (`from\0to`), the action and its labels. */
export interface StructuralInput {
  readonly config: MassConfigData;
  readonly channels: ReadonlySet<string>;
  readonly request: ActionRequest;
  readonly actor: string;
  readonly labels: Labels;
}

/** The rules of one action kind that need configuration or labels (the data of a kind is `ACTION_KIND_SPECS`). */
export interface KindRules {
  /** The structure mass.yaml implies, checked before policy: a refusal, or undefined to go on. */
  structural(input: StructuralInput): Decision | undefined;
  /** The label the action's output carries by configuration, before findings raise it; `action` is the action's label. */
  output(config: MassConfigData, request: ActionRequest, action: Label): Label;
}

/** Every kind's rules: one entry per kind, checked by the compiler. */
export const KIND_RULES: { readonly [K in ActionKind]: KindRules } = {
  message: { structural: checkRecipient, output: (_config, _request, action) => action },
  delegate: { structural: checkRecipient, output: (_config, _request, action) => action },
  tool: { structural: ({ config, request }) => checkArguments(config, request.target, request.body), output: toolOutput },
  'memory.read': {
    structural: (input) => checkMemoryAccess(input, 'reader'),
    // Memory is untrusted and as confidential as its namespace says (secret when undeclared).
    output: (config, request, action) =>
      joinLabels(action, { ...untrusted(`memory:${request.target}`), confidentiality: config.memory[request.target]?.confidentiality ?? 'secret' }),
  },
  'memory.write': { structural: (input) => checkMemoryAccess(input, 'writer'), output: (_config, _request, action) => action },
  declassify: {
    structural: ({ request, actor }) => {
      if (request.target !== actor) return deny('POLICY_DENIED', `"${actor}" may only declassify its own task, not "${request.target}"`, [CONFIG_POLICY_ID]);
      parseDeclassification(request.body); // throws ARGUMENT_INVALID, which denies
      return undefined;
    },
    // The task's label afterwards; the body was checked by decide before anything runs.
    output: (_config, request, action) => declassifyOrKeep(action, request.body),
  },
};

/** `S/<tool>` where `S` is a key of `mcpServers`: a tool of that MCP server (README, mass.yaml reference). */
export function isMcpTool(config: Pick<MassConfigData, 'mcpServers'>, name: string): boolean {
  const slash = name.indexOf('/');
  return slash > 0 && slash < name.length - 1 && Object.hasOwn(config.mcpServers, name.slice(0, slash));
}

export function deny(code: Decision['code'] & string, reason: string, policyIds: string[] = []): Decision {
  return { effect: 'deny', policyIds, reason, code };
}

/** A message or delegation: to a declared agent, one of the content's readers, along a channel (messages). */
function checkRecipient({ config, channels, request, actor, labels }: StructuralInput): Decision | undefined {
  if (!Object.hasOwn(config.agents, request.target)) return deny('AGENT_UNKNOWN', `agent "${request.target}" is not declared in mass.yaml`);
  // Content restricted to named readers never reaches anyone else (information-flow label).
  if (labels.action.readers !== undefined && !labels.action.readers.includes(request.target)) {
    return deny(
      'POLICY_DENIED',
      `the content is restricted to readers ${labels.action.readers.join(', ') || '(none)'}; "${request.target}" is not one of them`,
      [READERS_POLICY_ID],
    );
  }
  if (request.kind === 'message' && !channels.has(`${actor}\u0000${request.target}`)) {
    return deny('POLICY_DENIED', `no channel from "${actor}" to "${request.target}" in mass.yaml`, [CONFIG_POLICY_ID]);
  }
  return undefined;
}

function checkMemoryAccess({ config, request, actor }: StructuralInput, role: 'reader' | 'writer'): Decision | undefined {
  const ns = config.memory[request.target];
  if (ns === undefined) return deny('POLICY_DENIED', `memory namespace "${request.target}" is not declared in mass.yaml`, [CONFIG_POLICY_ID]);
  const allowed = role === 'reader' ? ns.readers : ns.writers;
  if (!allowed.includes(actor)) return deny('POLICY_DENIED', `"${actor}" is not a ${role} of memory "${request.target}"`, [CONFIG_POLICY_ID]);
  return undefined;
}

function checkArguments(config: MassConfigData, toolName: string, body: unknown): Decision | undefined {
  const tool = config.tools[toolName];
  if (tool === undefined && !isMcpTool(config, toolName)) return deny('TOOL_UNKNOWN', `tool "${toolName}" is not declared in mass.yaml`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return deny('ARGUMENT_INVALID', `arguments of "${toolName}" must be a JSON object`);
  // A tool of a declared MCP server (`S/<tool>`) declares no arguments: any object is passed to policy as is.
  if (tool?.args === undefined) return undefined;
  for (const [name, value] of Object.entries(body)) {
    const type = tool.args[name];
    if (type === undefined) return deny('ARGUMENT_INVALID', `argument "${name}" is not declared for tool "${toolName}"`);
    if (!hasArgumentType(value, type)) return deny('ARGUMENT_INVALID', `argument "${name}" of tool "${toolName}" must be ${describeType(type)}`);
  }
  return undefined;
}

/** A tool's output has the integrity, confidentiality and readers its configuration (or its MCP server's) declares. */
function toolOutput(config: MassConfigData, request: ActionRequest): Label {
  // A tool of MCP server S (`S/<tool>`, not declared under tools) has the server's labels.
  const tool = config.tools[request.target];
  const slash = request.target.indexOf('/');
  const server = tool === undefined && slash > 0 ? config.mcpServers[request.target.slice(0, slash)] : undefined;
  const integrity = tool?.output ?? server?.output ?? 'untrusted';
  const base: Label = integrity === 'trusted' ? { integrity, sources: [], confidentiality: 'public' } : untrusted(`tool:${request.target}`);
  const readers = tool?.readers;
  return {
    ...base,
    confidentiality: tool?.confidentiality ?? server?.confidentiality ?? 'internal',
    ...(readers === undefined ? {} : { readers: [...readers].sort() }),
  };
}

function declassifyOrKeep(action: Label, body: ActionRequest['body']): Label {
  try {
    return declassify(action, parseDeclassification(body));
  } catch {
    return action; // a malformed body is refused by decide; nothing is lowered
  }
}

function describeType(type: ArgumentType): string {
  return type === 'number' ? 'an integer' : type === 'string[]' ? 'an array of strings' : `a ${type}`;
}
