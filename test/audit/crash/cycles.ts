import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { AuditLog } from '../../../src/audit/log.js';
import { LogKey } from '../../../src/audit/log-key.js';
import { decodeEntry } from '../../../src/audit/entry.js';
import { verifyConsistency } from '../../../src/audit/verify-proof.js';
import { verifyLog } from '../../../src/audit/verify-log.js';
import { openSqliteStore } from '../../../src/store/sqlite.js';

const WRITER = join(fileURLToPath(new URL('.', import.meta.url)), 'writer.ts');
export const CRASH_ORIGIN = 'crash.example/mass/audit-log';

export interface CrashReport {
  readonly kills: number;
  readonly acknowledged: number;
  readonly entries: number;
  readonly checkpoints: number;
}

/**
 * Runs `kills` cycles: start a writer, SIGKILL it at a random moment after its first
 * acknowledgement, reopen the store and check that no acknowledged entry was lost or changed,
 * indexes have no gaps, the whole log verifies, and a new checkpoint is consistent with every
 * checkpoint seen before. Throws on the first violation.
 */
export async function runCrashCycles(dbDir: string, kills: number, onProgress?: (report: CrashReport) => void): Promise<CrashReport> {
  const dbPath = join(dbDir, 'mass.db');
  const acked = new Map<number, { run: string; n: number }>();
  const checkpoints = new Map<number, string>(); // size → base64 root, from writers and from the checks
  for (let k = 0; k < kills; k++) {
    const run = `r${k}`;
    const { acks, seen } = await runUntilKilled(dbPath, run, randomInt(1, 2 ** 31));
    for (const [index, n] of acks) acked.set(index, { run, n });
    for (const [size, root] of seen) {
      const known = checkpoints.get(size);
      if (known !== undefined && known !== root) throw new Error(`kill ${k}: two checkpoints of size ${size} with different roots`);
      checkpoints.set(size, root);
    }
    await check(dbPath, k, acked, checkpoints);
    if (onProgress !== undefined && (k + 1) % 50 === 0) onProgress({ kills: k + 1, acknowledged: acked.size, entries: -1, checkpoints: checkpoints.size });
  }
  const store = await openSqliteStore(dbPath);
  const entries = await store.log.size();
  await store.close();
  return { kills, acknowledged: acked.size, entries, checkpoints: checkpoints.size };
}

async function runUntilKilled(dbPath: string, run: string, seed: number): Promise<{ acks: [number, number][]; seen: [number, string][] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dbPath, CRASH_ORIGIN, run, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: [number, number][] = [];
  const seen: [number, string][] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let timer: NodeJS.Timeout | undefined;
  // A writer that acknowledges nothing for a minute is stuck, not slow: it is killed and reported
  // with what it printed (checking a store it never wrote to would only hide that).
  let stuck = false;
  const guard = setTimeout(() => {
    stuck = true;
    child.kill('SIGKILL');
  }, 60_000);
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line) as { acks?: [number, number][]; checkpoint?: { size: number; root: string } };
    if (message.acks !== undefined) acks.push(...message.acks);
    if (message.checkpoint !== undefined) seen.push([message.checkpoint.size, message.checkpoint.root]);
    timer ??= setTimeout(() => child.kill('SIGKILL'), randomInt(0, 40));
  }
  const { code, signal } = await exited;
  clearTimeout(guard);
  if (timer !== undefined) clearTimeout(timer);
  if (stuck && acks.length === 0) throw new Error(`writer acknowledged nothing within 60 s: ${stderr.slice(0, 2000)}`);
  if (signal !== 'SIGKILL') throw new Error(`writer ended by itself (code ${code}): ${stderr.slice(0, 2000)}`);
  return { acks, seen };
}

async function check(dbPath: string, k: number, acked: ReadonlyMap<number, { run: string; n: number }>, checkpoints: Map<number, string>): Promise<void> {
  const store = await openSqliteStore(dbPath);
  try {
    const log = await AuditLog.open(store, { origin: CRASH_ORIGIN, key: LogKey.load(join(dirname(dbPath), 'audit-log.key')) });
    for (const [index, expected] of acked) {
      const row = await store.log.row(index);
      if (row === undefined) throw new Error(`kill ${k}: acknowledged entry ${index} is lost`);
      const entry = decodeEntry(row.entry);
      const data = entry.kind === 'external' ? (entry.data as { run?: unknown; n?: unknown }) : undefined;
      if (data?.run !== expected.run || data.n !== expected.n) throw new Error(`kill ${k}: entry ${index} changed`);
    }
    await verifyLog(store, CRASH_ORIGIN, log.verifier); // contiguity, leaf hashes, every stored checkpoint
    if (log.size === 0) return;
    const latest = await log.checkpoint();
    const latestRoot = Buffer.from(latest.root).toString('base64');
    for (const [size, root] of checkpoints) {
      if (size > latest.size) throw new Error(`kill ${k}: a checkpoint of size ${size} was seen but the log holds ${latest.size}`);
      const proof = await log.consistencyProof(size, latest.size);
      verifyConsistency(
        size,
        latest.size,
        proof.proof.map((h) => Buffer.from(h, 'base64')),
        Buffer.from(root, 'base64'),
        latest.root,
      );
    }
    checkpoints.set(latest.size, latestRoot);
  } finally {
    await store.close();
  }
}
