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

  append(entry: RecordEntry): Promise<Receipt> {
    return this.#log.append(mediationEntry(entry));
  }
}
