import type { Context } from 'hono';
import type { Capability } from '../capability/capability.js';
import { verifyPossessionProof, type VerifyPossessionOptions } from '../capability/possession.js';
import { verifyChain, type VerifyChainOptions } from '../capability/verify.js';
import { isMassError, isVerificationCode } from '../core/errors.js';

/** Who a request on `/mcp/<server>` acts as: the agent, and the capability chain it presented (if any). */
export interface McpIdentity {
  readonly agent: string;
  readonly capability?: string;
  /** Its effective capabilities, as verified (tools/list shows only what they cover). */
  readonly capabilities?: readonly Capability[];
}

export type McpRefusal = { readonly status: 401 | 403 | 404 | 405 | 503; readonly code: string; readonly reason: string };

export interface McpAuthOptions {
  /** Verification options for chains (the store's registry, owner key, revocations). */
  readonly chainOptions: () => Promise<VerifyChainOptions>;
  readonly proofOptions: VerifyPossessionOptions;
  /** Host names the gateway serves; if given, a proof's URL must name one of them. */
  readonly hosts?: readonly string[];
  readonly log: (line: string) => void;
}

/**
 * Who a request on `/mcp/<server>` acts as: the mTLS peer (`peer`), or the holder of the capability
 * chain in `Authorization: DPoP <chain>` (also accepted as `Bearer`) once the caller proved it holds
 * the holder's key — mTLS as the holder, or a proof of possession for this very request in the
 * `DPoP` header. A chain names its holder but is no secret (every agent along it holds the same
 * string), so a chain alone is PROOF_REQUIRED.
 *
 * ATTACKER-CONTROLLED: the Authorization, DPoP and Host headers. Node bounds the whole header
 * block (16 KiB by default); the chain's characters are checked here, verifyChain bounds its length
 * and depth before it splits or decodes anything, and verifyPossessionProof bounds the proof.
 */
export async function authenticateMcpRequest(c: Context, peer: string | undefined, options: McpAuthOptions): Promise<McpIdentity | McpRefusal> {
  const header = c.req.header('authorization');
  if (header === undefined) {
    return peer === undefined ? { status: 401, code: 'UNAUTHENTICATED', reason: 'no client certificate of an agent and no capability token' } : { agent: peer };
  }
  const chain = /^(?:DPoP|Bearer) ([A-Za-z0-9_.~-]+)$/i.exec(header)?.[1]; // the scheme is case-insensitive (RFC 9110 §11.1)
  if (chain === undefined) return { status: 401, code: 'TOKEN_MALFORMED', reason: 'Authorization must be "DPoP <capability chain>", with a DPoP proof header' };
  let holder: string;
  let capabilities: readonly Capability[];
  try {
    ({ holder, capabilities } = await verifyChain(chain, await options.chainOptions()));
    if (peer !== undefined && peer !== holder)
      return { status: 401, code: 'PEER_MISMATCH', reason: `the client certificate names "${peer}" but the capability chain is held by "${holder}"` };
    const proof = c.req.header('dpop');
    if (proof === undefined) {
      // mTLS as the holder proves possession of its certificate's key; nothing else does.
      if (peer !== holder)
        return {
          status: 401,
          code: 'PROOF_REQUIRED',
          reason: `a capability chain is accepted only with a proof of possession by its holder "${holder}" (DPoP header) or over mTLS as the holder`,
        };
    } else {
      const url = requestUrl(c, options.hosts);
      if (url === undefined) return { status: 401, code: 'PROOF_TARGET_MISMATCH', reason: 'the request names a host or port this gateway does not serve' };
      await verifyPossessionProof(proof, { holder, chain, method: c.req.method, url }, options.proofOptions);
    }
  } catch (error) {
    if (!isMassError(error)) {
      options.log(`cannot verify a capability chain: ${error instanceof Error ? error.message : String(error)}`);
      return { status: 503, code: 'STAGE_FAILED', reason: 'cannot verify the capability chain now' };
    }
    // MassError messages never contain the token or the proof (core/errors.ts).
    return { status: isVerificationCode(error.code) ? 401 : error.code === 'STORE_FAILED' ? 503 : 403, code: error.code, reason: error.message };
  }
  return { agent: holder, capability: chain, capabilities };
}

/**
 * The URL the request was sent to, as a proof must name it, or undefined if it names a host the
 * gateway does not serve (`hosts`) or a port it is not listening on. The Host header is
 * attacker-controlled: without these checks, a proof made for another server could be presented
 * here under that server's name.
 */
function requestUrl(c: Context, hosts: readonly string[] | undefined): URL | undefined {
  let url: URL;
  try {
    url = new URL(c.req.url);
  } catch {
    return undefined;
  }
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (hosts !== undefined && !hosts.includes(hostname)) return undefined;
  const localPort = (c.env as { incoming?: { socket?: { localPort?: number } } } | undefined)?.incoming?.socket?.localPort;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (localPort !== undefined && port !== localPort) return undefined;
  return url;
}

/**
 * What a 401 asks for (RFC 9449 §7.1): a capability chain with a DPoP proof signed with EdDSA by
 * its holder's registered key (or a client certificate of the agent).
 */
export function mcpChallenge(refusal: McpRefusal): string {
  const error = refusal.code.startsWith('PROOF_') && refusal.code !== 'PROOF_REQUIRED' ? 'invalid_dpop_proof' : 'invalid_token';
  const description =
    refusal.code === 'PROOF_REQUIRED' || refusal.code === 'UNAUTHENTICATED'
      ? ', error_description="send Authorization: DPoP <capability chain> and a DPoP proof signed by the holder\'s key, or a client certificate of the agent"'
      : '';
  return `DPoP realm="mass", algs="EdDSA", error="${error}"${description}`;
}
