import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { MassError } from '../../core/errors.js';
import { assertJson, type JsonValue } from '../../core/json.js';
import type { MassConfig } from '../../config/load.js';
import { decodeEntry, externalEntry, type LogEntry } from '../../audit/entry.js';
import { AuditLog, logOrigin } from '../../audit/log.js';
import { parseVerifierKey, verifierKey } from '../../audit/note.js';
import { formatTrace, traceAction } from '../../audit/trace.js';
import { verifyLog } from '../../audit/verify-log.js';
import type { LogRow, Store } from '../../store/store.js';
import { loadCommandConfig, withStore } from '../context.js';
import { ExitStatus, type Io } from '../io.js';

/** Opens the configured store and its audit log, runs `work`, flushes and closes. */
async function withLog<T>(io: Io, configOption: string | undefined, work: (log: AuditLog, store: Store, config: MassConfig) => Promise<T>): Promise<T> {
  const config = loadCommandConfig(io, configOption);
  return withStore(config, async (store) => {
    const log = await AuditLog.open(store, { origin: logOrigin(config.data.trustDomain) });
    try {
      return await work(log, store, config);
    } finally {
      await log.flush();
    }
  });
}

/** Lines longer than this are refused (stdin is untrusted input). */
const MAX_LINE = 1024 * 1024;

/**
 * `mass log append`: each stdin line is a JSON object, appended as an external entry. All lines are
 * checked before anything is appended, so a bad line appends nothing (exit 2).
 */
