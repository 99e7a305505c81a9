import { request } from 'node:https';
import { Readable } from 'node:stream';
import assert from 'node:assert/strict';
import { Client, ProtocolError, StreamableHTTPClientTransport, type FetchLike } from '@modelcontextprotocol/client';
import { possessionFetch } from '../../src/gateway/possession-fetch.js';
import type { SigningKey } from '../../src/identity/keys.js';

// Helpers of the MCP-over-HTTPS gateway tests: a fetch with a client certificate, the SDK client
// on `/mcp/<server>`, raw JSON-RPC posts.

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** PEM material a test client presents: the CA to trust and, optionally, its own certificate. */
export interface ClientTls {
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
}

/**
 * A `fetch` over node:https that presents a client certificate (Node 20's global fetch cannot
 * without the `undici` package). Enough for the MCP SDK's Streamable HTTP client: string or byte
 * bodies, streamed responses, abort signals; no redirects are followed.
 */
export function httpsFetch(tls: ClientTls): FetchLike {
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => (headers[name] = value));
      const method = init.method ?? 'GET';
      const req = request(
        new URL(url),
        {
          method,
          headers,
          ca: tls.ca,
          ...(tls.cert === undefined ? {} : { cert: tls.cert }),
          ...(tls.key === undefined ? {} : { key: tls.key }),
          ...(init.signal ? { signal: init.signal } : {}),
          agent: false,
        },
        (res) => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, v);
          }
          const status = res.statusCode ?? 500;
          const noBody = method === 'HEAD' || [204, 205, 304].includes(status);
          const body = noBody ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
          if (noBody) res.resume();
          resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        },
      );
      req.on('error', reject);
      const body = init.body;
      if (body === undefined || body === null) req.end();
      else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
      else reject(new TypeError('httpsFetch sends string or byte bodies only'));
    });
}

/** A capability chain and its holder's key, to send with a fresh proof of possession per request. */
export interface HeldChain {
  readonly chain: string;
  readonly key: SigningKey;
}

/**
 * The SDK's Streamable HTTP client on `/mcp/<server>`, presenting `tls` and, if given, a chain with
 * a proof of possession on every request (the exported `possessionFetch` around `httpsFetch`).
 */
export async function connect(base: string, server: string, tls: ClientTls, held?: HeldChain) {
  const fetch = held === undefined ? httpsFetch(tls) : possessionFetch({ ...held, fetch: httpsFetch(tls) });
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp/${server}`), { fetch });
  const client = new Client({ name: 'mass-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, sessionId: transport.sessionId ?? assert.fail('no session id') };
}

/** One raw JSON-RPC POST: the HTTP status and JSON body. */
export async function post(
  url: string,
  tls: ClientTls,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await httpsFetch(tls)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown> };
}

export async function refusal(promise: Promise<unknown>): Promise<ProtocolError> {
  const error = await promise.then(
    () => assert.fail('expected a JSON-RPC error'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProtocolError, `expected a JSON-RPC error, got ${String(error)}`);
  return error;
}
