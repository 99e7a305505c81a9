import type { LogRow, Store } from '../../src/store/store.js';

/** The log rows `from` (inclusive) to `to` (exclusive), read to the end into an array. */
export async function logRows(store: Store, from: number, to: number): Promise<LogRow[]> {
  const out: LogRow[] = [];
  for await (const row of store.log.rows(from, to)) out.push(row);
  return out;
}
