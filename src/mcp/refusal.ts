import { ProtocolError } from '@modelcontextprotocol/server';
import type { Verdict } from '../mediator/types.js';

/**
 * The JSON-RPC errors of the MCP proxy. They are wire errors, separate from MASS's internal error
 * codes (CONVENTIONS.md): a refusal is never reported as an internal error (-32603).
 *
 * | code   | meaning                                                                          |
 * |--------|----------------------------------------------------------------------------------|
 * | -32010 | refused by MASS (policy, identity, approval, record): never reached the upstream |
 * | -32011 | permitted, but the upstream failed (crash, timeout, malformed or error answer)   |
 * | -32012 | tools/list: the upstream server is unavailable (it is started again on next use) |
 * | -32600 | a request before the client completed `initialize` (JSON-RPC "invalid request")  |
 *
 * The codes avoid those MCP and its SDKs give a meaning: -32000/-32001 (connection closed, request
 * timeout in the SDKs), -32002 (resource not found, rewritten to -32602 by the v2 server SDK),
 * -32021, -32022, -32042.
 *
 * `data` is always `{decision, reason, policy_ids, code, stage, action_id}`: `decision` is the
 * policy effect (`deny` when no policy decision was reached), `code` the MASS code.
 */
export const MCP_POLICY_REFUSED = -32010;
export const MCP_UPSTREAM_FAILED = -32011;
export const MCP_UPSTREAM_UNAVAILABLE = -32012;
/** JSON-RPC "invalid request": a request before the client completed `initialize`. */
export const MCP_NOT_INITIALIZED = -32600;

export interface RefusalData {
  readonly decision: 'allow' | 'deny' | 'approval';
  readonly reason: string;
  readonly policy_ids: readonly string[];
  readonly code: string;
  readonly stage: string;
  readonly action_id: string | null;
}

/** The JSON-RPC error for a mediation that did not succeed. */
export function refusalError(verdict: Extract<Verdict, { ok: false }>): ProtocolError {
  const upstream = verdict.stage === 'execute';
  const data: RefusalData = {
    decision: upstream ? (verdict.decision?.effect ?? 'deny') : 'deny',
    reason: verdict.reason,
    policy_ids: verdict.decision?.policyIds ?? [],
    code: verdict.code,
    stage: verdict.stage,
    action_id: verdict.actionId,
  };
  return upstream
    ? new ProtocolError(MCP_UPSTREAM_FAILED, `upstream failed: ${verdict.reason}`, data)
    : new ProtocolError(MCP_POLICY_REFUSED, `refused by MASS (${verdict.code}): ${verdict.reason}`, data);
}

/** The JSON-RPC error for a refusal the proxy decided on its own (no mediation took place). */
export function proxyRefusal(code: number, massCode: string, reason: string): ProtocolError {
  const data: RefusalData = { decision: 'deny', reason, policy_ids: [], code: massCode, stage: 'proxy', action_id: null };
  return new ProtocolError(code, reason, data);
}
