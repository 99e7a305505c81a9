import { Client, ProtocolError, SdkError, SdkErrorCode, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { CallToolResult, FetchLike, Tool, Transport } from '@modelcontextprotocol/client';

export type UpstreamState = 'idle' | 'connecting' | 'connected' | 'down';

interface CommonOptions {
  /** Longest wait for a connection, a listing or a call (default 30 s). */
  readonly timeoutMs?: number;
  /**
   * Largest message accepted from the upstream, in bytes (default 4 MiB). Stdio: a bigger line
   * closes the connection. HTTP: a bigger JSON answer or server-sent event fails the request.
   */
  readonly maxMessageBytes?: number;
  /** Told of every change of state, with the reason. */
  readonly onState?: (state: UpstreamState, detail: string) => void;
}

/** A local MCP server started as a child process and spoken to over its stdio. */
export interface StdioUpstreamOptions extends CommonOptions {
  /** The command and its arguments (`mcpServers.<name>.command`, or the one after `--`). */
  readonly command: readonly [string, ...string[]];
  /** Working directory of the server (the directory of mass.yaml). */
  readonly cwd: string;
  readonly url?: never;
}

/** A remote MCP server spoken to over Streamable HTTP. */
export interface HttpUpstreamOptions extends CommonOptions {
  /** The server's MCP endpoint (`mcpServers.<name>.url`), http: or https:. */
  readonly url: string | URL;
  /** The fetch to use (default: the global one), e.g. one that presents a client certificate. */
  readonly fetch?: FetchLike;
  readonly command?: never;
  readonly cwd?: never;
}

export type UpstreamOptions = StdioUpstreamOptions | HttpUpstreamOptions;

const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * The MCP client side of the proxy: one upstream server, connected on first use and connected
 * again on the next use after the connection failed — a stdio server process that died, or an
 * HTTP server that stopped answering or forgot the session. Everything it answers is untrusted
 * input: its size is bounded (maxMessageBytes) and the SDK client checks answers against the MCP
 * schemas; anything it rejects is a failure of the call.
 */
export class Upstream {
  readonly #options: UpstreamOptions;
  readonly #timeout: number;
  readonly #maxBytes: number;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #state: UpstreamState = 'idle';

  constructor(options: UpstreamOptions) {
    if ((options.command === undefined) === (options.url === undefined)) throw new TypeError('an upstream has exactly one of "command" or "url"');
    if (options.url !== undefined && !['http:', 'https:'].includes(new URL(options.url).protocol))
      throw new TypeError('an upstream url must be http: or https:');
    this.#options = options;
    this.#timeout = options.timeoutMs ?? 30_000;
    this.#maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  get state(): UpstreamState {
    return this.#state;
  }

  /** Every tool of the server (all pages). */
  async listTools(): Promise<Tool[]> {
    const client = await this.#connected();
    const { tools } = await this.#watch(client, client.listTools(undefined, { timeout: this.#timeout }));
    return tools;
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const client = await this.#connected();
    return this.#watch(client, client.callTool({ name, arguments: args }, { timeout: this.#timeout }));
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#set('idle', 'closed by the proxy');
    if (client === undefined) return;
    // Tell an HTTP server the session is over (best effort, bounded); then drop the connection.
    const transport = client.transport;
    if (transport instanceof StreamableHTTPClientTransport) await withTimeout(transport.terminateSession(), 2_000, 'DELETE').catch(() => undefined);
    await client.close();
  }

  #connected(): Promise<Client> {
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  /**
   * An HTTP connection has no process whose exit says it is gone: a request that failed for any
   * reason other than a JSON-RPC error answer or our own timeout (refused connection, HTTP error
   * such as an unknown session, malformed answer) drops it, and the next use connects again.
   */
  async #watch<T>(client: Client, request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      const answered = error instanceof ProtocolError || (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout);
      if (this.#options.url !== undefined && !answered) this.#drop(client, `request failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  /** Closes `client` (its pending requests fail at once); the next use connects again. */
  #drop(client: Client, reason: string): void {
    if (this.#client === client) {
      this.#client = undefined;
      this.#set('down', reason);
    }
    void client.close().catch(() => undefined);
  }

  async #connect(): Promise<Client> {
    const client = new Client({ name: 'mass-mcp-proxy', version: '0.1.0' });
    const { transport, name, detail } = this.#transport((reason) => this.#drop(client, reason));
    this.#set('connecting', name);
    client.onclose = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#set('down', 'the upstream server closed the connection');
    };
    client.onerror = (error) => this.#options.onState?.(this.#state, `upstream error: ${error.message}`);
    try {
      await withTimeout(client.connect(transport), this.#timeout, 'initialize');
    } catch (error) {
      this.#set('down', `cannot start the upstream server: ${error instanceof Error ? error.message : String(error)}`);
      await client.close().catch(() => undefined);
      throw error;
    }
    this.#client = client;
    this.#set('connected', detail());
    return client;
  }

  /** `oversize` is told when an HTTP answer breaks the size bound (stdio closes by itself). */
  #transport(oversize: (reason: string) => void): { transport: Transport; name: string; detail: () => string } {
    const options = this.#options;
    if (options.url !== undefined) {
      const url = new URL(options.url);
      // Never the query or user info: they may carry credentials.
      const name = `${url.origin}${url.pathname}`;
      const transport = new StreamableHTTPClientTransport(url, { fetch: boundedFetch(options.fetch ?? fetch, this.#maxBytes, oversize) });
      return { transport, name, detail: () => name };
    }
    const [command, ...args] = options.command;
    const transport = new StdioClientTransport({ command, args, cwd: options.cwd, stderr: 'inherit', maxBufferSize: this.#maxBytes });
    return { transport, name: command, detail: () => `pid ${transport.pid ?? '?'}` };
  }

  #set(state: UpstreamState, detail: string): void {
    this.#state = state;
    this.#options.onState?.(state, detail);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A fetch whose answers are bounded. ATTACKER-CONTROLLED: everything an HTTP upstream sends. A
 * JSON answer (or any other non-SSE body) may hold at most `maxBytes` in all (a larger declared
 * Content-Length is refused before reading); an SSE stream may run for as long as the server
 * keeps it open, but each event — the bytes between two blank lines — may hold at most `maxBytes`.
 * Past the bound the body errors and `onExceeded` is told (the SDK only reports a broken SSE stream
 * through onerror, so the caller closes the connection to fail the pending request at once).
 * Headers are bounded by node's HTTP parser.
 */
export function boundedFetch(inner: FetchLike, maxBytes: number, onExceeded: (reason: string) => void = () => undefined): FetchLike {
  return async (url, init) => {
    const response = await inner(url, init);
    if (response.body === null) return response;
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      const reason = `the upstream answered ${declared} bytes; at most ${maxBytes} are accepted`;
      onExceeded(reason);
      throw new Error(reason);
    }
    const sse = (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
    const body = response.body.pipeThrough(byteBound(maxBytes, sse, onExceeded));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Counts bytes (since the last SSE event boundary when `perEvent`) and errors past `maxBytes`. */
function byteBound(maxBytes: number, perEvent: boolean, onExceeded: (reason: string) => void): TransformStream<Uint8Array, Uint8Array> {
  let count = 0;
  let afterLineFeed = false;
  return new TransformStream({
    transform(chunk, controller) {
      if (!perEvent) {
        count += chunk.byteLength;
      } else {
        // An event ends at a blank line: LF LF or CRLF CRLF (a CR before an LF is skipped). A stream
        // that uses bare CRs never resets the count, so it is bounded as a whole: fails closed.
        for (const byte of chunk) {
          if (byte === 0x0a) {
            if (afterLineFeed) count = 0;
            afterLineFeed = true;
          } else if (byte !== 0x0d) {
            afterLineFeed = false;
            count++;
          }
          if (count > maxBytes) break;
        }
      }
      if (count > maxBytes) {
        const reason = `the upstream sent more than ${maxBytes} bytes in one message`;
        controller.error(new Error(reason));
        onExceeded(reason);
        return;
      }
      controller.enqueue(chunk);
    },
  });
}
