import type { MassConfigData } from '../../config/schema.js';
import { joinLabels, TRUSTED, untrusted, type Label } from '../../flow/label.js';
import type { Labeler } from '../stages.js';
import type { ActionRequest, Labels, Principal } from '../types.js';

/**
 * Labels from configuration. The action carries the label its sender declared (signed in the
 * envelope); an action with no declared label is untrusted. Each argument carries the action's
 * label. Tool output has the integrity the tool's `output` declares.
 */
export class ConfigLabeler implements Labeler {
  readonly #tools: MassConfigData['tools'];
  readonly #servers: MassConfigData['mcpServers'];

  constructor(config: MassConfigData) {
    this.#tools = config.tools;
    this.#servers = config.mcpServers;
  }

  label(request: ActionRequest, principal: Principal): Labels {
    const action = principal.declaredLabel ?? untrusted(`unlabelled:${principal.agentId}`);
    const args: Record<string, Label> = {};
    if (typeof request.body === 'object' && request.body !== null && !Array.isArray(request.body)) {
      for (const key of Object.keys(request.body)) args[key] = action;
    }
    return { action, args, output: this.#output(request, action) };
  }

  #output(request: ActionRequest, action: Label): Label {
    switch (request.kind) {
      case 'tool': {
        // A tool of MCP server S (`S/<tool>`, not declared under tools) has the server's output integrity.
        const slash = request.target.indexOf('/');
        const output = this.#tools[request.target]?.output ?? (slash > 0 ? this.#servers[request.target.slice(0, slash)]?.output : undefined);
        return output === 'trusted' ? TRUSTED : untrusted(`tool:${request.target}`);
      }
      case 'memory.read':
        return joinLabels(action, untrusted(`memory:${request.target}`));
      default:
        return action;
    }
  }
}
