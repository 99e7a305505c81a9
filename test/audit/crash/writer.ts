// A log writer that runs until it is killed: appends batches of entries to the audit log of a
// SQLite store and reports each batch on stdout only after the batch is durable. Used by the crash
// test and `npm run soak:log`. Usage: writer.ts <db path> <origin> <run id> <seed>
import { dirname, join } from 'node:path';
import { AuditLog } from '../../../src/audit/log.js';
import { LogKey } from '../../../src/audit/log-key.js';
import { externalEntry } from '../../../src/audit/entry.js';
import { openSqliteStore } from '../../../src/store/sqlite.js';

const [dbPath, origin, run, seedText] = process.argv.slice(2);
if (dbPath === undefined || origin === undefined || run === undefined) throw new TypeError('usage: writer.ts <db> <origin> <run> <seed>');

// A small deterministic generator for batch sizes (not security-relevant).
let seed = Number(seedText ?? '1') >>> 0 || 1;
const next = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};

const store = await openSqliteStore(dbPath);
const keyFile = join(dirname(dbPath), 'audit-log.key');
const log = await AuditLog.open(store, { origin, key: LogKey.exists(keyFile) ? LogKey.load(keyFile) : LogKey.create(keyFile) });
let n = 0;
for (let batch = 0; ; batch++) {
  const size = 1 + Math.floor(next() * 200);
  const pending: Promise<{ index: number }>[] = [];
  const ns: number[] = [];
  for (let i = 0; i < size; i++) {
    ns.push(n);
    pending.push(log.append(externalEntry({ run, n: n++ }, Date.now())));
  }
  const receipts = await Promise.all(pending);
  process.stdout.write(`${JSON.stringify({ acks: receipts.map((r, i) => [r.index, ns[i]]) })}\n`);
  if (batch % 4 === 3) {
    const checkpoint = await log.checkpoint();
    process.stdout.write(`${JSON.stringify({ checkpoint: { size: checkpoint.size, root: Buffer.from(checkpoint.root).toString('base64') } })}\n`);
  }
}
