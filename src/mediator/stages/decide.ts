import { CEDAR_ACTION } from '../../core/actions.js';
import type { MassConfigData, ArgumentType } from '../../config/schema.js';
import { hasArgumentType } from '../../config/argument-type.js';
import type { ArgumentValue, CedarActionName, PolicyContext, PolicyEngine, ResourceType } from '../../policy/engine.js';
import type { Decider, DecisionInput } from '../stages.js';
import type { Decision } from '../types.js';
import type { McpToolTable } from '../../store/store.js';
import { statusOf } from '../../store/mcp-tool-status.js';
import { confidentialityRank, type Label } from '../../flow/label.js';
import { declassify, parseDeclassification } from '../../flow/declassify.js';

/** Policy id reported when the structure declared in mass.yaml (channels, memory ACLs) refuses. */
export const CONFIG_POLICY_ID = 'mass.yaml';
/** Policy id reported when an MCP tool's pinned definition refuses a call. */
export const PIN_POLICY_ID = 'mcp.pin';
/** Policy id reported when a label's reader set refuses a recipient. */
export const READERS_POLICY_ID = 'label.readers';

/**
 * Decides with Cedar, after the structural checks mass.yaml implies: the actor and target exist,
 * a message follows a declared channel, memory access is by a declared reader or writer, and tool
 * arguments are the declared ones with the declared types. Both must allow.
 */
export class CedarDecider implements Decider {
  readonly #engine: PolicyEngine;
  readonly #config: MassConfigData;
  readonly #channels: ReadonlySet<string>;
  readonly #mcpTools: McpToolTable | undefined;

  /** With `mcpTools`, a tool of an MCP server is refused unless its current definition is the approved one (mcp/pins.ts). */
  constructor(engine: PolicyEngine, config: MassConfigData, options: { mcpTools?: McpToolTable } = {}) {
    this.#engine = engine;
    this.#config = config;
    this.#channels = new Set(config.channels.map((c) => `${c.from}\u0000${c.to}`));
    this.#mcpTools = options.mcpTools;
  }