export async function logAppendCommand(io: Io, configOption: string | undefined, input: Readable): Promise<void> {
  const objects: JsonValue[] = [];
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    if (line.length > MAX_LINE) return usage(io, `line ${lineNumber}: longer than ${MAX_LINE} characters`);
    let value: unknown;
    try {
      value = JSON.parse(line);
      assertJson(value);
    } catch {
      return usage(io, `line ${lineNumber}: not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return usage(io, `line ${lineNumber}: expected a JSON object`);
    objects.push(value);
  }
  await withLog(io, configOption, async (log) => {
    const now = Date.now();
    const receipts = await Promise.all(objects.map((data) => log.append(externalEntry(data, now))));
    for (const receipt of receipts) io.out(`${JSON.stringify({ index: receipt.index })}\n`);
  });
}

function usage(io: Io, message: string): never {
  io.err(`mass log append: ${message}; nothing was appended\n`);
  throw new ExitStatus(2);
}

export async function logCheckpointCommand(io: Io, configOption: string | undefined): Promise<void> {
  await withLog(io, configOption, async (log) => {
    if (log.size === 0) throw new MassError('LOG_INVALID', 'the log is empty: nothing to checkpoint yet');
    io.out((await log.checkpoint()).note);
  });
}

export async function logKeyCommand(io: Io, configOption: string | undefined): Promise<void> {
  await withLog(io, configOption, async (log) => {
    io.out(`${verifierKey(log.verifier.name, log.verifier.publicKey)}\n`);
  });
}

export async function logProofCommand(io: Io, configOption: string | undefined, index: number, size: number | undefined): Promise<void> {
  await withLog(io, configOption, async (log) => {
    io.out(`${JSON.stringify(await log.inclusionProof(index, size), null, 2)}\n`);
  });
}

export async function logConsistencyCommand(io: Io, configOption: string | undefined, from: number, to: number | undefined): Promise<void> {
  await withLog(io, configOption, async (log) => {
    io.out(`${JSON.stringify(await log.consistencyProof(from, to), null, 2)}\n`);
  });
}

/** `mass log verify [--key VKEY]`: with --key, checkpoints must be signed by that key, not merely by the one in the store. */
export async function logVerifyCommand(io: Io, configOption: string | undefined, vkey: string | undefined): Promise<void> {
  await withLog(io, configOption, async (log, store) => {
    const verifier = vkey === undefined ? log.verifier : parseVerifierKey(vkey);
    const result = await verifyLog(store, log.origin, verifier);
    const root = Buffer.from(result.root).toString('base64');
    const covered = result.checkpoints === 0 ? 'no signed checkpoint yet (run `mass log checkpoint`)' : `${result.checkpoints} signed checkpoint(s) match (latest covers ${result.checkpointSize})`;
    io.out(`ok: ${result.size} entries re-hashed, root ${root}; ${covered}\n`);
  });
}

export interface ShowFilter {
  readonly agent?: string;
  readonly decision?: string;
  /** ISO date or milliseconds since the epoch. */
  readonly since?: string;
  readonly json?: boolean;
}

function matches(entry: LogEntry, filter: ShowFilter, since: number | undefined): boolean {
  if (since !== undefined && entry.time < since) return false;
  if (filter.agent !== undefined && (entry.kind === 'external' || entry.actor !== filter.agent)) return false;
  if (filter.decision !== undefined) {
    if (entry.kind !== 'intent' && entry.kind !== 'denial' && entry.kind !== 'outcome') return false;
    const effect = entry.kind === 'denial' ? 'deny' : entry.decision?.effect;
    if (effect !== filter.decision) return false;
  }
  return true;
}

function parseSince(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new TypeError(`--since ${JSON.stringify(value)}: expected an ISO date or milliseconds since the epoch`);
  return ms;
}

export function describeEntry(index: number, entry: LogEntry): string {
  const time = new Date(entry.time).toISOString();
  switch (entry.kind) {
    case 'external':
      return `${index}\t${time}\texternal\t${JSON.stringify(entry.data).slice(0, 120)}`;
    case 'admin':
      return `${index}\t${time}\tadmin\t${entry.operation} ${entry.subject}${entry.reason === null ? '' : ` (${entry.reason})`}`;
    default: {
      const effect = entry.kind === 'denial' ? `DENY ${(entry.outcome as { code?: string } | null)?.code ?? ''}` : (entry.decision?.effect ?? '-');
      const policies = entry.decision !== null && entry.decision.policies.length > 0 ? ` [${entry.decision.policies.join(', ')}]` : '';
      return `${index}\t${time}\t${entry.kind}\t${entry.actor ?? '(unverified)'} ${entry.action} → ${entry.resource}\t${effect}${policies}`;
    }
  }
}

function print(io: Io, row: LogRow, json: boolean, entry: LogEntry = decodeEntry(row.entry)): void {
  io.out(json ? `${JSON.stringify({ index: row.index, entry })}\n` : `${describeEntry(row.index, entry)}\n`);
}

export async function logShowCommand(io: Io, configOption: string | undefined, filter: ShowFilter): Promise<void> {
  const since = parseSince(filter.since);
  await withLog(io, configOption, async (_log, store) => {
    const size = await store.log.size();
    for (const row of store.log.rows(0, size)) {
      const entry = decodeEntry(row.entry);
      if (matches(entry, filter, since)) print(io, row, filter.json === true, entry);
    }
  });
}

/** `mass log tail [-n N] [-f]`: the last entries, then (with -f) new ones as they are appended. */
export async function logTailCommand(io: Io, configOption: string | undefined, options: { lines: number; follow: boolean; json: boolean; signal?: AbortSignal }): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  await withStore(config, async (store) => {
    let next = Math.max(0, (await store.log.size()) - options.lines);
    for (;;) {
      const size = await store.log.size();
      for (const row of store.log.rows(next, size)) print(io, row, options.json);
      next = size;
      if (!options.follow || options.signal?.aborted === true) return;
      try {
        await sleep(250, undefined, options.signal === undefined ? {} : { signal: options.signal });
      } catch {
        return;
      }
    }
  });
}

/** `mass log trace <action-id>`: the tree of actions derived from one, with the path that led to it. */
export async function logTraceCommand(io: Io, configOption: string | undefined, actionId: string, json: boolean): Promise<void> {
  await withLog(io, configOption, async (log, store) => {
    const trace = traceAction(store, log.size, actionId);
    if (trace === undefined) throw new MassError('LOG_INVALID', `no mediated action with id ${actionId} in the log`);
    io.out(json ? `${JSON.stringify(trace, null, 2)}\n` : formatTrace(trace));
  });
}
