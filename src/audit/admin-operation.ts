/**
 * Every change to the system's trust state that the audit log records as an admin entry, in one
 * place: `adminEntry` takes only these, so a new operation is added here (and shows up in
 * `mass log` and the docs) rather than written as a free string where it happens.
 */
export const ADMIN_OPERATIONS = [
  // agents (mass agent, mass init, the mesh's own registration of declared agents)
  'agent.add',
  'agent.revoke',
  // the certificate authority (mass ca, mass init, the gateway revoking a revoked agent's certificates)
  'ca.init',
  'ca.issue',
  'ca.revoke',
  // capability chains (mass cap)
  'cap.issue',
  'cap.delegate',
  'cap.revoke',
  // the mesh
  'mediator.monitor',
  'task.start',
  // MCP sessions at the gateway
  'mcp.session.open',
  'mcp.session.refused',
  // MCP tool definitions (pins.ts)
  'mcp.pin',
  'mcp.restore',
  'mcp.block',
  'mcp.approve',
] as const;

export type AdminOperation = (typeof ADMIN_OPERATIONS)[number];
