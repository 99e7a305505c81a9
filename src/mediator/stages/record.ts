import type { Recorder } from '../stages.js';
import type { Receipt, RecordEntry } from '../types.js';

/** Keeps entries in memory, in order. Not durable: for tests and until a durable log is configured. */
export class MemoryRecorder implements Recorder {
  readonly #entries: RecordEntry[] = [];

  append(entry: RecordEntry): Receipt {
    this.#entries.push(entry);
    return { index: this.#entries.length - 1 };
  }

  get entries(): readonly RecordEntry[] {
    return this.#entries;
  }
}
