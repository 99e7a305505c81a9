import type { Readable, Writable } from 'node:stream';
import { ProtocolError, Server } from '@modelcontextprotocol/server';
import type { CallToolResult, ListToolsResult } from '@modelcontextprotocol/server';
import { serveStdio, StdioServerTransport, type StdioServerHandle } from '@modelcontextprotocol/server/stdio';
import { assertJson } from '../core/json.js';
import { systemClock } from '../core/clock.js';
import { resourceCovers } from '../capability/attenuate.js';
import type { Capability } from '../capability/capability.js';
import { ToolPoisoningDetector } from '../detect/tool-poisoning.js';
import type { Label } from '../flow/label.js';
import { DEFAULT_POISONING_THRESHOLD, ToolPins } from './pins.js';
import type { Mesh } from '../mesh/mesh.js';
import { MCP_NOT_INITIALIZED, MCP_POLICY_REFUSED, MCP_UPSTREAM_UNAVAILABLE, proxyRefusal, refusalError } from './refusal.js';
import { taskRequestOf } from './task-meta.js';
import type { Upstream } from './upstream.js';
import { canEverCall } from './visibility.js';

export interface McpProxyOptions {
  readonly mesh: Mesh;
  /** The agent every call is made as (its key in the mesh's registry signs the envelopes). */
  readonly agent: string;
  /** The name of the upstream in `mcpServers`: its tools are `Tool::"<server>/<tool>"`. */
  readonly server: string;
  readonly upstream: Upstream;
  /** The delegation chain (compact serialization) every call of this session relies on, if any. */
  readonly capability?: string;
  /** That chain's effective capabilities, as verified: tools/list shows only the tools they cover. */
  readonly capabilities?: readonly Capability[];
  /** Diagnostics (never the MCP channel). */
  readonly log?: (line: string) => void;
}

/**
 * The MCP server side of the proxy. It advertises tools only (resources and prompts are refused
 * with "method not found" until they are mediated too), lists the upstream's tools the agent's
 * policy can permit, and sends every call through the mediator. Every handler answers a result or
 * one of the documented JSON-RPC errors (refusal.ts), never an internal error.
 */
export class McpProxy {
  readonly #o: McpProxyOptions;
  readonly #pins: ToolPins;
  /** Whether this proxy has listed (and pinned) the upstream's tools yet. */
  #listed = false;

  constructor(options: McpProxyOptions) {
    this.#o = options;
    const mesh = options.mesh;
    // The targeted rules only: a general injection model reads every imperative tool description
    // ("Never answers", "Use this to…") as an instruction, so it is not run on definitions.
    const poisoning = mesh.config.data.detectors.toolPoisoning;
    const detector = poisoning.enabled ? { detector: new ToolPoisoningDetector(), threshold: poisoning.threshold ?? DEFAULT_POISONING_THRESHOLD } : {};
    this.#pins = new ToolPins({ table: mesh.store.mcpTools, log: mesh.log, clock: systemClock, ...detector });
  }

  /** The agent's task context label now (shared with its other sessions, servers and processes). */
  async label(): Promise<Label> {
    return (await this.#o.mesh.contexts.current(this.#o.agent)).label;
  }

  /**
   * A server instance for one client connection. Nothing is served before the client completed
   * `initialize` (a request before it is refused with JSON-RPC -32600). A request whose `_meta`
   * carries `dev.mass/task` starts a new task for the agent first (see taskRequestOf).
   */
  createServer(): Server {
    const server = new Server({ name: `mass-mcp-proxy/${this.#o.server}`, version: '0.1.0' }, { capabilities: { tools: {} } });
    const ready = async (meta: unknown) => {
      if (server.getClientVersion() === undefined) throw proxyRefusal(MCP_NOT_INITIALIZED, 'REQUEST_MALFORMED', 'the client has not completed initialize');
      await this.#maybeStartTask(meta);
    };
    server.setRequestHandler('tools/list', async (request) => {
      await ready(request.params?._meta);
      return this.listTools();
    });
    server.setRequestHandler('tools/call', async (request) => {
      await ready(request.params._meta);
      return this.callTool(request.params.name, request.params.arguments);
    });
    return server;
  }

  /** Starts a task for the agent when the host put a request in `_meta` (task-meta.ts). */
  async #maybeStartTask(meta: unknown): Promise<void> {
    const request = taskRequestOf(meta);
    if (typeof request !== 'string') {
      if (request.error !== undefined) throw proxyRefusal(-32602, 'REQUEST_MALFORMED', request.error);
      return;
    }
    try {
      await this.#o.mesh.contexts.startTask(this.#o.agent, request, `mcp:${this.#o.server}`);
    } catch (error) {
      this.#log(`cannot start a task: ${describe(error)}`);
      throw proxyRefusal(MCP_POLICY_REFUSED, 'STAGE_FAILED', 'cannot start the task now');
    }
  }

