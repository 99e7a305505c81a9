import { ACTION_KIND_SPECS } from '../../core/actions.js';
import { MassError } from '../../core/errors.js';
import type { MassConfigData } from '../../config/schema.js';
import { labelArguments } from '../../flow/argument-labels.js';
import { joinLabels, labelDominates, untrusted, type Label } from '../../flow/label.js';
import type { McpToolTable } from '../../store/store.js';
import { approvedArgumentNames } from '../../store/mcp-tool-status.js';
import type { Labeler } from '../stages.js';
import { isMcpTool, KIND_RULES } from '../kind-rules.js';
import type { ActionRequest, Labels, Principal, Provenance } from '../types.js';

/** How many delivered messages' labels are remembered to check the actions they cause. */
const REMEMBERED_DELIVERIES = 100_000;

/**
 * Labels from configuration and argument provenance.
 *
 * - The action carries the label its sender declared (signed, in an envelope), joined with the
 *   label the host observed the sender read (`observedLabel`); an action with no declared label is untrusted.
 * - No laundering: an action caused by a message this labeler labelled (the last hop of its path)
 *   must carry at least that message's label; a lower one is refused (LABEL_LAUNDERED).
 * - Each argument is labelled by where its value came from in the agent's context (argument-labels.ts);
 *   without a context every argument carries the action's label.
 * - Output: by the kind's rule (`KIND_RULES`, kind-rules.ts): a tool's output has the integrity,
 *   confidentiality and readers its configuration (or its MCP server's) declares; a memory read has
 *   the namespace's confidentiality and is untrusted; a declassification, the task's lowered label.
 */
export class ConfigLabeler implements Labeler {
  readonly #config: MassConfigData;
  readonly #mcpTools: McpToolTable | undefined;
  readonly #delivered = new Map<string, Label>();

  /** With `mcpTools`, the argument names of an MCP tool's approved definition count as declared (as a tool's `args` in mass.yaml do). */
  constructor(config: MassConfigData, options: { mcpTools?: McpToolTable } = {}) {
    this.#config = config;
    this.#mcpTools = options.mcpTools;
  }

  label(request: ActionRequest, principal: Principal, provenance: Provenance, actionId: string): Labels | Promise<Labels> {
    if (this.#mcpTools !== undefined && request.kind === 'tool' && request.context !== undefined && isMcpTool(this.#config, request.target)) {
      const slash = request.target.indexOf('/');
      return this.#mcpTools.get(request.target.slice(0, slash), request.target.slice(slash + 1)).then((record) => {
        const names = record === undefined ? undefined : approvedArgumentNames(record);
        return this.#label(request, principal, provenance, actionId, names ?? NO_NAMES);
      });
    }
    return this.#label(request, principal, provenance, actionId, this.#declaredNames(request));
  }

  #label(request: ActionRequest, principal: Principal, provenance: Provenance, actionId: string, declaredNames: ReadonlySet<string>): Labels {
    const declared = principal.declaredLabel ?? untrusted(`unlabelled:${principal.agentId}`);
    // Whatever the sender declares, it is at least as tainted as what it was observed to read.
    const action = request.observedLabel === undefined ? declared : joinLabels(declared, request.observedLabel);
    const cause = provenance.path.at(-1);
    if (cause !== undefined) {
      const floor = this.#delivered.get(cause.action);
      if (floor !== undefined && !labelDominates(action, floor)) {
        throw new MassError('LABEL_LAUNDERED', `"${principal.agentId}" declared a label lower than that of message ${cause.action} which caused this action`);
      }
    }
    const args: Record<string, Label> =
      request.context === undefined ? uniform(request, action) : labelArguments(request.body, action, request.context, declaredNames);
    // Content delivered to an agent floors what that agent's actions it causes may declare.
    if (ACTION_KIND_SPECS[request.kind].delivers === 'agent') this.#remember(actionId, action);
    // The output label by the kind's rule (kind-rules.ts): a tool's or memory's by configuration, a declassification's lowered.
    return { action, args, output: KIND_RULES[request.kind].output(this.#config, request, action) };
  }

  /**
   * The label a message or delegation was delivered with once the detectors' findings raised it
   * (the mediator calls this before the effect runs): actions it causes must carry at least that.
   */
  delivered(actionId: string, label: Label): void {
    const floor = this.#delivered.get(actionId);
    if (floor !== undefined) this.#delivered.set(actionId, joinLabels(floor, label));
  }

  /** Argument names a tool declares in configuration (its `args` and `controls`): trusted names, not content. */
  #declaredNames(request: ActionRequest): ReadonlySet<string> {
    const tool = request.kind === 'tool' ? this.#config.tools[request.target] : undefined;
    if (tool === undefined) return NO_NAMES;
    return new Set([...Object.keys(tool.args ?? {}), ...(tool.controls ?? [])]);
  }

  #remember(actionId: string, label: Label): void {
    this.#delivered.set(actionId, label);
    if (this.#delivered.size > REMEMBERED_DELIVERIES) {
      const oldest = this.#delivered.keys().next();
      if (oldest.done !== true) this.#delivered.delete(oldest.value);
    }
  }
}

const NO_NAMES: ReadonlySet<string> = new Set();

function uniform(request: ActionRequest, action: Label): Record<string, Label> {
  const args = Object.create(null) as Record<string, Label>; // "__proto__" is an argument name like any other
  if (typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)) {
    for (const key of Object.keys(request.body)) args[key] = action;
  }
  return args;
}
