// `mass-runtime/detect`: the detectors the inspect stage runs (injection, secrets, PII, replication,
// tool poisoning), the interfaces a new detector implements, and the suite that scans a text.
// Their building blocks (checksums, tokenizers, normalizers) stay inside. Listed by hand.

export type { Detector, DetectorFinding, ContextualDetector, DetectorSuite, InputText } from './detector.js';
export { InjectionDetector, DEFAULT_INJECTION_THRESHOLD } from './injection/detector.js';
export type { InjectionDetectorOptions } from './injection/detector.js';
export { SecretsDetector } from './secrets.js';
export { PiiDetector } from './pii.js';
export { ReplicationDetector } from './replication.js';
export type { ReplicationOptions } from './replication.js';
export { ToolPoisoningDetector } from './tool-poisoning.js';
export type { ToolDescription, ToolFinding } from './tool-poisoning.js';
export { detectorSuite, scanText, THREAT_DETECTORS, DEFAULT_DETECTORS } from './suite.js';
export type { ScanResult } from './suite.js';
