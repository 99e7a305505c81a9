import type { JsonValue } from '../../core/json.js';
import type { Inspector } from '../stages.js';
import type { ActionRequest, Finding } from '../types.js';

/** A content detector: text in, findings out (score 0–1, span in UTF-16 offsets). */
export interface Detector {
  readonly name: string;
  scan(text: string): readonly { category: string; score: number; start: number; end: number }[];
}

/** At most this much text (UTF-16 units) is scanned per action; the rest is reported as a finding. */
const MAX_SCANNED = 256 * 1024;

/** Runs every detector over every string in the action's body. With no detectors it finds nothing. */
export class DetectorInspector implements Inspector {
  readonly #detectors: readonly Detector[];

  constructor(detectors: readonly Detector[] = []) {
    this.#detectors = detectors;
  }

  inspect(request: ActionRequest): readonly Finding[] {
    if (this.#detectors.length === 0) return [];
    const findings: Finding[] = [];
    let budget = MAX_SCANNED;
    for (const [field, text] of strings(request.body, '$')) {
      if (text.length > budget) {
        findings.push({ detector: 'inspect', category: 'oversized', score: 1, field, start: 0, end: text.length });
        break;
      }
      budget -= text.length;
      for (const detector of this.#detectors) {
        for (const f of detector.scan(text)) findings.push({ detector: detector.name, category: f.category, score: f.score, field, start: f.start, end: f.end });
      }
    }
    return findings;
  }
}

function* strings(value: JsonValue, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i] as JsonValue, `${path}[${i}]`);
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}
