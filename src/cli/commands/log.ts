import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { MassError } from '../../core/errors.js';
import { assertJson, type JsonValue } from '../../core/json.js';
import type { MassConfig } from '../../config/load.js';
import { decodeEntry, externalEntry, type LogEntry } from '../../audit/entry.js';
import { formatKeptCheckpoint, MAX_KEPT_CHECKPOINT_BYTES, parseKeptCheckpoint, type KeptCheckpoint } from '../../audit/kept-checkpoint.js';
import { logOrigin, type AuditLog } from '../../audit/log.js';
import { LogKey } from '../../audit/log-key.js';
import { logKeyFileOf, logVerifierOf, openAuditLog } from '../../audit/open-log.js';
import { parseVerifierKey, verifierKey, type NoteVerifier } from '../../audit/note.js';
import { formatTrace, traceAction } from '../../audit/trace.js';
import { verifyLog } from '../../audit/verify-log.js';
import { openStore } from '../../store/open.js';
import type { LogRow, Store } from '../../store/store.js';
import { loadCommandConfig } from '../context.js';
import { ExitStatus, type Io } from '../io.js';

/**
 * Opens the configured store (which must exist, unless `create`) and its audit log, runs `work`,
 * then closes the log (signing a checkpoint over anything appended) and the store.
 */
async function withLog<T>(
  io: Io,
  configOption: string | undefined,
  work: (log: AuditLog, store: Store, config: MassConfig) => Promise<T>,
  create = false,
): Promise<T> {
  const config = loadCommandConfig(io, configOption);
  return withExistingStore(
    config,
    async (store) => {
      const log = await openAuditLog(config, store);
      try {
        return await work(log, store, config);
      } finally {
        await log.close();
      }
    },
    create,
  );
}

/** Opens the configured store for a command that only reads: a missing store is an error (STORE_NOT_FOUND), never created. */
async function withExistingStore<T>(config: MassConfig, work: (store: Store) => Promise<T>, create = false): Promise<T> {
  const store = await openStore(config.data.store, config.dir, { mustExist: !create });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
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
  await withLog(
    io,
    configOption,
    async (log) => {
      const now = Date.now();
      const receipts = await Promise.all(objects.map((data) => log.append(externalEntry(data, now))));
      for (const receipt of receipts) io.out(`${JSON.stringify({ index: receipt.index })}\n`);
    },
    true,
  );
}

function usage(io: Io, message: string): never {
  io.err(`mass log append: ${message}; nothing was appended\n`);
  throw new ExitStatus(2);
}

/** `mass log checkpoint [--out FILE]`: prints the latest signed checkpoint; with --out, also keeps it (with its leaf hashes) in FILE. */
export async function logCheckpointCommand(io: Io, configOption: string | undefined, out?: string): Promise<void> {
  await withLog(io, configOption, async (log) => {
    const checkpoint = await log.checkpoint();
    if (out !== undefined) {
      const path = resolve(io.cwd, out);
      writeFileSync(path, formatKeptCheckpoint(checkpoint.note, log.leafHashes(checkpoint.size)), { mode: 0o644 });
      io.err(`kept the checkpoint of size ${checkpoint.size} in ${path}; check the log against it with \`mass log verify --checkpoint ${out}\`\n`);
    }
    io.out(checkpoint.note);
  });
}

/**
 * `mass log key [--new]`: prints the verifier key of the log's checkpoints (read from the key
 * file). With --new, creates the key file first (refused if one exists): the way to give a log
 * that lost its key (or an older store that kept it in the database) a new one. Its first
 * checkpoint vouches for the log as it is at that moment.
 */
export async function logKeyCommand(io: Io, configOption: string | undefined, options: { new?: boolean } = {}): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const origin = logOrigin(config.data.trustDomain);
  if (options.new === true) {
    const file = logKeyFileOf(config);
    if (file === undefined) throw new MassError('LOG_KEY_INVALID', 'an in-memory store has no lasting log key; set auditLog.keyFile in mass.yaml');
    const key = LogKey.create(file);
    io.err(`created the audit log key ${file} (mode 0600); keep the verifier key below somewhere the log's writers cannot change\n`);
    io.out(`${verifierKey(origin, key.publicKey)}\n`);
    return;
  }
  const verifier = logVerifierOf(config);
  io.out(`${verifierKey(verifier.name, verifier.publicKey)}\n`);
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

