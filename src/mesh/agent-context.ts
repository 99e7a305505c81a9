import { adminEntry } from '../audit/entry.js';
import type { AuditLog } from '../audit/log.js';
import type { Clock } from '../core/clock.js';
import { sha256 } from '../core/hash.js';
import { canonicalJson, type JsonValue } from '../core/json.js';
import { declassify, type Declassification } from '../flow/declassify.js';
import { isLabel, joinLabels, TRUSTED, untrusted, type Label } from '../flow/label.js';
import { indexText } from '../flow/match.js';
import { MAX_SEGMENT_TEXT, segment, textOf, type Segment } from '../flow/segment.js';
import type { AgentContextBounds, AgentContextRow, AgentContextSnapshot, AgentContextTable } from '../store/store.js';

/** Bounds of one agent's task context and of the in-memory indexes of all agents. */
export interface AgentContextLimits {
  /** Most segments kept per agent (default 512). */
  readonly maxSegments?: number;
  /** Most characters kept (and indexed) per agent, over all its segments (default 2 Mi). */
  readonly maxChars?: number;
  /** Most characters indexed in memory over all agents (default 16 Mi); least recently used agents are dropped from memory first. */
  readonly cacheChars?: number;
}

/** An agent's context as the mediator uses it: the task's label and what the agent read, labelled. */
export interface AgentTaskContext {
  readonly label: Label;
  readonly segments: readonly Segment[];
  /** Which state of the store this is (the task's number and the last row seen), for `declassify`. */
  readonly version: { readonly task: number; readonly seq: number };
}

interface Cached {
  task: number;
  /** The highest seq applied. */
  last: number;
  label: Label;
  /** The kept rows, oldest first, with their seq and size (to drop the reads the store forgot). */
  items: Item[];
  chars: number;
}

interface Item {
  readonly segment: Segment;
  readonly seq: number;
  readonly chars: number;
  /** False for the task's request, which is never forgotten. */
  readonly read: boolean;
}

export const DEFAULT_CONTEXT_SEGMENTS = 512;
export const DEFAULT_CONTEXT_CHARS = 2 * 1024 * 1024;
export const DEFAULT_CONTEXT_CACHE_CHARS = 16 * 1024 * 1024;

/**
 * The task context of each agent — the label of everything it read and the labelled text itself
 * (argument provenance matches against it) — owned by the agent, not by a session or a process.
 * Every session of the agent, on any MCP server, in any process sharing the store, reads and
 * extends the same context, until the agent's host starts a new task with a trusted request.
 *
 * - Reads are appended to the store (never read-modify-write), so concurrent sessions never lose one.
 * - The label only goes up: it is the join of the floor and every row of the task.
 * - Bounds: past `maxSegments` or `maxChars` the store folds the oldest reads into the floor label;
 *   a value that then matches no kept segment gets the task's whole label (fails closed).
 * - In memory: the indexed segments of recently used agents, at most `cacheChars` characters in
 *   all; an agent dropped from memory is read back from the store on next use.
 */
export class AgentContexts {
  readonly #table: AgentContextTable;
  readonly #log: AuditLog;
  readonly #clock: Clock;
  readonly #bounds: AgentContextBounds;
  readonly #cacheChars: number;
  /** Insertion order is recency (re-inserted on use): the first key is the least recently used. */
  readonly #cache = new Map<string, Cached>();
  #cachedChars = 0;

