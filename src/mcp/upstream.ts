import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { CallToolResult, Tool } from '@modelcontextprotocol/client';

export type UpstreamState = 'idle' | 'connecting' | 'connected' | 'down';

export interface UpstreamOptions {
  /** The command and its arguments (`mcpServers.<name>.command`, or the one after `--`). */
  readonly command: readonly [string, ...string[]];
  /** Working directory of the server (the directory of mass.yaml). */
  readonly cwd: string;
  /** Longest wait for a connection, a listing or a call (default 30 s). */
  readonly timeoutMs?: number;
  /** Largest message accepted from the upstream, in bytes (default 4 MiB): a bigger one closes the connection. */
  readonly maxMessageBytes?: number;
  /** Told of every change of state, with the reason. */
  readonly onState?: (state: UpstreamState, detail: string) => void;
}

/**
 * The MCP client side of the proxy: one stdio server process, started on first use and started
 * again on the next use after it died. Everything it answers is untrusted input; the SDK client
 * checks answers against the MCP schemas, and anything it rejects is a failure of the call.
 */
export class Upstream {
  readonly #options: UpstreamOptions;
  readonly #timeout: number;
  #client: Client | undefined;
  #connecting: Promise<Client> | undefined;
  #state: UpstreamState = 'idle';

  constructor(options: UpstreamOptions) {
    this.#options = options;
    this.#timeout = options.timeoutMs ?? 30_000;
  }

  get state(): UpstreamState {
    return this.#state;
  }

  /** Every tool of the server (all pages). */
  async listTools(): Promise<Tool[]> {
    const client = await this.#connected();
    const { tools } = await client.listTools(undefined, { timeout: this.#timeout });
    return tools;
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
    const client = await this.#connected();
    return client.callTool({ name, arguments: args }, { timeout: this.#timeout });
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    this.#set('idle', 'closed by the proxy');
    await client?.close();
  }

  #connected(): Promise<Client> {
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #connect(): Promise<Client> {
    const [command, ...args] = this.#options.command;
    this.#set('connecting', command);
    const transport = new StdioClientTransport({
      command,
      args,
      cwd: this.#options.cwd,
      stderr: 'inherit',
      maxBufferSize: this.#options.maxMessageBytes ?? 4 * 1024 * 1024,
    });
    const client = new Client({ name: 'mass-mcp-proxy', version: '0.1.0' });
    client.onclose = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#set('down', 'the upstream server closed the connection');
    };
    client.onerror = (error) => this.#options.onState?.(this.#state, `upstream error: ${error.message}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(transport),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer to initialize within ${this.#timeout} ms`)), this.#timeout);
        }),
      ]);
    } catch (error) {
      this.#set('down', `cannot start the upstream server: ${error instanceof Error ? error.message : String(error)}`);
      await client.close().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    this.#client = client;
    this.#set('connected', `pid ${transport.pid ?? '?'}`);
    return client;
  }

  #set(state: UpstreamState, detail: string): void {
    this.#state = state;
    this.#options.onState?.(state, detail);
  }
}
