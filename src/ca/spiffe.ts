import { MassError } from '../core/errors.js';
import { AGENT_ID_RULE, isAgentId } from '../core/agent-id.js';

/**
 * SPIFFE IDs as MASS uses them (https://github.com/spiffe/spiffe/blob/main/standards/SPIFFE-ID.md):
 * `spiffe://<trust domain>/agent/<agent id>` for agents and `spiffe://<trust domain>/gateway` for
 * the gateway. Nothing else is a valid MASS workload identity.
 */

/** What a valid SPIFFE ID names. */
export type SpiffeIdentity =
  | { readonly uri: string; readonly trustDomain: string; readonly kind: 'agent'; readonly id: string }
  | { readonly uri: string; readonly trustDomain: string; readonly kind: 'gateway' };

/** The SPIFFE spec's limit on the length of a SPIFFE ID (in bytes; the IDs here are ASCII). */
export const MAX_SPIFFE_ID_LENGTH = 2048;

const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** True if `id` can follow `/agent/` in a SPIFFE ID: an agent id, which is one valid path segment (core/agent-id.ts). */
export function isSpiffeAgentId(id: string): boolean {
  return isAgentId(id) && PATH_SEGMENT.test(id);
}

function checkTrustDomain(trustDomain: string): void {
  if (!TRUST_DOMAIN.test(trustDomain)) throw new TypeError(`trust domain ${JSON.stringify(trustDomain)} is not a valid SPIFFE trust domain`);
}

/** `spiffe://<trustDomain>/agent/<agentId>`; throws TypeError if either part cannot appear in a SPIFFE ID. */
export function agentSpiffeId(trustDomain: string, agentId: string): string {
  checkTrustDomain(trustDomain);
  if (!isSpiffeAgentId(agentId)) {
    throw new TypeError(`agent id ${JSON.stringify(agentId.slice(0, 80))} cannot be a SPIFFE path segment (${AGENT_ID_RULE})`);
  }
  return `spiffe://${trustDomain}/agent/${agentId}`;
}

/** `spiffe://<trustDomain>/gateway`. */
export function gatewaySpiffeId(trustDomain: string): string {
  checkTrustDomain(trustDomain);
  return `spiffe://${trustDomain}/gateway`;
}

function invalid(message: string): MassError {
  return new MassError('PEER_IDENTITY_INVALID', message);
}

/**
 * Parses a SPIFFE ID and checks that it is a MASS identity of `expectedTrustDomain`.
 * Throws PEER_IDENTITY_INVALID (never echoing more than a bounded prefix of the input).
 *
 * ATTACKER-CONTROLLED INPUT: `uri` comes from a peer's certificate. The grammar is checked with
 * anchored, linear regular expressions on a length-bounded string; no URL parser is involved, so
 * there is no normalisation (percent-decoding, case folding, dot segments) for an attacker to play
 * against: an ID is valid only in its one canonical spelling.
 */
export function parseSpiffeId(uri: string, expectedTrustDomain: string): SpiffeIdentity {
  checkTrustDomain(expectedTrustDomain);
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > MAX_SPIFFE_ID_LENGTH) throw invalid('the SPIFFE ID is empty or too long');
  const shown = JSON.stringify(uri.length > 120 ? `${uri.slice(0, 120)}…` : uri);
  const prefix = 'spiffe://';
  if (!uri.startsWith(prefix)) throw invalid(`${shown} is not a spiffe:// URI`);
  const rest = uri.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash < 0) throw invalid(`${shown} has no path: it names a trust domain, not a workload`);
  const trustDomain = rest.slice(0, slash);
  // Userinfo, ports, upper case and percent-encoding all fail this one check.
  if (!TRUST_DOMAIN.test(trustDomain)) throw invalid(`${shown} has an invalid trust domain`);
  if (trustDomain !== expectedTrustDomain) throw invalid(`${shown} belongs to trust domain "${trustDomain}", not "${expectedTrustDomain}"`);
  const path = rest.slice(slash + 1);
  // Query strings, fragments and percent-encoding fail the segment check ("?", "#", "%" are not allowed).
  const segments = path.split('/');
  if (!segments.every((s) => PATH_SEGMENT.test(s) && s !== '.' && s !== '..')) throw invalid(`${shown} has an invalid path`);
  if (segments.length === 1 && segments[0] === 'gateway') return { uri, trustDomain, kind: 'gateway' };
  if (segments.length === 2 && segments[0] === 'agent') {
    const id = segments[1];
    if (id !== undefined && isAgentId(id)) return { uri, trustDomain, kind: 'agent', id };
  }
  throw invalid(`${shown} names neither an agent (/agent/<id>) nor the gateway (/gateway)`);
}
