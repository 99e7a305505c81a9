import { MassError } from '../../core/errors.js';
import type { MassConfigData } from '../../config/schema.js';
import { labelArguments } from '../../flow/argument-labels.js';
import { declassify, parseDeclassification } from '../../flow/declassify.js';
import { joinLabels, labelDominates, untrusted, type Label } from '../../flow/label.js';
import type { McpToolTable } from '../../store/store.js';
import { approvedArgumentNames } from '../../store/mcp-tool-status.js';
import type { Labeler } from '../stages.js';
import { isMcpTool } from './decide.js';
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
 * - Output: a tool's output has the integrity, confidentiality and readers its configuration (or its
 *   MCP server's) declares; a memory read has the namespace's confidentiality and is untrusted.
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
    const args: Record<string, Label> = request.context === undefined ? uniform(request, action) : labelArguments(request.body, action, request.context, declaredNames);
    if (request.kind === 'message' || request.kind === 'delegate') this.#remember(actionId, action);
    return { action, args, output: this.#output(request, action) };
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

  #output(request: ActionRequest, action: Label): Label {
    switch (request.kind) {
      case 'tool': {
        // A tool of MCP server S (`S/<tool>`, not declared under tools) has the server's labels.
        const tool = this.#config.tools[request.target];
        const slash = request.target.indexOf('/');
        const server = tool === undefined && slash > 0 ? this.#config.mcpServers[request.target.slice(0, slash)] : undefined;
        const integrity = tool?.output ?? server?.output ?? 'untrusted';
        const base: Label = integrity === 'trusted' ? { integrity, sources: [], confidentiality: 'public' } : untrusted(`tool:${request.target}`);
        const readers = tool?.readers;
        return { ...base, confidentiality: tool?.confidentiality ?? server?.confidentiality ?? 'internal', ...(readers === undefined ? {} : { readers: [...readers].sort() }) };
      }
      case 'declassify':
        // The task's label afterwards; the body was checked by decide before anything runs.
        return declassifyOrKeep(action, request.body);
      case 'memory.read': {
        const ns = this.#config.memory[request.target];
        return joinLabels(action, { ...untrusted(`memory:${request.target}`), confidentiality: ns?.confidentiality ?? 'secret' });
      }
      default:
        return action;
    }
  }
}

const NO_NAMES: ReadonlySet<string> = new Set();

function declassifyOrKeep(action: Label, body: ActionRequest['body']): Label {
  try {
    return declassify(action, parseDeclassification(body));
  } catch {
    return action; // a malformed body is refused by decide; nothing is lowered
  }
}

function uniform(request: ActionRequest, action: Label): Record<string, Label> {
  const args = Object.create(null) as Record<string, Label>; // "__proto__" is an argument name like any other
  if (typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)) {
    for (const key of Object.keys(request.body)) args[key] = action;
  }
  return args;
}
