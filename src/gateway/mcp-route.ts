import { randomUUID } from 'node:crypto';
import type { Context, Env, Hono } from 'hono';
import { WebStandardStreamableHTTPServerTransport, type Server } from '@modelcontextprotocol/server';
import type { AdminOperation } from '../audit/admin-operation.js';
import { adminEntry } from '../audit/entry.js';
import { chainOptionsFromStore } from '../capability/store-options.js';
import type { VerifyChainOptions } from '../capability/verify.js';
import { systemClock, type Clock } from '../core/clock.js';
import { constantTimeEqual, sha256 } from '../core/hash.js';
import { McpProxy } from '../mcp/proxy.js';
import { authenticateMcpRequest, mcpChallenge, type McpIdentity, type McpRefusal } from './mcp-auth.js';
import { peerRefusal } from './peer-refusal.js';
import { Upstream } from '../mcp/upstream.js';
import type { Mesh } from '../mesh/mesh.js';

export interface McpGatewayOptions {
  readonly mesh: Mesh;
  readonly clock?: Clock;
  /** A session with no request for this long is closed (default 10 minutes). */
  readonly sessionIdleMs?: number;
  /** Sessions open at once, all agents together (default 1024); past it, a new session gets 503. */
  readonly maxSessions?: number;
  /** Sessions open at once per agent (default 16); opening one more closes that agent's least recently used. */
  readonly maxSessionsPerAgent?: number;
  /** Longest wait for an upstream: connection, listing, call (default 30 s). */
  readonly upstreamTimeoutMs?: number;
  /** Largest request body the MCP transport reads (default 1 MiB; the app-wide bodyLimit applies first). */
  readonly maxRequestBytes?: number;
  /**
   * Host names (or IP addresses) the gateway serves, as its certificate carries them. If given, a
   * request naming another host in its URL cannot present a proof of possession.
   */
  readonly hosts?: readonly string[];
  /** Diagnostics. */
  readonly log?: (line: string) => void;
}

interface Session {
  readonly id: string;
  readonly agent: string;
  readonly server: string;
  /** SHA-256 of the chain the session acts under, compared in constant time. */
  readonly chainHash: Uint8Array | undefined;
  readonly mcp: Server;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  lastUsed: number;
  active: number;
}

/**
 * `/mcp/<server>`: the MCP proxy over Streamable HTTP, one MCP session per agent connection.
 *
 * Transport: the SDK's web-standard `WebStandardStreamableHTTPServerTransport` (Request in,
 * Response out), which is what hono hands a route — the node adapter would convert back and forth
 * twice. JSON responses, no SSE: the proxy never sends a message of its own, so GET (the
 * server-to-client stream) is 405 and no request holds a connection open longer than its call.
 *
 * Authentication, per request: the mTLS peer's SPIFFE ID; or an `Authorization: DPoP <chain>`
 * capability chain, verified against the store (holder = its last audience), with a `DPoP` proof
 * of possession signed by the holder's registered key for this method, URL and moment (once;
 * capability/possession.ts), after which the request acts as the holder under that chain. A chain
 * without a proof is accepted only over mTLS as its holder (401 PROOF_REQUIRED otherwise). Both a
 * certificate and a chain: they must name the same agent (401 PEER_MISMATCH). Neither: 401. Then
 * the server name (404 if not in `mcpServers`).
 *
 * Sessions: each (Mcp-Session-Id) has its own McpProxy bound to the agent and chain that opened
 * it; the task context (label and what the agent read) is the agent's, shared by all its sessions
 * on every server and process on the store (mesh/agent-context.ts). A request on a session by
 * anyone else is answered 404, as for an unknown id, and recorded. A session holds a Server and a
 * transport, so sessions are bounded: closed after `sessionIdleMs` without a request (default 10
 * minutes: a client that went quiet that long is gone or can initialize again); at most
 * `maxSessionsPerAgent` per agent (16; the agent's least recently used makes room, so a client
 * that leaks sessions only hurts itself); at most `maxSessions` in all (1024; past it, 503).
 * Upstreams: one per server, shared by its sessions, created on first use.
 *
 * No Origin check: browsers attach no bearer chain on their own, and a DNS-rebinding page reaches
 * the gateway under a host name its certificate does not carry, so the TLS handshake fails.
 */
export class McpGateway {
  readonly #o: McpGatewayOptions;
  readonly #clock: Clock;
  readonly #idleMs: number;
  readonly #perAgent: number;
  readonly #sessions = new Map<string, Session>();
  readonly #upstreams = new Map<string, Upstream>();
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #sweeper: NodeJS.Timeout;
  #chainOptions: Promise<VerifyChainOptions> | undefined;
  #pending = 0;
  #closing = false;

