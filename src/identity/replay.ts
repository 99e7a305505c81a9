import type { Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import type { ReplayTable } from '../store/store.js';

/** Remembers envelope ids until they expire so that each is accepted once. */
export interface ReplayGuard {
  /** False if `jti` was already seen and has not expired (the envelope is a replay). */
  remember(jti: string, expiresAt: number, now: number): Promise<boolean>;
}

/** A process-local replay guard, bounded in size; for tests and single-process meshes without a store. */
export class MemoryReplayGuard implements ReplayGuard {
  readonly #seen = new Map<string, number>();
  readonly #max: number;

  constructor(maxEntries = 1_000_000) {
    this.#max = maxEntries;
  }

  remember(jti: string, expiresAt: number, now: number): Promise<boolean> {
    return Promise.resolve(this.rememberNow(jti, expiresAt, now));
  }

  /** The synchronous check-and-insert behind `remember`. */
  rememberNow(jti: string, expiresAt: number, now: number): boolean {
    const until = this.#seen.get(jti);
    if (until !== undefined && until > now) return false;
    if (this.#seen.size >= this.#max) this.#purge(now);
    // Fail closed: if live entries still fill the table, refuse rather than forget an id.
    if (this.#seen.size >= this.#max) return false;
    this.#seen.set(jti, expiresAt);
    return true;
  }

  #purge(now: number): void {
    for (const [jti, until] of this.#seen) if (until <= now) this.#seen.delete(jti);
  }
}

/**
 * The replay guard in front of an audit log that claims envelope ids with each intent (the
 * mediator's record stage, AuditRecorder): exact in memory, plus a look-up in the store for ids
 * other processes (or this one before a restart) accepted. It writes nothing: the id becomes
 * durable in the same transaction as the intent record, which is the authority — this guard only
 * refuses replays early and cheaply. Loads the live ids of the store at open.
 */
export class EarlyReplayGuard implements ReplayGuard {
  readonly #memory: MemoryReplayGuard;
  readonly #table: ReplayTable;

  private constructor(table: ReplayTable, maxEntries: number) {
    this.#table = table;
    this.#memory = new MemoryReplayGuard(maxEntries);
  }

  static async open(table: ReplayTable, clock: Clock, options: { maxEntries?: number } = {}): Promise<EarlyReplayGuard> {
    const guard = new EarlyReplayGuard(table, options.maxEntries ?? 1_000_000);
    const now = clock.now();
    for (const entry of await table.live(now)) guard.#memory.rememberNow(entry.jti, entry.expiresAt, now);
    return guard;
  }

  async remember(jti: string, expiresAt: number, now: number): Promise<boolean> {
    if (!this.#memory.rememberNow(jti, expiresAt, now)) return false;
    return !(await this.#table.has(jti, now));
  }

  /** Nothing to write: ids are stored with the records. */
  flush(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A replay guard for a host whose records do not claim envelope ids (a custom recorder): exact in
 * memory, and written behind to the store in
 * batches (every `flushMs`, one transaction), so that a restart reloads the ids that are still
 * live. A crash can lose at most the ids of the last `flushMs`. An id new to this process is also
 * looked up in the store, so another process sharing it (a gateway and a mesh) catches replays of
 * what the first one accepted once that one has flushed. If a flush fails, every later check fails
 * closed (STORE_FAILED) until a flush succeeds.
 */
export class DurableReplayGuard implements ReplayGuard {
  readonly #memory: MemoryReplayGuard;
  readonly #table: ReplayTable;
  readonly #flushMs: number;
  readonly #clock: Clock;
  #pending: { jti: string; expiresAt: number }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #failure: unknown;
  #flushing: Promise<void> = Promise.resolve();

  private constructor(table: ReplayTable, clock: Clock, flushMs: number, maxEntries: number) {
    this.#table = table;
    this.#clock = clock;
    this.#flushMs = flushMs;
    this.#memory = new MemoryReplayGuard(maxEntries);
  }

  /** Loads the live ids of `table` and returns a guard over it. */
  static async open(table: ReplayTable, clock: Clock, options: { flushMs?: number; maxEntries?: number } = {}): Promise<DurableReplayGuard> {
    const guard = new DurableReplayGuard(table, clock, options.flushMs ?? 50, options.maxEntries ?? 1_000_000);
    const now = clock.now();
    for (const entry of await table.live(now)) guard.#memory.rememberNow(entry.jti, entry.expiresAt, now);
    return guard;
  }

  async remember(jti: string, expiresAt: number, now: number): Promise<boolean> {
    if (this.#failure !== undefined) throw new MassError('STORE_FAILED', 'replay state could not be stored', { cause: this.#failure });
    if (!this.#memory.rememberNow(jti, expiresAt, now)) return false;
    if (await this.#table.has(jti, now)) return false; // seen by another process sharing the store
    this.#pending.push({ jti, expiresAt });
    this.#schedule();
    return true;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => void this.flush(), this.#flushMs);
    this.#timer.unref();
  }

  /** Writes the pending ids now. */
  flush(): Promise<void> {
    const now = this.#clock.now();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(async () => {
      try {
        await this.#table.rememberAll(batch, now);
        this.#failure = undefined;
      } catch (error) {
        this.#failure = error;
        this.#pending = batch.concat(this.#pending);
        this.#schedule(); // retry; checks fail closed meanwhile
      }
    });
    return this.#flushing;
  }
}
