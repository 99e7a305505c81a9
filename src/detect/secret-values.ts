import type { DetectorFinding } from './detector.js';

/**
 * What a secret value looks like (entropy, character classes, not a placeholder or a code
 * reference), and the finding that reports one: the secrets detector's scanners share both.
 */

/** The name of the secrets detector, carried by its findings. */
export const SECRETS_DETECTOR = 'secrets';

/**
 * Values that are placeholders, references or links, not secrets. Linear: alternation of literals and
 * anchored single-class repetitions, run on a value of at most 256 characters.
 */
export const PLACEHOLDER_RE =
  /^(?:\$|<|\{\{|%|\*+$|x+$|\.\.\.|#|\\|https?:|www\.)|example|changeme|change_me|your[_-]|placeholder|redacted|dummy|sample|_here|env\(|process\.env|os\.environ|getenv|^(?:null|none|undefined|true|false)$/i;
/** A dotted identifier or a call (`config.db.password`, `getSecret(…)`). Linear: classes and one bounded group repetition with distinct delimiters. */
const CODE_REF_RE = /^[A-Za-z_$][\w$]{0,63}(?:\.[A-Za-z_$][\w$]{0,63}){1,8}$|^[A-Za-z_$][\w$.]{0,127}\(/;

export const MIN_VALUE = 8;
export const MAX_VALUE = 256;

/** A finding of the secrets detector: always `confidentiality: 'secret'`. */
export function secretFinding(category: string, score: number, start: number, end: number): DetectorFinding {
  return { detector: SECRETS_DETECTOR, category, score, start, end, confidentiality: 'secret' };
}

/** Shannon entropy of a string, in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

export interface CharClasses {
  lower: boolean;
  upper: boolean;
  digit: boolean;
  other: boolean;
}

/** Which classes of characters a string holds: ASCII lower case, upper case, digits, anything else. */
export function charClasses(s: string): CharClasses {
  const r = { lower: false, upper: false, digit: false, other: false };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) r.lower = true;
    else if (c >= 65 && c <= 90) r.upper = true;
    else if (c >= 48 && c <= 57) r.digit = true;
    else r.other = true;
  }
  return r;
}

/** A value that looks like a real password or key rather than a word, a reference or a placeholder. */
export function looksLikeSecretValue(value: string): boolean {
  if (value.length < MIN_VALUE || value.length > MAX_VALUE) return false;
  if (PLACEHOLDER_RE.test(value) || CODE_REF_RE.test(value)) return false;
  const k = charClasses(value);
  if (!(k.lower || k.upper)) return false;
  if (!(k.digit || k.other)) return false;
  return shannonEntropy(value) >= 2.5;
}
