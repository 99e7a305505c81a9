import { isTokenChar } from './ascii.js';
import type { DetectorFinding } from './detector.js';
import { charClasses, secretFinding, shannonEntropy } from './secret-values.js';

/**
 * API tokens of well-known formats (AWS, GitHub, Slack, Stripe, Anthropic, OpenAI, Google, npm,
 * GitLab, Twilio, SendGrid) and JWTs, found in one pass of a prefilter over the literal prefixes
 * of all formats; each hit is then checked with an anchored pattern (or, for a JWT, read by hand).
 * An AWS access key id is paired with a nearby secret access key.
 */

/**
 * Prefilter: the literal prefixes of every token format. Linear: an alternation of literals (and
 * one bounded class repetition for Twilio ids), no quantifier nesting; the engine scans for the
 * literals' first characters.
 */
const PREFIX_RE = /AKIA|ASIA|gh[pousr]_|github_pat_|xox[abprs]-|[sr]k_live_|sk-|AIza|npm_|glpat-|SG\.|eyJ|(?:AC|SK)[0-9a-f]{32}/g;

/**
 * All token formats, anchored (sticky) at a prefix hit. Linear: every alternative starts with a
 * literal prefix, uses only bounded repetitions of a single character class, and ends with a
 * one-character lookahead, so the work at a position is bounded by the longest repetition; the
 * lookbehind rules out starts inside a word.
 */
const TOKEN_RE = new RegExp(
  '(?<![A-Za-z0-9])(?:' +
    [
      '(?<aws>(?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])',
      '(?<github>gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})(?![A-Za-z0-9_])',
      '(?<slack>xox[abprs]-[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])',
      '(?<stripe>[sr]k_live_[A-Za-z0-9]{16,247})(?![A-Za-z0-9])',
      '(?<anthropic>sk-ant-[A-Za-z0-9_-]{32,250})(?![A-Za-z0-9_-])',
      '(?<openai>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,250})(?![A-Za-z0-9_-])',
      '(?<google>AIza[A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])',
      '(?<npm>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])',
      '(?<gitlab>glpat-[A-Za-z0-9_-]{20,64})(?![A-Za-z0-9_-])',
      '(?<twilio>(?:AC|SK)[0-9a-f]{32})(?![A-Za-z0-9])',
      '(?<sendgrid>SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])',
    ].join('|') +
    ')',
  'y',
);

type TokenKind = 'aws' | 'github' | 'slack' | 'stripe' | 'anthropic' | 'openai' | 'google' | 'npm' | 'gitlab' | 'twilio' | 'sendgrid';
const TOKEN_KINDS: readonly TokenKind[] = ['aws', 'github', 'slack', 'stripe', 'anthropic', 'openai', 'google', 'npm', 'gitlab', 'twilio', 'sendgrid'];

/** Scores of fixed-prefix formats: a prefix plus an exact alphabet and length is very specific. */
const TOKEN_SCORE: Readonly<Record<TokenKind, number>> = {
  aws: 0.9,
  github: 0.97,
  slack: 0.95,
  stripe: 0.97,
  anthropic: 0.97,
  openai: 0.9,
  google: 0.95,
  npm: 0.97,
  gitlab: 0.97,
  twilio: 0.7,
  sendgrid: 0.97,
};

/** Longest JWT parts looked at: header, payload, signature. */
const JWT_MAX = [4096, 16_384, 4096] as const;

/**
 * An AWS secret access key (40 base64 characters), looked for only when the text holds an access
 * key id, and paired with an id at most `AWS_WINDOW` characters away. Linear: a bounded repetition
 * of one class between one-character lookarounds (the lookbehind allows starts at run starts only).
 */
const AWS_SECRET_RE = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const AWS_WINDOW = 256;