  constructor(options: McpGatewayOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#idleMs = options.sessionIdleMs ?? 10 * 60_000;
    this.#perAgent = options.maxSessionsPerAgent ?? 16;
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(50, Math.min(this.#idleMs / 2, 60_000)));
    this.#sweeper.unref();
  }

  /** Sessions open now. */
  get sessions(): number {
    return this.#sessions.size;
  }

  /** Adds `/mcp/:server` to the gateway app; `peerOf` gives the request's mTLS agent, if any. */
  mount<E extends Env>(app: Hono<E>, peerOf: (c: Context<E>) => Promise<string | undefined>): void {
    app.all('/mcp/:server', async (c) => {
      let peer: string | undefined;
      try {
        peer = await peerOf(c);
      } catch (error) {
        return refuse(c, peerRefusal(error));
      }
      const work = this.#handle(c, peer);
      this.#inflight.add(work);
      try {
        return await work;
      } finally {
        this.#inflight.delete(work);
      }
    });
  }

  /** Refuses new requests, lets those in progress finish, closes every session, then every upstream. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#sweeper);
    await Promise.allSettled([...this.#inflight]);
    for (const session of [...this.#sessions.values()]) this.#end(session, 'the gateway is stopping');
    await Promise.allSettled([...this.#upstreams.values()].map((u) => u.close()));
    this.#upstreams.clear();
  }

  async #handle(c: Context, peer: string | undefined): Promise<Response> {
    if (this.#closing) return refuse(c, { status: 503, code: 'UNAVAILABLE', reason: 'the gateway is stopping' });
    const identity = await this.#authenticate(c, peer);
    if ('status' in identity) return refuse(c, identity);
    const { mcpServers, agents } = this.#o.mesh.config.data;
    const server = c.req.param('server') ?? '';
    if (!Object.hasOwn(mcpServers, server)) return refuse(c, { status: 404, code: 'NOT_FOUND', reason: `no MCP server "${server}" in mcpServers` });
    if (!Object.hasOwn(agents, identity.agent)) return refuse(c, { status: 403, code: 'AGENT_UNKNOWN', reason: `agent "${identity.agent}" is not declared` });
    // Status is read on every request: a revoked or quarantined agent gets no session and no listing.
    const status = (await this.#o.mesh.registry.get(identity.agent))?.status;
    if (status !== 'active')
      return refuse(c, {
        status: 401,
        code: status === 'quarantined' ? 'AGENT_QUARANTINED' : 'AGENT_REVOKED',
        reason: `agent "${identity.agent}" is ${status ?? 'not registered'}`,
      });
    if (c.req.method === 'GET') {
      c.header('Allow', 'POST, DELETE');
      return refuse(c, { status: 405, code: 'METHOD_NOT_ALLOWED', reason: 'this server sends no messages of its own: no SSE stream' });
    }
    const sessionId = c.req.header('mcp-session-id');
    return sessionId === undefined ? this.#open(c, identity, server) : this.#resume(c, identity, server, sessionId);
  }

  /** Who the request acts as (mcp-auth.ts). */
  #authenticate(c: Context, peer: string | undefined): Promise<McpIdentity | McpRefusal> {
    const { registry, store, config } = this.#o.mesh;
    return authenticateMcpRequest(c, peer, {
      chainOptions: () => this.#chainVerifyOptions(),
      proofOptions: { keys: registry, ids: store.replay, clock: this.#clock, clockSkewSeconds: config.data.envelopes.clockSkewSeconds },
      ...(this.#o.hosts === undefined ? {} : { hosts: this.#o.hosts }),
      log: (line) => this.#log(line),
    });
  }

  #chainVerifyOptions(): Promise<VerifyChainOptions> {
    if (this.#chainOptions !== undefined) return this.#chainOptions;
    const { store, config } = this.#o.mesh;
    const options = chainOptionsFromStore(store, this.#clock, { clockSkewSeconds: config.data.envelopes.clockSkewSeconds });
    options.catch(() => (this.#chainOptions = undefined)); // tried again on the next request
    return (this.#chainOptions = options);
  }

  /** A request without a session id: it must be `initialize`, which opens a session. */
  async #open(c: Context, identity: McpIdentity, server: string): Promise<Response> {
    // An agent at its own bound replaces its least recently used session (#register): no growth.
    // Otherwise the total bound holds, and nobody else's session is closed to make room.
    const max = this.#o.maxSessions ?? 1024;
    const full = () => this.#sessions.size + this.#pending >= max && this.#countOf(identity.agent) < this.#perAgent;
    if (full()) this.#sweep();
    if (full()) return refuse(c, { status: 503, code: 'SESSION_LIMIT', reason: `${max} MCP sessions are open; try again later` });
    const proxy = new McpProxy({
      mesh: this.#o.mesh,
      agent: identity.agent,
      server,
      upstream: this.#upstream(server),
      ...(identity.capability === undefined ? {} : { capability: identity.capability }),
      ...(identity.capabilities === undefined ? {} : { capabilities: identity.capabilities }),
      log: (line) => this.#o.log?.(line),
    });
    const mcp = proxy.createServer();
    let session: Session | undefined;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      maxRequestBodySize: this.#o.maxRequestBytes ?? 1024 * 1024,
      onsessioninitialized: (id) => {
        const chainHash = identity.capability === undefined ? undefined : sha256(identity.capability);
        session = { id, agent: identity.agent, server, chainHash, mcp, transport, lastUsed: this.#clock.now(), active: 1 };
        this.#register(session);
      },
      onsessionclosed: (id) => void this.#forget(id),
    });
    mcp.onclose = () => {
      if (session !== undefined) this.#forget(session.id);
    };
    this.#pending++;
    try {
      await mcp.connect(transport);
      return await transport.handleRequest(c.req.raw);
    } finally {
      this.#pending--;
      if (session === undefined)
        await mcp.close().catch(() => undefined); // not an initialize: nothing to keep
      else this.#touch(session, -1);
    }
  }

  async #resume(c: Context, identity: McpIdentity, server: string, id: string): Promise<Response> {
    const session = this.#sessions.get(id);
    const unknown: McpRefusal = { status: 404, code: 'SESSION_UNKNOWN', reason: 'no such MCP session (closed, expired or never opened)' };
    if (session === undefined) return refuse(c, unknown);
    // A request with a chain must present the session's chain; one without (the holder over mTLS)
    // stays within the session's chain anyway.
    const sameChain =
      identity.capability === undefined || (session.chainHash !== undefined && constantTimeEqual(sha256(identity.capability), session.chainHash));
    if (session.agent !== identity.agent || session.server !== server || !sameChain) {
      // Never served, and answered as an unknown id so the session's existence is not confirmed.
      this.#log(`refused: "${identity.agent}" used a session of "${session.agent}" on "${session.server}"`);
      this.#record('mcp.session.refused', server, identity.agent, `a session of "${session.agent}" presented by another principal`);
      return refuse(c, unknown);
    }
    this.#touch(session, +1);
    try {
      return await session.transport.handleRequest(c.req.raw);
    } finally {
      this.#touch(session, -1);
    }
  }

  #register(session: Session): void {
    this.#sessions.set(session.id, session);
    this.#record('mcp.session.open', session.server, session.agent, session.chainHash === undefined ? 'mTLS' : 'capability chain');
    const own = [...this.#sessions.values()].filter((s) => s.agent === session.agent && s !== session);
    // The agent's own least recently used sessions make room: one agent cannot crowd out another.
    for (const old of own.sort((a, b) => a.lastUsed - b.lastUsed).slice(0, Math.max(0, own.length + 1 - this.#perAgent))) {
      this.#end(old, `more than ${this.#perAgent} sessions for "${session.agent}"`);
    }
  }

  #countOf(agent: string): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.agent === agent) n++;
    return n;
  }

  /** Session events go to the audit log beside the mediated calls (the calls are recorded by the mediator). */
  #record(operation: AdminOperation, server: string, agent: string, reason: string): void {
    void this.#o.mesh.log
      .append(adminEntry(operation, `mcp:${server}`, agent, reason, this.#clock.now()))
      .catch((error: unknown) => this.#log(`cannot record ${operation}: ${error instanceof Error ? error.message : String(error)}`));
  }

  #touch(session: Session, delta: number): void {
    session.active += delta;
    session.lastUsed = this.#clock.now();
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const session of [...this.#sessions.values()]) {
      if (session.active === 0 && now - session.lastUsed > this.#idleMs) this.#end(session, `idle for more than ${this.#idleMs} ms`);
    }
  }

  #end(session: Session, reason: string): void {
    if (!this.#forget(session.id)) return;
    this.#log(`closed a session of "${session.agent}" on "${session.server}": ${reason}`);
    void session.mcp.close().catch(() => undefined);
  }

  #forget(id: string): boolean {
    return this.#sessions.delete(id);
  }

  /** The shared upstream of a server, created on first use from `mcpServers.<server>`. */
  #upstream(server: string): Upstream {
    let upstream = this.#upstreams.get(server);
    if (upstream !== undefined) return upstream;
    const { config } = this.#o.mesh;
    const declared = config.data.mcpServers[server]!;
    const common = {
      ...(this.#o.upstreamTimeoutMs === undefined ? {} : { timeoutMs: this.#o.upstreamTimeoutMs }),
      onState: (state: string, detail: string) => this.#log(`upstream "${server}" ${state}: ${detail}`),
    };
    const [program, ...args] = declared.command ?? [];
    upstream =
      program === undefined ? new Upstream({ url: declared.url!, ...common }) : new Upstream({ command: [program, ...args], cwd: config.dir, ...common });
    this.#upstreams.set(server, upstream);
    return upstream;
  }

  #log(line: string): void {
    this.#o.log?.(`mass gateway /mcp: ${line}\n`);
  }
}

function refuse(c: Context, refusal: McpRefusal): Response {
  if (refusal.status === 401) c.header('WWW-Authenticate', mcpChallenge(refusal));
  return c.json({ ok: false, code: refusal.code, reason: refusal.reason }, refusal.status);
}
