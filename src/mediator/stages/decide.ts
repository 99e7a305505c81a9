import { ACTION_KIND_SPECS } from '../../core/actions.js';
import type { MassConfigData } from '../../config/schema.js';
import type { ArgumentValue, PolicyContext, PolicyEngine } from '../../policy/engine.js';
import type { Decider, DecisionInput } from '../stages.js';
import type { Decision } from '../types.js';
import type { McpToolTable } from '../../store/store.js';
import { statusOf } from '../../store/mcp-tool-status.js';
import { confidentialityRank, type Label } from '../../flow/label.js';
import { declassify, parseDeclassification } from '../../flow/declassify.js';
import { deny, isMcpTool, KIND_RULES } from '../kind-rules.js';

export { CONFIG_POLICY_ID, isMcpTool, READERS_POLICY_ID } from '../kind-rules.js';
/** Policy id reported when an MCP tool's pinned definition refuses a call. */
export const PIN_POLICY_ID = 'mcp.pin';

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
    if (!Object.hasOwn(this.#config.agents, actor)) return deny('AGENT_UNKNOWN', `agent "${actor}" is not declared in mass.yaml`);
    // The kind's structural check (kind-rules.ts): channels, readers, memory ACLs, declared arguments.
    const structural = KIND_RULES[request.kind].structural({ config: this.#config, channels: this.#channels, request, actor, labels: input.labels });
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
        if (type === undefined) continue; // undeclared arguments were refused by the structural check (kind-rules.ts) when args are declared
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
      action: ACTION_KIND_SPECS[request.kind].cedarAction,
      resource: { type: ACTION_KIND_SPECS[request.kind].resourceType, id: request.target },
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
}

/** What policy sees of a declassification: the label the task would have afterwards. */
function declassifyTarget(current: Label, body: DecisionInput['request']['body']): { integrity: 'trusted' | 'untrusted'; confidentiality: number } {
  const after = declassify(current, parseDeclassification(body));
  return { integrity: after.integrity, confidentiality: confidentialityRank(after.confidentiality) };
}
