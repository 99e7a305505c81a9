/**
 * Memory of the links a verifier has accepted, to catch a link id (`jti`) reused by a different
 * link — the same id under another parent or with other contents — across chains. A link is
 * meant to be presented many times; it is the same id on different bytes that is refused.
 */
export interface LinkMemory {
  /**
   * Records that link `jti` has `fingerprint` (the SHA-256 of its compact JWS) until `expiresAtMs`.
   * Returns false if `jti` is already known with another fingerprint: the caller must refuse.
   */
  remember(jti: string, fingerprint: string, expiresAtMs: number, nowMs: number): boolean | Promise<boolean>;
}

interface Remembered {
  readonly fingerprint: string;
  readonly expiresAtMs: number;
}

/**
 * An in-process LinkMemory. It is bounded: when `maxEntries` ids are held, expired ones are
 * dropped and, if none has expired, the oldest are forgotten (so a reused id can go unnoticed
 * only after that many newer links; size it to the expected number of live links).
 */
export class MemoryLinkMemory implements LinkMemory {
  readonly #entries = new Map<string, Remembered>();
  readonly #maxEntries: number;

  constructor(maxEntries = 100_000) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries must be a positive integer');
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  remember(jti: string, fingerprint: string, expiresAtMs: number, nowMs: number): boolean {
    const known = this.#entries.get(jti);
    if (known !== undefined && known.expiresAtMs > nowMs) return known.fingerprint === fingerprint;
    if (known === undefined && this.#entries.size >= this.#maxEntries) this.#makeRoom(nowMs);
    this.#entries.set(jti, { fingerprint, expiresAtMs });
    return true;
  }

  #makeRoom(nowMs: number): void {
    for (const [jti, entry] of this.#entries) if (entry.expiresAtMs <= nowMs) this.#entries.delete(jti);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) return;
      this.#entries.delete(oldest.value);
    }
  }
}
