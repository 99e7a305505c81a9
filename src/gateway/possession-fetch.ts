import { createPossessionProof } from '../capability/possession.js';
import type { Clock } from '../core/clock.js';
import type { SigningKey } from '../identity/keys.js';

/** The `fetch` shape HTTP clients take (the global fetch, the MCP SDK's `FetchLike`). */
export type PossessionFetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface PossessionFetchOptions {
  /** The capability chain the requests act under (compact serialization). */
  readonly chain: string;
  /** The holder's signing key: the key of the chain's last audience, with its registered kid. */
  readonly key: SigningKey;
  /** The fetch that sends the requests (default: the global fetch). */
  readonly fetch?: PossessionFetchLike;
  readonly clock?: Clock;
}

/**
 * A `fetch` that sends every request under a capability chain with a fresh proof of possession:
 * `Authorization: DPoP <chain>` and `DPoP: <proof>` bound to that request's method and URL. Hand
 * it to the MCP SDK's `StreamableHTTPClientTransport` (`{ fetch: possessionFetch(...) }`) to use
 * `/mcp/<server>` with a chain and no client certificate.
 */
export function possessionFetch(options: PossessionFetchOptions): PossessionFetchLike {
  const send = options.fetch ?? ((url: string | URL, init?: RequestInit) => fetch(url, init));
  return (url, init = {}) => {
    const headers = new Headers(init.headers);
    const method = (init.method ?? 'GET').toUpperCase();
    headers.set('authorization', `DPoP ${options.chain}`);
    headers.set(
      'dpop',
      createPossessionProof(options.key, { method, url, chain: options.chain, ...(options.clock === undefined ? {} : { clock: options.clock }) }),
    );
    return send(url, { ...init, headers });
  };
}