/** Whether a JWT's first part decodes to a JSON object with a string `alg`. */
function isJwtHeader(part: string): boolean {
  try {
    const header: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

function isJsonObject(part: string): boolean {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** API tokens and JWTs: category `api-token` (and `credential` for a paired AWS secret) or `jwt`. */
export function scanTokens(text: string, out: DetectorFinding[]): void {
  const awsIds: Array<{ start: number; end: number }> = [];
  PREFIX_RE.lastIndex = 0;
  for (let hit = PREFIX_RE.exec(text); hit !== null; hit = PREFIX_RE.exec(text)) {
    const s = hit.index;
    if (hit[0] === 'eyJ') {
      const jwt = jwtAt(text, s);
      if (jwt !== null) {
        out.push(secretFinding('jwt', jwt.score, s, jwt.end));
        PREFIX_RE.lastIndex = jwt.end;
      }
      continue;
    }
    TOKEN_RE.lastIndex = s;
    const m = TOKEN_RE.exec(text);
    if (m === null) continue;
    const groups = m.groups ?? {};
    const kind = TOKEN_KINDS.find((k) => groups[k] !== undefined);
    const value = m[0];
    const e = s + value.length;
    PREFIX_RE.lastIndex = e;
    if (kind === undefined || !acceptToken(kind, value)) continue;
    if (kind === 'aws') awsIds.push({ start: s, end: e });
    else out.push(secretFinding('api-token', TOKEN_SCORE[kind], s, e));
  }
  if (awsIds.length > 0) pairAwsSecrets(text, awsIds, out);
}

/**
 * A JWT starting at `s` (where `eyJ` was found): three base64url parts separated by dots, the
 * header decoding to JSON with `alg`. Returns its end and score, or null. Parsed by hand rather than by
 * a regular expression with long bounded repetitions: a JWT must start a run of token characters
 * (after white space, a quote, `=`, `:`…), so each run is read at most once and the scan stays
 * linear even for runs like `eyJ-eyJ-eyJ-…`. Scores 0.95 when the payload is a JSON object
 * too, else 0.9.
 */
function jwtAt(text: string, s: number): { end: number; score: number } | null {
  if (s > 0 && isTokenChar(text.charCodeAt(s - 1))) return null;
  const limit = Math.min(text.length, s + JWT_MAX[0] + JWT_MAX[1] + JWT_MAX[2] + 2);
  const dots: number[] = [];
  let j = s;
  for (; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c === 46) {
      dots.push(j);
      if (dots.length > 3) return null;
    } else if (!isTokenChar(c)) {
      break;
    }
  }
  if (j === limit && j < text.length && isTokenChar(text.charCodeAt(j))) return null;
  // A trailing dot ends a sentence ("… eyJ…xyz."), it is not a fourth part.
  let end = j;
  if (dots.length === 3 && dots[2] === j - 1) {
    dots.pop();
    end = j - 1;
  }
  const [d1, d2] = dots;
  if (dots.length !== 2 || d1 === undefined || d2 === undefined) return null;
  const header = d1 - s;
  const payload = d2 - d1 - 1;
  const signature = end - d2 - 1;
  if (header < 5 || header > JWT_MAX[0] || payload < 2 || payload > JWT_MAX[1] || signature > JWT_MAX[2]) return null;
  if (!isJwtHeader(text.slice(s, d1))) return null;
  return { end, score: isJsonObject(text.slice(d1 + 1, d2)) ? 0.95 : 0.9 };
}

/**
 * Pair AWS access key ids with a secret access key (40 base64 characters) within `AWS_WINDOW`
 * characters. The candidates are found in one pass over the text and validated once each, then
 * matched to the ids in order, so the work stays linear however many ids the text holds.
 */
function pairAwsSecrets(text: string, ids: ReadonlyArray<{ start: number; end: number }>, out: DetectorFinding[]): void {
  const secrets: Array<{ start: number; end: number }> = [];
  AWS_SECRET_RE.lastIndex = 0;
  for (let m = AWS_SECRET_RE.exec(text); m !== null; m = AWS_SECRET_RE.exec(text)) {
    const k = charClasses(m[0]);
    if (k.lower && k.upper && k.digit && shannonEntropy(m[0]) >= 4) secrets.push({ start: m.index, end: m.index + 40 });
  }
  const used = new Set<number>();
  let first = 0;
  for (const id of ids) {
    while (first < secrets.length && (secrets[first]?.end ?? 0) < id.start - AWS_WINDOW) first++;
    let paired = false;
    for (let k = first; k < secrets.length; k++) {
      const secret = secrets[k];
      if (secret === undefined || secret.start > id.end + AWS_WINDOW) break;
      if (secret.start < id.end && secret.end > id.start) continue;
      if (!used.has(k)) {
        used.add(k);
        out.push(secretFinding('credential', 0.97, secret.start, secret.end));
      }
      paired = true;
      break;
    }
    out.push(secretFinding('api-token', paired ? 1 : TOKEN_SCORE.aws, id.start, id.end));
  }
}

function acceptToken(kind: TokenKind, value: string): boolean {
  switch (kind) {
    case 'openai': {
      // `sk-` is a common prefix: rule out words joined by dashes ("sk-learn-…"); real keys mix
      // letters and digits.
      const k = charClasses(value);
      return k.digit && (k.lower || k.upper) && shannonEntropy(value) >= 3;
    }
    default:
      return true;
  }
}