  constructor(table: AgentContextTable, log: AuditLog, clock: Clock, limits: AgentContextLimits = {}) {
    const maxRows = limits.maxSegments ?? DEFAULT_CONTEXT_SEGMENTS;
    const maxChars = limits.maxChars ?? DEFAULT_CONTEXT_CHARS;
    const cacheChars = limits.cacheChars ?? DEFAULT_CONTEXT_CACHE_CHARS;
    for (const [name, value] of Object.entries({ maxSegments: maxRows, maxChars, cacheChars })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`agent context limit ${name} must be a positive integer`);
    }
    if (cacheChars < maxChars) throw new TypeError('agent context limit cacheChars must be at least maxChars (one agent must fit in memory)');
    this.#table = table;
    this.#log = log;
    this.#clock = clock;
    this.#bounds = { maxRows, maxChars, join: joinCanonical };
    this.#cacheChars = cacheChars;
  }

  /** Characters of indexed text held in memory now, over all agents. */
  get cachedChars(): number {
    return this.#cachedChars;
  }

  /** Agents whose context is held in memory now. */
  get cachedAgents(): number {
    return this.#cache.size;
  }

  /**
   * Starts a new task for `agent` with the user's trusted request: what the agent read before no
   * longer counts. Only the agent's host may call this (the process holding its key, certificate or
   * capability chain); recorded in the audit log with the SHA-256 of the request, never its text.
   */
  async startTask(agent: string, request: string, via: string): Promise<string> {
    const text = bounded(request);
    const hash = Buffer.from(sha256(text)).toString('base64url');
    const at = this.#clock.now();
    // Recorded first: no context is ever reset without a record (if the store then fails, the log
    // shows a start that changed nothing, and the agent stays as tainted as it was).
    await this.#log.append(adminEntry('task.start', agent, agent, `request sha256:${hash} via ${via}`, at));
    await this.#table.startTask(agent, { text, label: canonicalJson(TRUSTED), source: 'user', generation: 0, echoes: null, at });
    this.#drop(agent);
    return hash;
  }

  /**
   * Applies a declassification the mediator permitted for `agent` to its whole task — what it read
   * and the floor — provided nothing changed since `seen` (the context the decision was made on).
   * False when it did: the agent must ask again, so nothing it read after the decision is lowered.
   */
  async declassify(agent: string, lowered: Declassification, seen: AgentTaskContext['version']): Promise<boolean> {
    const change = (text: string) => canonicalJson(declassify(parseLabel(text, 'stored'), lowered));
    const done = await this.#table.relabel(agent, seen.task, seen.seq, change);
    if (done) this.#drop(agent);
    return done;
  }

  /** Appends a result `agent` received (a tool's output) to its task; see resultSegment for `args` and `inputs`. */
  async readResult(agent: string, result: JsonValue, label: Label, source: string, args: JsonValue, inputs: Label): Promise<void> {
    const echoes = inputs.integrity === 'trusted' ? null : { text: bounded(textOf(args)), label: canonicalJson(echoLabel(inputs)) };
    await this.#append(agent, bounded(textOf(result)), label, source, 0, echoes);
  }

  /** Appends text `agent` received (a delivered message, with its sender's label) to its task. */
  async readText(agent: string, text: string, label: Label, source: string, generation = 0): Promise<void> {
    await this.#append(agent, bounded(text), label, source, generation, null);
  }

  async #append(agent: string, text: string, label: Label, source: string, generation: number, echoes: AgentContextRow['echoes']): Promise<void> {
    await this.#table.append(agent, { text, label: canonicalJson(label), source, generation, echoes, at: this.#clock.now() }, this.#bounds);
  }

  /** The agent's current task context, brought up to date with the store. */
  async current(agent: string): Promise<AgentTaskContext> {
    let base = this.#cache.get(agent);
    for (;;) {
      const task = base?.task ?? -1;
      const after = base?.last ?? 0;
      const snapshot = await this.#table.read(agent, task, after);
      // Complete: every kept row of the task; otherwise only the rows after `after`.
      const complete = snapshot.task !== task || after === 0;
      let entry = this.#cache.get(agent); // another call may have changed it meanwhile
      if (entry !== undefined && entry.task > snapshot.task) return this.#use(agent, entry); // ours is older
      if (entry === undefined || entry.task < snapshot.task) {
        // Rows after `after` are only an increment of `base`: without it, read the whole task again.
        if (!complete) {
          base = undefined;
          continue;
        }
        if (entry !== undefined) this.#drop(agent);
        entry = { task: snapshot.task, last: 0, label: TRUSTED, items: [], chars: 0 };
        this.#cache.set(agent, entry);
      } else if (!complete && entry !== base) {
        base = undefined; // the entry was rebuilt meanwhile: it may lack rows before `after`
        continue;
      }
      this.#apply(entry, snapshot);
      return this.#use(agent, entry);
    }
  }

  /** Brings a cached task up to date: forgotten reads leave (their label stays, as the floor), new ones join. */
  #apply(entry: Cached, snapshot: AgentContextSnapshot): void {
    if (snapshot.floor !== null) entry.label = joinLabels(entry.label, parseLabel(snapshot.floor, 'stored:floor'));
    const first = snapshot.first ?? Number.POSITIVE_INFINITY;
    if (entry.items.some((i) => i.read && i.seq < first)) {
      const kept = entry.items.filter((i) => !i.read || i.seq >= first);
      const chars = kept.reduce((sum, i) => sum + i.chars, 0);
      this.#cachedChars -= entry.chars - chars;
      entry.items = kept;
      entry.chars = chars;
    }
    for (const row of snapshot.rows) {
      if (row.seq <= entry.last) continue;
      const segment = toSegment(row);
      const chars = row.text.length + (row.echoes?.text.length ?? 0);
      entry.label = joinLabels(entry.label, segment.label);
      if (segment.echoes !== undefined) entry.label = joinLabels(entry.label, segment.echoes.label);
      entry.last = row.seq;
      const read = row.kind === 'read';
      if (read && row.seq < first) continue; // forgotten by the store since: its label is in the floor
      entry.items.push({ segment, seq: row.seq, chars, read });
      entry.chars += chars;
      this.#cachedChars += chars;
    }
  }

  /** Marks the agent most recently used, keeps memory within bounds, and returns its context. */
  #use(agent: string, entry: Cached): AgentTaskContext {
    this.#cache.delete(agent);
    this.#cache.set(agent, entry);
    this.#evict(agent);
    return { label: entry.label, segments: entry.items.map((i) => i.segment), version: { task: entry.task, seq: entry.last } };
  }

  /** Drops least recently used agents from memory (never the one in use) until within `cacheChars`. */
  #evict(keep: string): void {
    for (const agent of this.#cache.keys()) {
      if (this.#cachedChars <= this.#cacheChars) return;
      if (agent !== keep) this.#drop(agent);
    }
  }

  #drop(agent: string): void {
    const entry = this.#cache.get(agent);
    if (entry === undefined) return;
    this.#cachedChars -= entry.chars;
    this.#cache.delete(agent);
  }
}

