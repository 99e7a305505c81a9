import type { DetectorsConfig } from '../config/schema.js';
import type { DetectorFinding, DetectorSuite } from './detector.js';
import { InjectionDetector } from './injection/detector.js';
import { PiiDetector } from './pii.js';
import { ReplicationDetector } from './replication.js';
import { SecretsDetector } from './secrets.js';

/** Detectors whose findings make content untrusted and a scanned text "flagged". */
export const THREAT_DETECTORS: ReadonlySet<string> = new Set(['injection', 'replication', 'tool-poisoning']);

/** Every detector on, each at its own default threshold (what `mass scan` uses without a mass.yaml). */
export const DEFAULT_DETECTORS: DetectorsConfig = {
  injection: { enabled: true },
  replication: { enabled: true },
  secrets: { enabled: true },
  pii: { enabled: true },
  toolPoisoning: { enabled: true },
  deadlineMs: 1_000,
};

/** The content detectors a configuration turns on (tool-poisoning runs on MCP tool lists, not here). */
export function detectorSuite(config: DetectorsConfig = DEFAULT_DETECTORS): DetectorSuite {
  const text = [];
  const contextual = [];
  const thresholds = new Map<string, number>();
  if (config.injection.enabled) text.push(new InjectionDetector(config.injection.threshold === undefined ? {} : { threshold: config.injection.threshold }));
  if (config.secrets.enabled) text.push(new SecretsDetector());
  if (config.pii.enabled) text.push(new PiiDetector());
  if (config.replication.enabled) contextual.push(new ReplicationDetector());
  for (const [name, key] of [
    ['secrets', 'secrets'],
    ['pii', 'pii'],
    ['replication', 'replication'],
  ] as const) {
    const threshold = config[key].threshold;
    if (threshold !== undefined) thresholds.set(name, threshold);
  }
  return { text, contextual, thresholds, config };
}

/** What `mass scan` reports for one text. */
export interface ScanResult {
  /** True when a threat detector (injection…) has a finding at or above its threshold. */
  readonly flagged: boolean;
  /** The highest threat score, 0–1, whether or not it reaches a threshold (0 when none ran). */
  readonly score: number;
  /** Findings at or above their thresholds, threats and sensitive data alike, in text order. */
  readonly findings: readonly DetectorFinding[];
}

/** Most findings reported per text (crafted text can produce one per few bytes); threats are kept first. */
export const MAX_SCAN_FINDINGS = 1000;

export function scanText(suite: DetectorSuite, text: string): ScanResult {
  let score = 0;
  let flagged = false;
  const findings: DetectorFinding[] = [];
  for (const detector of suite.text) {
    if (detector instanceof InjectionDetector) {
      // One analysis gives both the raw score and the findings that count.
      for (const f of detector.analyze(text)) {
        if (f.score > score) score = f.score;
        if (f.score >= detector.threshold) findings.push(f);
      }
      continue;
    }
    const threshold = suite.thresholds.get(detector.name) ?? 0;
    for (const f of detector.scan(text)) {
      if (f.score < threshold) continue;
      findings.push(f);
      if (THREAT_DETECTORS.has(f.detector) && f.score > score) score = f.score;
    }
  }
  for (const f of findings) if (THREAT_DETECTORS.has(f.detector)) flagged = true;
  const kept =
    findings.length <= MAX_SCAN_FINDINGS
      ? findings
      : [...findings.filter((f) => THREAT_DETECTORS.has(f.detector)), ...findings.filter((f) => !THREAT_DETECTORS.has(f.detector))].slice(0, MAX_SCAN_FINDINGS);
  kept.sort((a, b) => a.start - b.start || a.end - b.end);
  return { flagged, score, findings: kept };
}
