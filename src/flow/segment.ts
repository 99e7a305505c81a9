import type { JsonValue } from '../core/json.js';
import type { Label } from './label.js';
import { indexText, type TextIndex } from './match.js';

/**
 * A piece of text an agent has in its context during a task, with the label it came with: the
 * user's request (trusted), a tool's output, a message from another agent, a memory entry.
 * `generation` counts the agent-to-agent hops the text has already been copied across (used by the
 * replication detector to tell a worm from a single forward).
 */
export interface Segment {
  readonly text: string;
  readonly label: Label;
  readonly source: string;
  readonly generation: number;
  /** Normalized forms for argument matching, computed once. */
  readonly index: TextIndex;
  /**
   * For a result: the untrusted arguments of the call that produced it. A result may echo them
   * (a trusted system of record repeating the IBAN it was asked about), so a value found here and
   * in them is not trusted by this segment — no laundering an untrusted value through a trusted tool.
   */
  readonly echoes?: { readonly index: TextIndex; readonly label: Label };
}

/** Most segments one task context keeps, and most text per segment (UTF-16 units) indexed for matching. */
export const MAX_SEGMENTS = 512;
export const MAX_SEGMENT_TEXT = 256 * 1024;

export function segment(text: string, label: Label, source: string, generation = 0): Segment {
  return { text: bounded(text), label, source, generation, index: indexText(bounded(text)) };
}

/**
 * The segment of a result: `inputs` is the join of the labels of the call's arguments (`args`).
 * When they were untrusted, the arguments are kept as the segment's echoes (see Segment.echoes).
 */
export function resultSegment(result: JsonValue, label: Label, source: string, args: JsonValue, inputs: Label): Segment {
  const base = segment(textOf(result), label, source);
  if (inputs.integrity === 'trusted') return base;
  return {
    ...base,
    echoes: { index: indexText(bounded(textOf(args))), label: { integrity: 'untrusted', sources: inputs.sources, confidentiality: 'public' } },
  };
}

function bounded(text: string): string {
  return text.length > MAX_SEGMENT_TEXT ? text.slice(0, MAX_SEGMENT_TEXT) : text;
}

/** The strings of a JSON value, one per line: what a model reading it would see as text. */
export function textOf(value: JsonValue): string {
  if (typeof value === 'string') return value;
  const parts: string[] = [];
  collect(value, parts, 0);
  return parts.join('\n');
}

function collect(value: JsonValue, out: string[], depth: number): void {
  if (depth > 64) return;
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) collect(v, out, depth + 1);
  else if (value !== null)
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      collect(v, out, depth + 1);
    }
}

/**
 * The segments of one task, oldest first, bounded. When the bound is reached the oldest segments
 * are dropped: an argument that then matches nothing falls back to the task's whole label, which
 * is never lower, so forgetting fails closed.
 */
export class SegmentList {
  #items: Segment[];

  constructor(items: readonly Segment[] = []) {
    this.#items = items.slice(-MAX_SEGMENTS);
  }

  get items(): readonly Segment[] {
    return this.#items;
  }

  /** Replaces every segment's label (a declassification of the task). */
  relabel(change: (label: Label) => Label): void {
    this.#items = this.#items.map((s) => ({ ...s, label: change(s.label) }));
  }

  add(item: Segment): void {
    this.#items.push(item);
    if (this.#items.length > MAX_SEGMENTS) this.#items = this.#items.slice(-MAX_SEGMENTS);
  }
}
