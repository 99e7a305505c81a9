import type { PolicyContext, PolicyEngine } from '../policy/engine.js';

/**
 * Whether the agent's policy can permit a call of `Tool::"<server>/<tool>"`, decided ahead of any
 * call so that tools/list shows only those.
 *
 * Approximation (instead of Cedar partial evaluation): one Cedar decision with a neutral context
 * that the agent's own request could at best present — trusted integrity, no sources, full trust,
 * no findings, a chain of the agent alone, no arguments. A tool is listed when that decision is
 * allow or approval. Consequences:
 *  - forbids that depend on context (untrusted content, risk, low trust) do not hide a tool; they
 *    still refuse the call when it is made;
 *  - a permit that requires something of `context.args` does not match here, so a tool permitted
 *    only for some arguments is hidden (MCP tools declare no arguments to policy yet, so no such
 *    permit can match them today). Hiding errs on the closed side: the call is mediated anyway.
 */
export function canEverCall(policy: PolicyEngine, agent: string, tool: string): boolean {
  const context: PolicyContext = {
    integrity: 'trusted',
    sources: [],
    confidentiality: 0,
    control: 'trusted',
    trust: 100,
    risk: 0,
    findings: [],
    chain: [agent],
    args: {},
  };
  try {
    const decision = policy.decide({ principal: agent, action: 'call', resource: { type: 'Tool', id: tool }, context });
    return decision.effect !== 'deny';
  } catch {
    return false; // fail closed: a tool whose decision errors is not shown
  }
}
