import type { Recorder } from '../mediator/stages.js';
import type { Receipt, RecordEntry } from '../mediator/types.js';
import { mediationEntry } from './entry.js';
import type { AuditLog } from './log.js';

/** The mediator's record stage on the audit log: a receipt means the entry is durable. */
export class AuditRecorder implements Recorder {
  readonly #log: AuditLog;

  constructor(log: AuditLog) {
    this.#log = log;
  }

  /**
   * An intent claims its envelope's id in the same transaction that writes it (a replayed
   * envelope is refused with ENVELOPE_REPLAYED and nothing is written); a denial consumes the id
   * (always written); an outcome carries none.
   */
  append(entry: RecordEntry): Promise<Receipt> {
    const id = entry.replayId;
    if (id === undefined || entry.type === 'outcome') return this.#log.append(mediationEntry(entry));
    return this.#log.append(mediationEntry(entry), { id: id.id, expiresAt: id.expiresAt, mode: entry.type === 'intent' ? 'claim' : 'consume' });
  }
}
