import { isName } from '../core/ids.js';

/**
 * One step of a provenance path: the agent that sent a message and the id of the mediated action
 * that carried it. A derived action carries the path of the message that led to it, so the log can
 * show who delegated what to whom.
 */
export interface Hop {
  readonly agent: string;
  readonly action: string;
}

/** Longest provenance path an action may carry. */
export const MAX_PATH_LENGTH = 32;

export function isPath(value: unknown): value is readonly Hop[] {
  return (
    Array.isArray(value) &&
    value.length <= MAX_PATH_LENGTH &&
    value.every(
      (hop) =>
        typeof hop === 'object' &&
        hop !== null &&
        Object.keys(hop).length === 2 &&
        isName((hop as Hop).agent) &&
        typeof (hop as Hop).action === 'string' &&
        /^[A-Za-z0-9_-]{1,64}$/.test((hop as Hop).action),
    )
  );
}
