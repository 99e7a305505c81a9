import type { Detector, DetectorFinding } from './detector.js';
import { scanTokens } from './secret-formats.js';
import { scanAssignments, scanPem, scanUrlCredentials } from './secret-scanners.js';
import { MIN_VALUE, SECRETS_DETECTOR } from './secret-values.js';

export { looksLikeSecretValue, shannonEntropy } from './secret-values.js';

/**
 * Secrets in text: PEM private keys, API tokens of well-known formats, JWTs, and credentials
 * assigned to a password/secret/token-like name or embedded in a URL. Every finding is labelled
 * `confidentiality: 'secret'`.
 *
 * Categories: `private-key`, `api-token`, `jwt`, `credential`.
 *
 * The text is attacker-controlled. The scan is a fixed number of forward passes, each driven by
 * the regular expression engine or `indexOf` (much faster than a JavaScript character loop): a PEM
 * pass, one pass of a prefilter that finds the literal prefixes of all token formats (each hit is
 * then checked with an anchored pattern), and a pass over `:`/`=` characters that looks at the
 * name before and the value after each one within fixed windows. Each regular expression says
 * why it runs in linear time.
 *
 * The token formats and JWTs are in `secret-formats.ts`, the PEM, assignment and URL scanners in
 * `secret-scanners.ts`, the value heuristics (entropy, placeholders) in `secret-values.ts`.
 */

export class SecretsDetector implements Detector {
  readonly name = SECRETS_DETECTOR;

  scan(text: string): readonly DetectorFinding[] {
    if (text.length < MIN_VALUE) return [];
    const out: DetectorFinding[] = [];
    if (text.includes('-----BEGIN ')) scanPem(text, out);
    scanTokens(text, out);
    scanAssignments(text, out);
    if (text.includes('://')) scanUrlCredentials(text, out);
    return out.length === 0 ? out : resolveOverlaps(out);
  }
}

/**
 * Sort by position and drop a `credential` finding that overlaps a more specific one (a token
 * assigned to `GITHUB_TOKEN=` is reported once, as the token); exact duplicates go too. One sweep
 * over the sorted findings: linear after the sort, however many findings an input produces.
 */
function resolveOverlaps(findings: DetectorFinding[]): DetectorFinding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end);
  const specific = findings.filter((f) => f.category !== 'credential');
  const kept: DetectorFinding[] = [];
  let p = 0;
  // Furthest end among specific findings that start before the current credential's end.
  let reach = -1;
  let reachStart = -1;
  for (const f of findings) {
    if (f.category === 'credential') {
      while (p < specific.length && (specific[p]?.start ?? Infinity) < f.end) {
        const g = specific[p];
        if (g !== undefined && g.end > reach) {
          reach = g.end;
          reachStart = g.start;
        }
        p++;
      }
      if (reach > f.start && reachStart < f.end) continue;
    }
    const prev = kept[kept.length - 1];
    if (prev !== undefined && prev.start === f.start && prev.end === f.end && prev.category === f.category) continue;
    kept.push(f);
  }
  return kept;
}
