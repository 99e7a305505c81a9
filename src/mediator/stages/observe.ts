import type { Observer } from '../stages.js';
import type { MediationEvent } from '../types.js';

export type EventListener = (event: MediationEvent) => void;

/**
 * Fans structured events out to listeners and keeps the most recent ones. A listener that throws
 * on a `decided` event makes the action deny (nobody may act unseen).
 */
export class EventObserver implements Observer {
  readonly #listeners = new Set<EventListener>();
  readonly #recent: MediationEvent[] = [];
  readonly #keep: number;

  constructor(keep = 1000) {
    this.#keep = keep;
  }

  on(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  observe(event: MediationEvent): void {
    this.#recent.push(event);
    if (this.#recent.length > this.#keep) this.#recent.shift();
    for (const listener of this.#listeners) listener(event);
  }

  get recent(): readonly MediationEvent[] {
    return this.#recent;
  }
}