export interface VerifyOptions {
  /** Verifier keys (kept elsewhere); default: the key of the log's key file. */
  readonly keys?: readonly string[];
  /** A checkpoint file kept elsewhere: the log must be consistent with it. */
  readonly checkpoint?: string;
}

/**
 * `mass log verify [--key VKEY]... [--checkpoint FILE]`: re-hashes every entry, rebuilds the tree,
 * checks it against every stored checkpoint (signed by one of the keys) and the kept one; fails if
 * nothing signed covers the log; reports how many entries no signature covers yet.
 */
export async function logVerifyCommand(io: Io, configOption: string | undefined, options: VerifyOptions = {}): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const origin = logOrigin(config.data.trustDomain);
  const keys = options.keys ?? [];
  await withExistingStore(config, async (store) => {
    const verifiers: NoteVerifier[] = keys.length > 0 ? keys.map((k) => parseVerifierKey(k)) : [logVerifierOf(config)];
    const kept: KeptCheckpoint[] = [];
    if (options.checkpoint !== undefined) kept.push(readKeptCheckpoint(resolve(io.cwd, options.checkpoint)));
    // Where the key file is at hand, the signer's own record of its last checkpoint counts too:
    // removing the tail together with the checkpoints that covered it does not go unnoticed.
    const keyFile = logKeyFileOf(config, store);
    const signed = keyFile === undefined ? undefined : LogKey.lastSignedBy(keyFile);
    if (signed !== undefined) kept.push({ note: signed, source: `the signer's last checkpoint (${keyFile}.signed)` });
    const result = await verifyLog(store, origin, verifiers, { kept });
    const root = Buffer.from(result.root).toString('base64');
    const keptText = result.keptSize === undefined ? '' : `; consistent with the kept checkpoint(s) (largest covers ${result.keptSize})`;
    io.out(
      `ok: ${result.size} entries re-hashed, root ${root}; ${result.checkpoints} signed checkpoint(s) match (latest covers ${result.checkpointSize})${keptText}; ${result.uncovered} entries after it not yet covered by a signature\n`,
    );
  });
}

/** Reads a kept checkpoint file (untrusted: its size is bounded before it is read). */
function readKeptCheckpoint(path: string): KeptCheckpoint {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new MassError('CHECKPOINT_INVALID', `--checkpoint ${path}: no such file`);
  }
  if (!stat.isFile()) throw new MassError('CHECKPOINT_INVALID', `--checkpoint ${path}: not a regular file`);
  if (stat.size > MAX_KEPT_CHECKPOINT_BYTES) throw new MassError('CHECKPOINT_INVALID', `--checkpoint ${path}: larger than ${MAX_KEPT_CHECKPOINT_BYTES} bytes`);
  return parseKeptCheckpoint(readFileSync(path, 'utf8'));
}

/** The effects `mass log show --decision` accepts. */
export const DECISION_FILTERS = ['allow', 'deny', 'approval'] as const;

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
  if (filter.decision !== undefined && !(DECISION_FILTERS as readonly string[]).includes(filter.decision)) {
    io.err(`mass log show: --decision ${JSON.stringify(filter.decision)} is not one of ${DECISION_FILTERS.join(', ')}\n`);
    throw new ExitStatus(2);
  }
  const since = parseSince(filter.since);
  const config = loadCommandConfig(io, configOption);
  await withExistingStore(config, async (store) => {
    const size = await store.log.size();
    for await (const row of store.log.rows(0, size)) {
      const entry = decodeEntry(row.entry);
      if (matches(entry, filter, since)) print(io, row, filter.json === true, entry);
    }
  });
}

/** `mass log tail [-n N] [-f]`: the last entries, then (with -f) new ones as they are appended. */
export async function logTailCommand(
  io: Io,
  configOption: string | undefined,
  options: { lines: number; follow: boolean; json: boolean; signal?: AbortSignal },
): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  await withExistingStore(config, async (store) => {
    let next = Math.max(0, (await store.log.size()) - options.lines);
    for (;;) {
      const size = await store.log.size();
      for await (const row of store.log.rows(next, size)) print(io, row, options.json);
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
  const config = loadCommandConfig(io, configOption);
  await withExistingStore(config, async (store) => {
    const trace = await traceAction(store, await store.log.size(), actionId);
    if (trace === undefined) throw new MassError('LOG_INVALID', `no mediated action with id ${actionId} in the log`);
    io.out(json ? `${JSON.stringify(trace, null, 2)}\n` : formatTrace(trace));
  });
}
