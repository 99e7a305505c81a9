import type { DetectorsConfig } from '../config/schema.js';
import type { Confidentiality } from '../flow/label.js';

/**
 * What a detector reports: which detector, what it saw (`category`), how sure it is (`score`,
 * 0–1) and where (`start`/`end`, UTF-16 offsets into the scanned text, end exclusive).
 * Detectors of secrets and personal data also say how confidential the matched text makes the
 * content (`confidentiality`), so the label stage can raise the content's label.
 */
export interface DetectorFinding {
  readonly detector: string;
  readonly category: string;
  readonly score: number;
  readonly start: number;
  readonly end: number;
  readonly confidentiality?: Confidentiality;
}

/** A content detector: text in, findings out. Pure, synchronous, and safe on any input string. */
export interface Detector {
  readonly name: string;
  scan(text: string): readonly DetectorFinding[];
}

/**
 * Text the acting agent read earlier in the same task, for detectors that compare what goes out
 * with what came in (replication). `generation` counts the agent-to-agent hops this text has
 * already been copied across (0 for a document or tool output, 1 once an agent has forwarded it…).
 */
export interface InputText {
  readonly text: string;
  readonly source: string;
  readonly generation: number;
}

/** A detector that also sees the task's inputs. */
export interface ContextualDetector {
  readonly name: string;
  scan(text: string, inputs: readonly InputText[]): readonly DetectorFinding[];
}

/** The detectors a mediator or `mass scan` runs, and the score from which each one's findings count. */
export interface DetectorSuite {
  /** Detectors of the text alone (injection, secrets, personal data). */
  readonly text: readonly Detector[];
  /** Detectors that compare the text with what the agent read (replication). */
  readonly contextual: readonly ContextualDetector[];
  /** Findings of detector `name` scoring below `thresholds.get(name)` are dropped (default: kept). */
  readonly thresholds: ReadonlyMap<string, number>;
  /** The configuration the suite was built from (`detectorSuite`): a worker thread can rebuild it. */
  readonly config?: DetectorsConfig;
}