  decide(input: DecisionInput): Decision | Promise<Decision> {
    const { request, principal } = input;
    const actor = principal.agentId;
    if (!(actor in this.#config.agents)) return deny('AGENT_UNKNOWN', `agent "${actor}" is not declared in mass.yaml`);
    const structural = this.#structural(input);
    if (structural !== undefined) return structural;
    if (this.#mcpTools !== undefined && request.kind === 'tool' && isMcpTool(this.#config, request.target)) {
      return this.#pinned(this.#mcpTools, request.target).then((refusal) => refusal ?? this.#policy(input));
    }
    return this.#policy(input);
  }

  /** Rug-pull protection: the tool's definition as last seen upstream must be the approved one. */
  async #pinned(table: McpToolTable, target: string): Promise<Decision | undefined> {
    const slash = target.indexOf('/');
    const record = await table.get(target.slice(0, slash), target.slice(slash + 1));
    if (record === undefined) return deny('TOOL_UNAPPROVED', `MCP tool "${target}" has not been listed and pinned yet`, [PIN_POLICY_ID]);
    switch (statusOf(record)) {
      case 'approved':
        return undefined;
      case 'changed':
        return deny('TOOL_UNAPPROVED', `MCP tool "${target}" changed its definition since it was approved (mass mcp approve to accept it)`, [PIN_POLICY_ID]);
      default:
        return deny('TOOL_UNAPPROVED', `MCP tool "${target}" is not approved: ${record.reason ?? 'never approved'}`, [PIN_POLICY_ID]);
    }
  }

  #policy(input: DecisionInput): Decision {
    const { request, principal, provenance, labels, findings } = input;
    const actor = principal.agentId;

    const args: Record<string, PolicyContext['args'][string]> = {};
    if (request.kind === 'tool') {
      const declared = this.#config.tools[request.target]?.args;
      const body = request.body as Record<string, unknown>;
      for (const [name, value] of Object.entries(body)) {
        const type = declared?.[name];
        if (type === undefined) continue; // undeclared arguments were refused by #structural when args are declared
        args[name] = { value: value as ArgumentValue, integrity: labels.args[name]?.integrity ?? 'untrusted' };
      }
    }
    let risk = 0;
    const scored: { detector: string; category: string; score: number }[] = [];
    for (const f of findings) {
      const score = Math.round(f.score * 100);
      if (score > risk) risk = score;
      scored.push({ detector: f.detector, category: f.category, score });
    }
    return this.#engine.decide({
      principal: actor,
      action: CEDAR_ACTION[request.kind] as CedarActionName,
      resource: { type: resourceType(request.kind), id: request.target },
      context: {
        integrity: labels.action.integrity,
        sources: labels.action.sources,
        confidentiality: confidentialityRank(labels.action.confidentiality),
        control: this.#control(input),
        trust: provenance.trust,
        risk,
        findings: scored,
        chain: provenance.chain,
        args,
        ...(request.kind === 'declassify' ? { declassifyTo: declassifyTarget(labels.action, request.body) } : {}),
      },
    });
  }

  /**
   * Integrity of the arguments that steer a tool's effect (its `controls`, every argument by
   * default): untrusted if any of them is. For other actions, the action's own integrity.
   */
  #control({ request, labels }: DecisionInput): 'trusted' | 'untrusted' {
    if (request.kind !== 'tool') return labels.action.integrity;
    const controls = this.#config.tools[request.target]?.controls ?? Object.keys(labels.args);
    for (const name of controls) if (labels.args[name]?.integrity === 'untrusted') return 'untrusted';
    return 'trusted';
  }

  #structural({ request, principal, labels }: DecisionInput): Decision | undefined {
    const actor = principal.agentId;
    switch (request.kind) {
      case 'message':
      case 'delegate':
        if (!(request.target in this.#config.agents)) return deny('AGENT_UNKNOWN', `agent "${request.target}" is not declared in mass.yaml`);
        // Content restricted to named readers never reaches anyone else (information-flow label).
        if (labels.action.readers !== undefined && !labels.action.readers.includes(request.target)) {
          return deny('POLICY_DENIED', `the content is restricted to readers ${labels.action.readers.join(', ') || '(none)'}; "${request.target}" is not one of them`, [READERS_POLICY_ID]);
        }
        if (request.kind === 'message' && !this.#channels.has(`${actor}\u0000${request.target}`)) {
          return deny('POLICY_DENIED', `no channel from "${actor}" to "${request.target}" in mass.yaml`, [CONFIG_POLICY_ID]);
        }
        return undefined;
      case 'tool':
        return this.#checkArguments(request.target, request.body);
      case 'declassify': {
        if (request.target !== actor) return deny('POLICY_DENIED', `"${actor}" may only declassify its own task, not "${request.target}"`, [CONFIG_POLICY_ID]);
        parseDeclassification(request.body); // throws ARGUMENT_INVALID, which denies
        return undefined;
      }
      case 'memory.read':
      case 'memory.write': {
        const ns = this.#config.memory[request.target];
        if (ns === undefined) return deny('POLICY_DENIED', `memory namespace "${request.target}" is not declared in mass.yaml`, [CONFIG_POLICY_ID]);
        const allowed = request.kind === 'memory.read' ? ns.readers : ns.writers;
        if (!allowed.includes(actor)) {
          return deny('POLICY_DENIED', `"${actor}" is not a ${request.kind === 'memory.read' ? 'reader' : 'writer'} of memory "${request.target}"`, [CONFIG_POLICY_ID]);
        }
        return undefined;
      }
    }
  }

  #checkArguments(toolName: string, body: unknown): Decision | undefined {
    const tool = this.#config.tools[toolName];
    if (tool === undefined && !isMcpTool(this.#config, toolName)) return deny('TOOL_UNKNOWN', `tool "${toolName}" is not declared in mass.yaml`);
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
}

/** `S/<tool>` where `S` is a key of `mcpServers`: a tool of that MCP server (README, mass.yaml reference). */
export function isMcpTool(config: Pick<MassConfigData, 'mcpServers'>, name: string): boolean {
  const slash = name.indexOf('/');
  return slash > 0 && slash < name.length - 1 && Object.hasOwn(config.mcpServers, name.slice(0, slash));
}

function deny(code: Decision['code'] & string, reason: string, policyIds: string[] = []): Decision {
  return { effect: 'deny', policyIds, reason, code };
}

/** What policy sees of a declassification: the label the task would have afterwards. */
function declassifyTarget(current: Label, body: DecisionInput['request']['body']): { integrity: 'trusted' | 'untrusted'; confidentiality: number } {
  const after = declassify(current, parseDeclassification(body));
  return { integrity: after.integrity, confidentiality: confidentialityRank(after.confidentiality) };
}

function resourceType(kind: DecisionInput['request']['kind']): ResourceType {
  if (kind === 'tool') return 'Tool';
  if (kind === 'message' || kind === 'delegate' || kind === 'declassify') return 'Agent';
  return 'Memory';
}

function describeType(type: ArgumentType): string {
  return type === 'number' ? 'an integer' : type === 'string[]' ? 'an array of strings' : `a ${type}`;
}
