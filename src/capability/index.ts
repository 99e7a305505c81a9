// `mass-runtime/capability`: attenuable capability chains — issuing and delegating them, verifying a
// chain, checking an invocation against it, revoking a link, and proofs of possession for a chain
// sent over HTTP. Listed by hand.

export { parseCapability, parseCapabilities, CAPABILITY_ACTIONS } from './capability.js';
export type { Capability, CapabilityAction } from './capability.js';
export { isWithin, attenuates } from './attenuate.js';
export { allows } from './allows.js';
export type { Invocation } from './allows.js';
export { issueRoot, delegate } from './issue.js';
export type { IssueRootOptions, DelegateOptions, AgentSigner } from './issue.js';
export { verifyChain } from './verify.js';
export type { VerifyChainOptions, VerifiedChain, VerifiedLink } from './verify.js';
export { revokeToken } from './revoke.js';
export { MemoryLinkMemory } from './memory.js';
export type { LinkMemory } from './memory.js';
export { chainOptionsFromStore } from './store-options.js';
export { OWNER_PRINCIPAL } from './owner.js';
export { CAPABILITY_TOKEN_TYPE } from './link.js';
export { createPossessionProof, verifyPossessionProof, chainThumbprint, POSSESSION_PROOF_TYPE } from './possession.js';
export type { PossessionClaims, PossessionContext, PossessionProofRequest, ProofIdMemory, VerifiedPossession, VerifyPossessionOptions } from './possession.js';