  /** Serves one client over stdio until it closes its end. */
  serveStdio(stdin: Readable, stdout: Writable, maxMessageBytes = 4 * 1024 * 1024): { handle: StdioServerHandle; closed: Promise<void> } {
    const closed = new Promise<void>((resolve) => {
      stdin.once('end', resolve);
      stdin.once('close', resolve);
    });
    const transport = new StdioServerTransport(stdin, stdout, { maxBufferSize: maxMessageBytes });
    const handle = serveStdio(() => this.createServer(), { transport, onerror: (error) => this.#log(`client connection: ${error.message}`) });
    return { handle, closed };
  }

  async listTools(): Promise<ListToolsResult> {
    const { server, agent, mesh } = this.#o;
    let tools;
    try {
      tools = await this.#o.upstream.listTools();
    } catch (error) {
      const reason = `upstream "${server}" is ${this.#o.upstream.state}: ${describe(error)}`;
      this.#log(reason);
      throw proxyRefusal(MCP_UPSTREAM_UNAVAILABLE, 'EXECUTION_FAILED', reason);
    }
    // Pinned on first sight; a changed or poisoned definition is blocked and never shown to the model.
    const statuses = await this.#pins.observe(server, tools);
    this.#listed = true;
    const covered = this.#o.capabilities;
    const visible = tools.filter((tool) => {
      const resource = `${server}/${tool.name}`;
      if (statuses.get(tool.name) !== 'approved' || !canEverCall(mesh.policy, agent, resource)) return false;
      // Under a delegation chain, only what it covers (argument constraints are checked per call).
      return covered === undefined || covered.some((c) => c.action === 'call' && resourceCovers(c.resource, resource));
    });
    for (const tool of tools) {
      const status = statuses.get(tool.name);
      if (status !== 'approved') this.#log(`tool ${server}/${tool.name} is blocked (${status ?? 'unknown'}) until: mass mcp approve ${server} ${tool.name}`);
    }
    return { tools: visible };
  }

  async callTool(name: string, args: Record<string, unknown> | undefined): Promise<CallToolResult> {
    const { server, agent, mesh, upstream } = this.#o;
    const body = args ?? {};
    try {
      // The arguments come from the client (attacker-controlled): plain JSON only; the SDK bounded the message size.
      assertJson(body);
    } catch (error) {
      throw proxyRefusal(-32602, 'ARGUMENT_INVALID', `arguments are not plain JSON: ${describe(error)}`);
    }
    // A client may call without listing: list (and pin) first, so that the call is checked against a pinned definition.
    if (!this.#listed) await this.listTools().catch(() => undefined);
    let verdict;
    try {
      // The agent's whole task so far, as every session of it on every server has recorded it.
      const context = await mesh.contexts.current(agent);
      verdict = await mesh.mediate(
        agent,
        'tool',
        `${server}/${name}`,
        body,
        {
          run: async () => await upstream.callTool(name, body),
        },
        { label: context.label, context: context.segments, ...(this.#o.capability === undefined ? {} : { capability: this.#o.capability }) },
      );
    } catch (error) {
      // Signing failed (no key for the agent…): nothing was forwarded.
      this.#log(`cannot mediate ${server}/${name}: ${describe(error)}`);
      throw proxyRefusal(MCP_POLICY_REFUSED, 'STAGE_FAILED', `cannot mediate the call: ${describe(error)}`);
    }
    if (!verdict.ok) {
      this.#log(
        `refused ${server}/${name} at ${verdict.stage} [${verdict.code}]: ${verdict.reason}${verdict.stage === 'execute' ? ` (upstream ${upstream.state})` : ''}`,
      );
      throw refusalError(verdict);
    }
    // The result carries the server's output label, raised by what the detectors found in it. It
    // joins the agent's task before the client sees it: if it cannot be recorded, it is not returned.
    try {
      await mesh.contexts.readResult(agent, verdict.result, verdict.label, `tool:${server}/${name}`, body, verdict.inputs);
    } catch (error) {
      this.#log(`cannot record the result of ${server}/${name}: ${describe(error)}`);
      throw proxyRefusal(MCP_POLICY_REFUSED, 'STAGE_FAILED', 'the result cannot be recorded in the agent context; it is withheld');
    }
    return verdict.result as unknown as CallToolResult;
  }

  #log(line: string): void {
    this.#o.log?.(`mass mcp-proxy: ${line}\n`);
  }
}

function describe(error: unknown): string {
  return error instanceof ProtocolError ? `${error.message} (JSON-RPC ${error.code})` : error instanceof Error ? error.message : String(error);
}
