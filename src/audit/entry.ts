import type { MassErrorCode } from '../core/errors.js';
import { canonicalBytes, type JsonValue } from '../core/json.js';
import type { AdminOperation } from './admin-operation.js';

/**
 * What one leaf of the audit log says. Entries are stored and hashed as their RFC 8785 canonical
 * JSON; bodies, arguments and results appear only as hashes (SHA-256, base64url), unless the
 * configuration asks for a tool's arguments to be kept (`args`).
 */
export type LogEntry = MediationLogEntry | ExternalLogEntry | AdminLogEntry;

export interface MediationLogEntry {
  readonly v: 1;
  /** intent: before the effect; outcome: after it; denial: the action did not run. */
  readonly kind: 'intent' | 'outcome' | 'denial';
  readonly action_id: string;
  readonly time: number;
  readonly actor: string | null;
  readonly action: string;
  readonly resource: string;
  readonly decision: { readonly effect: string; readonly policies: readonly string[]; readonly reason: string; readonly code?: MassErrorCode } | null;
  readonly approval: { readonly approved: boolean; readonly approver?: string } | null;
  readonly labels: JsonValue;
  readonly findings: JsonValue;
  readonly body_hash: string | null;
  readonly arg_hashes: Readonly<Record<string, string>> | null;
  readonly args?: JsonValue;
  readonly envelope_hash: string | null;
  readonly chain: readonly string[];
  readonly chain_hash: string;
  /** The messages that led to this action: [{agent, action}], oldest first. */
  readonly path: readonly { readonly agent: string; readonly action: string }[];
  readonly outcome: JsonValue;
}

/** An entry appended from outside the mediator (`mass log append`). */
export interface ExternalLogEntry {
  readonly v: 1;
  readonly kind: 'external';
  readonly time: number;
  readonly data: JsonValue;
}

/** A change to the system's trust state (revocations, quarantines…). */
export interface AdminLogEntry {
  readonly v: 1;
  readonly kind: 'admin';
  readonly time: number;
  readonly actor: string | null;
  readonly operation: AdminOperation;
  readonly subject: string;
  readonly reason: string | null;
}

export function externalEntry(data: JsonValue, time: number): ExternalLogEntry {
  return { v: 1, kind: 'external', time, data };
}

export function adminEntry(operation: AdminOperation, subject: string, actor: string | null, reason: string | null, time: number): AdminLogEntry {
  return { v: 1, kind: 'admin', time, actor, operation, subject, reason };
}

/** The bytes that are stored and hashed into the leaf. */
export function encodeEntry(entry: LogEntry): Uint8Array {
  return canonicalBytes(entry);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses stored entry bytes (for display); the bytes, not this parse, are what the tree commits to. */
export function decodeEntry(bytes: Uint8Array): LogEntry {
  return JSON.parse(decoder.decode(bytes)) as LogEntry;
}
