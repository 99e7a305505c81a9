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
    const until = this.#seen.get(jti);
    if (until !== undefined && until > now) return Promise.resolve(false);
    if (this.#seen.size >= this.#max) this.#purge(now);
    // Fail closed: if live entries still fill the table, refuse rather than forget an id.
    if (this.#seen.size >= this.#max) return Promise.resolve(false);
    this.#seen.set(jti, expiresAt);
    return Promise.resolve(true);
  }

  #purge(now: number): void {
    for (const [jti, until] of this.#seen) if (until <= now) this.#seen.delete(jti);
  }
}
