import type { JsonValue } from '../../core/json.js';
import type { DetectorsConfig } from '../../config/schema.js';
import type { InputText } from '../../detect/detector.js';
import { WorkerPool } from '../../detect/worker-pool.js';
import type { Finding } from '../types.js';

/** Deadline of one inspection in a worker when the configuration gives none (mass.yaml `detectors.deadlineMs`). */
export const DEFAULT_DEADLINE_MS = 1_000;

/** One inspection as a worker receives it: the suite's configuration (it rebuilds the suite), the value, the task's inputs. */
export interface InspectJob {
  readonly config: DetectorsConfig;
  readonly value: JsonValue;
  readonly inputs: readonly InputText[];
}

export type InspectPool = WorkerPool<InspectJob, Finding[]>;

// The worker beside this file: inspect-worker.ts from the sources (through tsx), .js once compiled.
const WORKER = new URL(`./inspect-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
let shared: InspectPool | undefined;

/** The process-wide pool of detector workers, created on first use (idle workers do not keep a process alive). */
export function inspectPool(): InspectPool {
  shared ??= new WorkerPool<InspectJob, Finding[]>(WORKER);
  return shared;
}

/** A separate pool (tests, or a host that wants its own size and queue bound). */
export function createInspectPool(options: { readonly size?: number; readonly maxQueue?: number } = {}): InspectPool {
  return new WorkerPool<InspectJob, Finding[]>(WORKER, options);
}
