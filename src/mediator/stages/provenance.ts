import type { ProvenanceResolver } from '../stages.js';
import type { ActionRequest, Principal, Provenance } from '../types.js';

/** Provenance of an action without delegation: the sender alone, at full trust. */
export class SenderProvenance implements ProvenanceResolver {
  resolve(_request: ActionRequest, principal: Principal): Provenance {
    return { chain: [principal.agentId], trust: 100 };
  }
}
