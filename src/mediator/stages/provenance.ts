import { allows, type Invocation } from '../../capability/allows.js';
import { verifyChain, type VerifyChainOptions } from '../../capability/verify.js';
import { ACTION_KIND_SPECS } from '../../core/actions.js';
import { MassError } from '../../core/errors.js';
import type { AgentTable } from '../../store/store.js';
import type { ProvenanceResolver } from '../stages.js';
import type { ActionRequest, Principal, Provenance } from '../types.js';

/** Trust an agent contributes to a chain by its registry status (reputation comes later). */
const TRUST_BY_STATUS = { active: 100, quarantined: 0, revoked: 0 } as const;

/** Provenance of an action without delegation: the sender alone, at full trust. */
export class SenderProvenance implements ProvenanceResolver {
  resolve(_request: ActionRequest, principal: Principal): Provenance {
    return { chain: [principal.agentId], trust: 100, path: principal.path ?? [] };
  }
}

/**
 * Provenance with delegation: when an action relies on a capability chain, the whole chain is
 * verified (every link signed by its issuer, each a subset of its parent, none revoked, no agent in
 * it revoked) with the acting agent as its holder; the action must be within the effective
 * capabilities (CAPABILITY_EXCEEDED otherwise); effective trust is the minimum along the chain.
 * Without a chain it is the sender alone.
 */
export class ChainProvenance implements ProvenanceResolver {
  readonly #options: () => Promise<VerifyChainOptions>;
  readonly #agents: AgentTable;

  constructor(options: () => Promise<VerifyChainOptions>, agents: AgentTable) {
    this.#options = options;
    this.#agents = agents;
  }

  async resolve(request: ActionRequest, principal: Principal): Promise<Provenance> {
    const path = principal.path ?? [];
    if (request.capability === undefined) return { chain: [principal.agentId], trust: await this.#trust([principal.agentId]), path };
    const verified = await verifyChain(request.capability, { ...(await this.#options()), audience: principal.agentId });
    const body = request.body;
    const args = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : undefined;
    // A kind no capability grants (declassify) is never within a chain's capabilities.
    const action = ACTION_KIND_SPECS[request.kind].capabilityAction;
    const invocation: Invocation | undefined = action === null ? undefined : { action, resource: request.target, ...(args === undefined ? {} : { args }) };
    if (invocation === undefined || !allows(verified.capabilities, invocation)) {
      throw new MassError('CAPABILITY_EXCEEDED', `${request.kind} on "${request.target}" is not within the capabilities delegated to "${principal.agentId}"`);
    }
    const chain = verified.path.filter((id) => id !== verified.path[0]); // the owner is the root of authority, not an agent
    return { chain, trust: await this.#trust(chain), path, capabilities: verified.capabilities };
  }

  async #trust(agents: readonly string[]): Promise<number> {
    let trust = 100;
    for (const id of agents) {
      const agent = await this.#agents.get(id);
      trust = Math.min(trust, agent === undefined ? 0 : TRUST_BY_STATUS[agent.status]);
    }
    return trust;
  }
}