/** As resultSegment labels a result's echoes: untrusted, from the arguments' sources. */
function echoLabel(inputs: Label): Label {
  return { integrity: 'untrusted', sources: inputs.sources, confidentiality: 'public' };
}

function bounded(text: string): string {
  return text.length > MAX_SEGMENT_TEXT ? text.slice(0, MAX_SEGMENT_TEXT) : text;
}

function toSegment(row: AgentContextRow): Segment {
  const label = parseLabel(row.label, row.source);
  const base = segment(row.text, label, row.source, row.generation);
  if (row.echoes === null) return base;
  return { ...base, echoes: { index: indexText(row.echoes.text), label: parseLabel(row.echoes.label, row.source) } };
}

/**
 * Labels come back from the store as JSON; a delivered message's label was declared by its sender.
 * Anything that is not a well-formed label reads as untrusted (fails closed).
 */
function parseLabel(text: string, source: string): Label {
  try {
    const value: unknown = JSON.parse(text);
    if (isLabel(value)) return value;
  } catch {
    // fall through
  }
  return untrusted(`malformed-label:${source.slice(0, 128)}`);
}

function joinCanonical(labels: readonly string[]): string {
  return canonicalJson(labels.reduce<Label>((acc, text) => joinLabels(acc, parseLabel(text, 'stored')), TRUSTED));
}
