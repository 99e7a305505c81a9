import { decodeEntry, type MediationLogEntry } from '../../src/audit/entry.js';
import type { Mesh } from '../../src/mesh/mesh.js';

/** The mediation entries of a mesh's audit log, oldest first. */
export async function readEntries(mesh: Mesh): Promise<MediationLogEntry[]> {
  await mesh.log.flush();
  const entries: MediationLogEntry[] = [];
  for await (const row of mesh.store.log.rows(0, mesh.log.size)) {
    const entry = decodeEntry(row.entry);
    if (entry.kind === 'intent' || entry.kind === 'outcome' || entry.kind === 'denial') entries.push(entry);
  }
  return entries;
}
