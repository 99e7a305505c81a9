import type { AdminOperation } from '../audit/admin-operation.js';
import { adminEntry } from '../audit/entry.js';
import type { AuditLog } from '../audit/log.js';
import type { Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import { hashJson } from '../core/hash.js';
import { canonicalJson, type JsonValue } from '../core/json.js';
import type { ToolPoisoningDetector } from '../detect/tool-poisoning.js';
import type { McpToolRecord, McpToolTable } from '../store/store.js';
import { POISONED_REASON_PREFIX, statusOf, type PinStatus } from '../store/mcp-tool-status.js';

/** Tool-poisoning findings scoring at least this block a tool (mass.yaml: detectors.toolPoisoning.threshold). */
export const DEFAULT_POISONING_THRESHOLD = 0.5;

/** The part of an MCP tool a model reads and a call depends on: what is pinned. */
export interface ToolDefinition {
  readonly name: string;
  readonly title?: string | undefined;
  readonly description?: string | undefined;
  readonly inputSchema?: unknown;
  readonly outputSchema?: unknown;
  readonly annotations?: unknown;
}

/**
 * Tool pinning against rug pulls. The first time a server's tool is seen, its definition (name,
 * title, description, input and output schemas, annotations) is hashed and pinned — unless the
 * tool-poisoning detector finds hidden instructions in it, then it stays unapproved. Whenever the
 * definition seen upstream differs from the approved one, the tool is blocked until a person runs
 * `mass mcp approve SERVER TOOL`; if the server reverts to the approved definition the tool is usable
 * again. Every pin, block and approval is an admin entry in the audit log.
 */
export class ToolPins {
  readonly #table: McpToolTable;
  readonly #log: AuditLog;
  readonly #clock: Clock;
  readonly #detector: ToolPoisoningDetector | undefined;
  readonly #threshold: number;

  constructor(options: { table: McpToolTable; log: AuditLog; clock: Clock; detector?: ToolPoisoningDetector; threshold?: number }) {
    this.#table = options.table;
    this.#log = options.log;
    this.#clock = options.clock;
    this.#detector = options.detector;
    this.#threshold = options.threshold ?? DEFAULT_POISONING_THRESHOLD;
  }

  /** Records the definitions a server lists now; returns each tool's status. */
  async observe(server: string, tools: readonly ToolDefinition[]): Promise<Map<string, PinStatus>> {
    const statuses = new Map<string, PinStatus>();
    for (const tool of tools) statuses.set(tool.name, await this.#observeOne(server, tool));
    return statuses;
  }

  async #observeOne(server: string, tool: ToolDefinition): Promise<PinStatus> {
    const seen = canonicalDefinition(tool);
    const seenHash = hashJson(JSON.parse(seen) as JsonValue);
    const previous = await this.#table.get(server, tool.name);
    const now = this.#clock.now();
    if (previous !== undefined && previous.seenHash === seenHash) return statusOf(previous);
    const poison = this.#poisoning(tool);
    let record: McpToolRecord;
    let operation: AdminOperation;
    if (previous === undefined && poison === undefined) {
      record = { server, tool: tool.name, seenHash, seen, approvedHash: seenHash, reason: null, status: 'approved', updatedAt: now };
      operation = 'mcp.pin';
    } else if (previous !== undefined && previous.approvedHash === seenHash) {
      record = { ...previous, seenHash, seen, reason: null, status: 'approved', updatedAt: now };
      operation = 'mcp.restore';
    } else {
      const why = poison ?? 'its definition changed since it was approved';
      const approvedHash = previous?.approvedHash ?? null;
      const status: PinStatus = approvedHash !== null ? 'changed' : poison !== undefined ? 'poisoned' : 'unapproved';
      record = { server, tool: tool.name, seenHash, seen, approvedHash, reason: why, status, updatedAt: now };
      operation = 'mcp.block';
    }
    await this.#table.put(record);
    await this.#log.append(adminEntry(operation, `${server}/${tool.name}`, 'mcp-gateway', record.reason ?? `definition ${seenHash}`, now));
    return statusOf(record);
  }

  #poisoning(tool: ToolDefinition): string | undefined {
    if (this.#detector === undefined) return undefined;
    const findings = this.#detector.scanTool({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.title === undefined ? tool.description : `${tool.title}\n${tool.description}` }),
      ...(tool.inputSchema === undefined ? {} : { inputSchema: tool.inputSchema }),
    });
    const counted = findings.filter((f) => f.score >= this.#threshold);
    if (counted.length === 0) return undefined;
    const categories = [...new Set(counted.map((f) => `${f.category} in ${f.field}`))].slice(0, 8);
    return `${POISONED_REASON_PREFIX} ${categories.join(', ')}`;
  }

  /** Approves the definition last seen upstream (`mass mcp approve`). */
  async approve(server: string, tool: string, approver: string): Promise<McpToolRecord> {
    const record = await this.#table.get(server, tool);
    if (record === undefined)
      throw new MassError('TOOL_UNKNOWN', `no tool "${tool}" has been seen on MCP server "${server}" (list its tools through the gateway first)`);
    const approved: McpToolRecord = { ...record, approvedHash: record.seenHash, reason: null, status: 'approved', updatedAt: this.#clock.now() };
    await this.#table.put(approved);
    await this.#log.append(adminEntry('mcp.approve', `${server}/${tool}`, approver, `definition ${record.seenHash}`, approved.updatedAt));
    return approved;
  }
}

/** Canonical JSON of the pinned fields (absent fields stay absent). The definition is upstream input: bounded by the transport. */
function canonicalDefinition(tool: ToolDefinition): string {
  const picked: Record<string, unknown> = { name: tool.name };
  for (const key of ['title', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const) {
    if (tool[key] !== undefined) picked[key] = tool[key];
  }
  // Drop undefined members and anything JSON cannot carry before canonicalizing.
  return canonicalJson(JSON.parse(JSON.stringify(picked)) as JsonValue);
}
