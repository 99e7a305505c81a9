import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { externalEntry } from '../src/audit/entry.js';
import { AuditLog } from '../src/audit/log.js';
import { LogKey } from '../src/audit/log-key.js';
import { verifyLog } from '../src/audit/verify-log.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { measure, type Measurement } from './measure.js';

export interface AuditLogBenchOptions {
  /** Entries appended (and then proven and verified). */
  readonly entries: number;
  /** Appends kept in flight at once (concurrent writers). */
  readonly inFlight: number;
  readonly proofIterations: number;
}

export interface AuditLogBenchResult {
  readonly rows: Measurement[];
  readonly appendsPerSecond: number;
  readonly ackP99Ms: number;
  readonly ackMedianMs: number;
  readonly verifySeconds: number;
}

/**
 * Durable appends to a SQLite file store (WAL, synchronous=FULL) with `inFlight` appends
 * outstanding, then proof generation and full verification on the resulting log.
 */
export async function runAuditLogBench(options: AuditLogBenchOptions): Promise<AuditLogBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mass-bench-log-'));
  const store = await openSqliteStore(join(dir, 'mass.db'));
  try {
    // A key file as in an installation: automatic checkpoints write the note beside it.
    const log = await AuditLog.open(store, { origin: 'bench.example/mass/audit-log', key: LogKey.create(join(dir, 'audit-log.key')) });
    const latencies = new Float64Array(options.entries);
    const time = Date.now();
    let issued = 0;
    const started = process.hrtime.bigint();
    const worker = async (): Promise<void> => {
      while (issued < options.entries) {
        const n = issued++;
        const t0 = process.hrtime.bigint();
        await log.append(externalEntry({ actor: 'bench', action: 'tool', resource: 'lookup', n, body_hash: 'x'.repeat(43) }, time + n));
        latencies[n] = Number(process.hrtime.bigint() - t0) / 1e6;
      }
    };
    await Promise.all(Array.from({ length: options.inFlight }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort();
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * (latencies.length - 1)))] ?? Number.NaN;

    await log.checkpoint();
    const size = log.size;
    const rows: Measurement[] = [];
    let i = 0;
    rows.push(await measure(`inclusion proof, log of ${size} entries`, options.proofIterations, () => log.inclusionProof((i = (i * 7919 + 13) % size), size)));
    rows.push(
      await measure(`consistency proof, log of ${size} entries`, options.proofIterations, () =>
        log.consistencyProof(1 + ((i = (i * 7919 + 13) % size) % (size - 1)), size),
      ),
    );

    const verifyStarted = process.hrtime.bigint();
    await verifyLog(store, log.origin, log.verifier);
    const verifySeconds = Number(process.hrtime.bigint() - verifyStarted) / 1e9;
    return { rows, appendsPerSecond: options.entries / seconds, ackMedianMs: at(0.5), ackP99Ms: at(0.99), verifySeconds };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
