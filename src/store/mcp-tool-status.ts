import type { McpToolRecord } from './store.js';

/**
 * Whether an MCP tool may be used: `approved` when the definition last seen upstream is the approved
 * one; `changed` when it differs from an approved one (rug pull); `poisoned` when it was never
 * approved because the tool-poisoning detector found hidden instructions; `unapproved` otherwise.
 */
export type PinStatus = 'approved' | 'changed' | 'poisoned' | 'unapproved';

/** Reason prefix of a tool blocked by the tool-poisoning detector. */
export const POISONED_REASON_PREFIX = 'tool-poisoning detector:';

export function statusOf(record: McpToolRecord): PinStatus {
  if (record.approvedHash === record.seenHash) return 'approved';
  if (record.approvedHash === null) return record.reason?.startsWith(POISONED_REASON_PREFIX) === true ? 'poisoned' : 'unapproved';
  return 'changed';
}
