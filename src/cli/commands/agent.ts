import { readFileSync, writeFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { MassError } from '../../core/errors.js';
import { describeAgentIdProblem } from '../../core/agent-id.js';
import { isName } from '../../core/ids.js';
import { loadConfigFile, type MassConfig } from '../../config/load.js';
import { AGENT_REVOKED_REASON, revokeAgentCertificates } from '../../ca/revocation.js';
import { isSpiffeAgentId } from '../../ca/spiffe.js';
import { AgentRegistry } from '../../identity/registry.js';
import type { AgentRecord } from '../../store/store.js';
import { loadCommandConfig, recordAdmin, withStore } from '../context.js';
import type { Io } from '../io.js';

export function spiffeId(config: MassConfig, agent: string): string {
  return `spiffe://${config.data.trustDomain}/agent/${agent}`;
}

/**
 * `mass agent add ID [--role R]…`: declares the agent in mass.yaml if it is not there yet (keeping
 * the file's comments), then creates its Ed25519 identity in the store.
 */
export async function agentAddCommand(io: Io, configOption: string | undefined, id: string, roles: readonly string[]): Promise<void> {
  const idProblem = describeAgentIdProblem(id);
  if (idProblem !== undefined) throw new MassError('CONFIG_INVALID', idProblem);
  for (const role of roles) if (!isName(role)) throw new MassError('CONFIG_INVALID', `--role ${JSON.stringify(role)}: expected a name`);
  let config = loadCommandConfig(io, configOption);
  const declared = config.data.agents[id];
  if (declared === undefined) {
    declareAgent(config.file, id, roles);
    config = loadConfigFile(config.file);
    io.out(`declared agent ${id} in ${config.file}${roles.length > 0 ? ` with roles ${roles.join(', ')}` : ''}\n`);
  } else if (roles.length > 0 && roles.some((r) => !declared.roles.includes(r))) {
    throw new MassError(
      'CONFIG_INVALID',
      `agents.${id}.roles: agent is already declared with roles [${declared.roles.join(', ')}]; edit ${config.file} to change them`,
    );
  }
  const record = await withStore(config, async (store) => {
    const registered = await new AgentRegistry(store).register(id);
    await recordAdmin(store, config, 'agent.add', id, null);
    return registered;
  });
  io.out(`registered ${record.id}: key ${record.kid} (${spiffeId(config, id)})\n`);
}

function declareAgent(file: string, id: string, roles: readonly string[]): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const agents = doc.get('agents');
  const entry = doc.createNode({ roles: [...roles] });
  entry.flow = true;
  if (isMap(agents)) agents.set(id, entry);
  else doc.set('agents', doc.createNode({ [id]: { roles: [...roles] } }));
  writeFileSync(file, doc.toString());
}

export async function agentListCommand(io: Io, configOption: string | undefined, json: boolean): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const records = await withStore(config, (store) => new AgentRegistry(store).list());
  const registered = new Set(records.map((r) => r.id));
  const rows = [
    ...records.map((r) => ({
      id: r.id,
      status: r.status,
      kid: r.kid,
      roles: config.data.agents[r.id]?.roles ?? null,
      declared: Object.hasOwn(config.data.agents, r.id),
    })),
    ...Object.keys(config.data.agents)
      .filter((id) => !registered.has(id))
      .map((id) => ({ id, status: 'unregistered', kid: null, roles: config.data.agents[id]?.roles ?? [], declared: true })),
  ].sort((a, b) => (a.id < b.id ? -1 : 1));
  if (json) {
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const table = [
    ['AGENT', 'STATUS', 'ROLES', 'KEY'],
    ...rows.map((r) => [r.id, r.status, r.roles === null ? '(not in mass.yaml)' : r.roles.join(',') || '-', r.kid ?? '-']),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) io.out(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
}

export async function agentShowCommand(io: Io, configOption: string | undefined, id: string, json: boolean): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const record = await withStore(config, (store) => new AgentRegistry(store).get(id));
  if (record === undefined) throw new MassError('AGENT_UNKNOWN', `agent "${id}" is not registered (run \`mass agent add ${id}\`)`);
  const view = describeAgent(config, record);
  if (json) io.out(`${JSON.stringify(view, null, 2)}\n`);
  else for (const [key, value] of Object.entries(view)) io.out(`${key.padEnd(10)} ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
}

function describeAgent(config: MassConfig, r: AgentRecord) {
  return {
    id: r.id,
    status: r.status,
    ...(r.statusReason === undefined ? {} : { reason: r.statusReason }),
    spiffe: spiffeId(config, r.id),
    roles: config.data.agents[r.id]?.roles ?? null,
    kid: r.kid,
    publicKey: r.publicJwk,
    created: new Date(r.createdAt).toISOString(),
    updated: new Date(r.updatedAt).toISOString(),
  };
}

/**
 * `mass agent revoke ID [--reason TEXT]`: final. The agent's envelopes, chains and proofs are
 * refused from now on, and every certificate the CA issued to it is revoked (in the CRL, shown
 * revoked by `mass ca list`), each revocation recorded in the audit log.
 */
export async function agentRevokeCommand(io: Io, configOption: string | undefined, id: string, reason: string | undefined): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const { record, serials } = await withStore(config, async (store) => {
    const revoked = await new AgentRegistry(store).revoke(id, reason);
    await recordAdmin(store, config, 'agent.revoke', id, reason ?? null);
    const serials = isSpiffeAgentId(id) ? await revokeAgentCertificates(store, config.data.trustDomain, id, reason ?? AGENT_REVOKED_REASON) : [];
    for (const serial of serials)
      await recordAdmin(store, config, 'ca.revoke', `serial ${serial}`, `agent "${id}" revoked${reason === undefined ? '' : `: ${reason}`}`);
    return { record: revoked, serials };
  });
  io.out(`revoked ${record.id}: its envelopes are refused from now on\n`);
  if (serials.length > 0)
    io.out(`revoked its certificate${serials.length === 1 ? '' : 's'} ${serials.join(', ')} (in the CRL from the gateway's next refresh)\n`);
}
