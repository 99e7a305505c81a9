// `mass-runtime/gateway`: the Node-only pieces that open sockets and hold certificates.

export { createGatewayApp } from './app.js';
export type { GatewayOptions, GatewayTool } from './app.js';
export { startGateway, tlsPeer } from './server.js';
export type { GatewayTls, RunningGateway } from './server.js';
export { startUp, agentPeerOf } from './up.js';
export { McpGateway } from './mcp-route.js';
export type { McpGatewayOptions } from './mcp-route.js';
export { possessionFetch } from './possession-fetch.js';
export type { PossessionFetchLike, PossessionFetchOptions } from './possession-fetch.js';
export { createPossessionProof, verifyPossessionProof, chainThumbprint, POSSESSION_PROOF_TYPE } from '../capability/possession.js';
export type {
  PossessionClaims,
  PossessionContext,
  PossessionProofRequest,
  ProofIdMemory,
  VerifiedPossession,
  VerifyPossessionOptions,
} from '../capability/possession.js';
export type { UpOptions, GatewayRuntime } from './up.js';
export { initCertificateAuthority, loadCertificateAuthority } from '../ca/authority.js';
export type { CertificateAuthority } from '../ca/authority.js';
export { issueCertificate, needsRotation } from '../ca/issue.js';
export type { IssueRequest, IssuedCredentials } from '../ca/issue.js';
export { revokeCertificate, buildCrl, isRevoked } from '../ca/revocation.js';
export { peerIdentity } from '../ca/peer.js';
export type { PeerIdentity } from '../ca/peer.js';
export { parseSpiffeId, agentSpiffeId } from '../ca/spiffe.js';
