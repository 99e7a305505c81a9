/**
 * A bounded pool of worker threads that runs CPU-bound jobs (content detectors) off the event loop,
 * each job with a deadline.
 *
 * - At most `size` workers (default: the cores minus one, at least one), created when first needed;
 *   at most `maxQueue` jobs wait for a worker, past that `run` refuses (DETECTOR_OVERLOADED).
 * - A job's deadline runs from the moment a ready worker takes it (loading a worker is not the job's
 *   cost). A job that misses it resolves to DEADLINE_MISSED; its worker is terminated (the only way
 *   to stop a synchronous loop) and a fresh one replaces it on demand.
 * - A worker that dies or answers nonsense fails its job (DETECTOR_FAILED): never a pass.
 * - Idle workers are unref'd, so a process whose only handles are idle workers exits; a worker is
 *   ref'd while it holds a job, so a pending job keeps the process alive until it settles.
 *
 * The worker module posts `{ ready: true }` once loaded, then answers each `{ id, input }` with
 * `{ id, output }` or `{ id, error }`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MassError } from '../core/errors.js';

export const DEADLINE_MISSED: unique symbol = Symbol('deadline missed');

export interface WorkerPoolOptions {
  /** Workers at most (default: available cores − 1, at least 1). */
  readonly size?: number;
  /** Jobs waiting for a worker at most (default 1024). */
  readonly maxQueue?: number;
}

interface Job {
  readonly id: number;
  readonly input: unknown;
  readonly deadlineMs: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  job: Job | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Default number of workers: leave one core to the event loop. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

export class WorkerPool<In, Out> {
  readonly #module: URL;
  readonly #size: number;
  readonly #maxQueue: number;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #nextId = 0;
  #closed = false;

  /** `module`: the worker's entry file (a `.ts` file is loaded through tsx, for source checkouts). */
  constructor(module: URL, options: WorkerPoolOptions = {}) {
    const size = options.size ?? defaultPoolSize();
    const maxQueue = options.maxQueue ?? 1024;
    if (!Number.isInteger(size) || size < 1) throw new TypeError('size must be an integer ≥ 1');
    if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new TypeError('maxQueue must be an integer ≥ 0');
    this.#module = module;
    this.#size = size;
    this.#maxQueue = maxQueue;
  }

  /** Runs one job; resolves to its output, or DEADLINE_MISSED when it overran `deadlineMs`. */
  run(input: In, deadlineMs: number): Promise<Out | typeof DEADLINE_MISSED> {
    if (!(Number.isFinite(deadlineMs) && deadlineMs > 0)) throw new TypeError('deadlineMs must be a positive number');
    if (this.#closed) return Promise.reject(new MassError('DETECTOR_FAILED', 'the detector pool is closed'));
    if (this.#queue.length >= this.#maxQueue)
      return Promise.reject(new MassError('DETECTOR_OVERLOADED', `more than ${this.#maxQueue} inspections are waiting for a detector worker`));
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, input, deadlineMs, resolve: resolve as (value: unknown) => void, reject });
      this.#dispatch();
    });
  }

  /** Workers alive now (for tests and metrics). */
  get workers(): number {
    return this.#slots.size;
  }

  /** Terminates every worker; jobs still queued or running fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new MassError('DETECTOR_FAILED', 'the detector pool was closed'));
    await Promise.all([...this.#slots].map((slot) => this.#retire(slot, new MassError('DETECTOR_FAILED', 'the detector pool was closed'))));
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let idle: Slot | undefined;
      for (const slot of this.#slots) if (slot.ready && slot.job === undefined) idle = slot;
      if (idle === undefined) {
        if (this.#slots.size < this.#size && ![...this.#slots].some((s) => !s.ready)) this.#spawn();
        return;
      }
      this.#start(idle, this.#queue.shift()!);
    }
  }

  #start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      // The detector overran: stop it the only way a synchronous loop can be stopped.
      slot.job = undefined;
      job.resolve(DEADLINE_MISSED);
      void this.#retire(slot, undefined);
      this.#dispatch();
    }, job.deadlineMs);
    slot.worker.postMessage({ id: job.id, input: job.input });
  }

  #spawn(): void {
    const worker = this.#module.pathname.endsWith('.ts')
      ? // A source checkout: the worker does not inherit the parent's tsx loader, so it registers one.
        new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(this.#module.href)}); });`,
          { eval: true },
        )
      : new Worker(this.#module);
    const slot: Slot = { worker, ready: false, job: undefined, timer: undefined };
    this.#slots.add(slot);
    // Spawned for a waiting job: it keeps the process alive while it loads (unref'd once idle).
    worker.on('message', (message: unknown) => this.#onMessage(slot, message));
    worker.on('error', (error) => void this.#retire(slot, new MassError('DETECTOR_FAILED', 'a detector worker failed', { cause: error })));
    worker.on('exit', () => void this.#retire(slot, new MassError('DETECTOR_FAILED', 'a detector worker exited')));
  }

  #onMessage(slot: Slot, message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const m = message as { ready?: unknown; id?: unknown; output?: unknown; error?: unknown };
    if (m.ready === true) {
      slot.ready = true;
      this.#dispatch();
      if (slot.job === undefined) slot.worker.unref();
      return;
    }
    const job = slot.job;
    if (job === undefined || m.id !== job.id) return; // an answer to a job that already missed its deadline
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    slot.worker.unref();
    if (typeof m.error === 'string') job.reject(new MassError('DETECTOR_FAILED', `a detector failed: ${m.error.slice(0, 500)}`));
    else job.resolve(m.output);
    this.#dispatch();
  }

  /** Removes a worker from the pool and terminates it; its job (if any) fails with `error`. */
  async #retire(slot: Slot, error: MassError | undefined): Promise<void> {
    if (!this.#slots.delete(slot)) return;
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    if (job !== undefined && error !== undefined) job.reject(error);
    if (!slot.ready && error !== undefined) {
      // It failed while loading: the next one would too; fail what waits instead of respawning forever.
      for (const waiting of this.#queue.splice(0)) waiting.reject(error);
    }
    if (!this.#closed) this.#dispatch();
    await slot.worker.terminate();
  }
}
