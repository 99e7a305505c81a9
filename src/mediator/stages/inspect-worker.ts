/**
 * The detector worker of the inspect pool (inspect-pool.ts): rebuilds the suite a configuration
 * describes (once per distinct configuration) and runs `scanValue` on each job, exactly as the
 * inspector would in-thread. Jobs come from the mediator's own thread, not from the network; the
 * scanned value inside is attacker-controlled and bounded by scanValue (MAX_SCANNED).
 */
import { parentPort } from 'node:worker_threads';
import type { DetectorSuite } from '../../detect/detector.js';
import { detectorSuite } from '../../detect/suite.js';
import type { InspectJob } from './inspect-pool.js';
import { scanValue } from './inspect.js';

const port = parentPort;
if (port === null) throw new Error('inspect-worker.ts runs as a worker thread');

const suites = new Map<string, DetectorSuite>();

function suiteFor(config: InspectJob['config']): DetectorSuite {
  const key = JSON.stringify(config);
  let suite = suites.get(key);
  if (suite === undefined) {
    if (suites.size >= 16) suites.clear();
    suite = detectorSuite(config);
    suites.set(key, suite);
  }
  return suite;
}

port.on('message', (message: { id: number; input: InspectJob }) => {
  try {
    const { config, value, inputs } = message.input;
    port.postMessage({ id: message.id, output: scanValue(suiteFor(config), value, inputs) });
  } catch (error) {
    port.postMessage({ id: message.id, error: error instanceof Error ? `${error.name}: ${error.message}` : typeof error });
  }
});
// Loading the detectors (the model's weights) happens before the first job's deadline starts.
suiteFor({
  injection: { enabled: true },
  replication: { enabled: true },
  secrets: { enabled: true },
  pii: { enabled: true },
  toolPoisoning: { enabled: true },
  deadlineMs: 1_000,
});
port.postMessage({ ready: true });
