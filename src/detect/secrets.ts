import type { Detector, DetectorFinding } from './detector.js';

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
 * name before and the value after each one within fixed windows. Each regular expression below
 * says why it runs in linear time.
 */

const NAME = 'secrets';

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

/** PEM header of a private key. Linear: sticky, at most 3 bounded words before a literal. */
const PEM_HEADER_RE = /-----BEGIN ((?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?)-----/y;
/** Largest PEM block looked at (an RSA-16384 key is about 12 KB). */
const PEM_MAX = 65_536;

/** Userinfo of a URL after `://`. Linear: sticky; each bounded class excludes the next delimiter. */
const URL_USERINFO_RE = /([^\s/?#@:]{1,64}):([^\s/?#@]{1,128})@/y;

/**
 * Names whose value is a secret, matched against the name lower-cased with `-`, `_`, `.` removed
 * (`DB_PASSWORD`, `apiKey`, `client-secret`). Linear: alternation of literals anchored at the end
 * of a string of at most 64 characters.
 */
const SECRET_NAME_RE =
  /(?:pass(?:word|wd|phrase)?|pwd|secret|apikey|apitoken|token|accesskey|privatekey|secretkey|credentials?|authkey|sessionkey|signingkey|encryptionkey|masterkey)s?$/;

/**
 * Values that are placeholders, references or links, not secrets. Linear: alternation of literals and
 * anchored single-class repetitions, run on a value of at most 256 characters.
 */
const PLACEHOLDER_RE =
  /^(?:\$|<|\{\{|%|\*+$|x+$|\.\.\.|#|\\|https?:|www\.)|example|changeme|change_me|your[_-]|placeholder|redacted|dummy|sample|_here|env\(|process\.env|os\.environ|getenv|^(?:null|none|undefined|true|false)$/i;
/** A dotted identifier or a call (`config.db.password`, `getSecret(…)`). Linear: classes and one bounded group repetition with distinct delimiters. */
const CODE_REF_RE = /^[A-Za-z_$][\w$]{0,63}(?:\.[A-Za-z_$][\w$]{0,63}){1,8}$|^[A-Za-z_$][\w$.]{0,127}\(/;

const MAX_NAME = 64;
const MIN_VALUE = 8;
const MAX_VALUE = 256;

function finding(category: string, score: number, start: number, end: number): DetectorFinding {
  return { detector: NAME, category, score, start, end, confidentiality: 'secret' };
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

interface CharClasses {
  lower: boolean;
  upper: boolean;
  digit: boolean;
  other: boolean;
}

function charClasses(s: string): CharClasses {
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

export class SecretsDetector implements Detector {
  readonly name = NAME;

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

function scanPem(text: string, out: DetectorFinding[]): void {
  // `-----END ` positions are searched forward only: `nextEnd` is reused while it lies ahead, and
  // once none is left no search is repeated, so many headers without an end stay linear.
  let nextEnd = -2;
  let at = text.indexOf('-----BEGIN ');
  while (at >= 0) {
    PEM_HEADER_RE.lastIndex = at;
    const m = PEM_HEADER_RE.exec(text);
    if (m === null) {
      at = text.indexOf('-----BEGIN ', at + 11);
      continue;
    }
    const label = m[1] ?? '';
    const bodyStart = at + m[0].length;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf('-----END ', bodyStart);
    let end = -1;
    if (nextEnd >= 0 && nextEnd - bodyStart <= PEM_MAX) {
      const footer = `-----END ${label}-----`;
      if (text.startsWith(footer, nextEnd)) end = nextEnd + footer.length;
    }
    let score = 1;
    if (end < 0) {
      // No matching footer: the key is truncated (or the footer was cut). What is there still leaks.
      end = pemBodyEnd(text, bodyStart, Math.min(text.length, bodyStart + PEM_MAX));
      score = end - bodyStart >= 16 ? 0.9 : 0.6;
    }
    out.push(finding('private-key', score, at, end));
    at = text.indexOf('-----BEGIN ', end);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isBase64Char(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61;
}

/**
 * End of the base64 lines of a PEM body that has no footer. Lines are separated by white space or
 * by an escaped `\n` (keys pasted from JSON). A line of at least 16 base64 characters continues
 * the body; a shorter one only when the text or a `-----` marker follows it, so that the prose
 * after a truncated key is not swallowed.
 */
function pemBodyEnd(text: string, bodyStart: number, limit: number): number {
  let end = bodyStart;
  let j = bodyStart;
  while (j < limit) {
    for (;;) {
      const c = text.charCodeAt(j);
      if (isSpace(c)) j++;
      else if (c === 92 && (text.charCodeAt(j + 1) === 110 || text.charCodeAt(j + 1) === 114)) j += 2;
      else break;
    }
    let w = j;
    while (w < limit && isBase64Char(text.charCodeAt(w))) w++;
    if (w - j >= 16) {
      end = w;
      j = w;
      continue;
    }
    if (w > j && (w >= text.length || text.startsWith('-----', w))) end = w;
    break;
  }
  return end;
}

function scanTokens(text: string, out: DetectorFinding[]): void {
  const awsIds: Array<{ start: number; end: number }> = [];
  PREFIX_RE.lastIndex = 0;
  for (let hit = PREFIX_RE.exec(text); hit !== null; hit = PREFIX_RE.exec(text)) {
    const s = hit.index;
    if (hit[0] === 'eyJ') {
      const jwt = jwtAt(text, s);
      if (jwt !== null) {
        out.push(finding('jwt', jwt.score, s, jwt.end));
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
    else out.push(finding('api-token', TOKEN_SCORE[kind], s, e));
  }
  if (awsIds.length > 0) pairAwsSecrets(text, awsIds, out);
}

function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
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
        out.push(finding('credential', 0.97, secret.start, secret.end));
      }
      paired = true;
      break;
    }
    out.push(finding('api-token', paired ? 1 : TOKEN_SCORE.aws, id.start, id.end));
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

/** Characters that end an unquoted value: white space, quotes, `,;<>)]}` and `&` (URL queries). */
function endsValue(c: number): boolean {
  return isSpace(c) || c === 34 || c === 39 || c === 96 || c === 44 || c === 59 || c === 60 || c === 62 || c === 41 || c === 93 || c === 125 || c === 38;
}

/**
 * `name = value`, `name: value`, `"name": "value"`, `name := value`, `'name' => 'value'`: for each
 * `:` or `=`, read the name before it (at most 64 characters) and, if it names a secret, the value
 * after it (at most 256). Scanning resumes after a value, so each character is read a bounded
 * number of times.
 */
function scanAssignments(text: string, out: DetectorFinding[]): void {
  const n = text.length;
  // Visit every `:` and `=` in order, found with indexOf.
  let colon = text.indexOf(':');
  let equals = text.indexOf('=');
  while (colon >= 0 || equals >= 0) {
    let i: number;
    if (equals < 0 || (colon >= 0 && colon < equals)) {
      i = colon;
      colon = text.indexOf(':', i + 1);
    } else {
      i = equals;
      equals = text.indexOf('=', i + 1);
    }
    // The name, right before the separator (optionally quoted, optionally followed by spaces).
    let j = i - 1;
    while (j >= 0 && i - j <= 3 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
    const q = text.charCodeAt(j);
    if (q === 34 || q === 39) j--;
    const nameEnd = j + 1;
    while (j >= 0 && nameEnd - j <= MAX_NAME && isTokenChar(text.charCodeAt(j))) j--;
    const nameStart = j + 1;
    if (nameEnd - nameStart < 3 || nameEnd - nameStart > MAX_NAME) continue;
    const name = text.slice(nameStart, nameEnd).toLowerCase().replace(/[-_.]/g, '');
    if (!SECRET_NAME_RE.test(name)) continue;
    // The value: skip further separator characters (`:=`, `=>`) and spaces, then an optional quote.
    let k = i + 1;
    while (k < n && k - i <= 6) {
      const c = text.charCodeAt(k);
      if (c === 61 || c === 62 || c === 58 || c === 32 || c === 9) k++;
      else break;
    }
    const quote = text.charCodeAt(k);
    const quoted = quote === 34 || quote === 39 || quote === 96;
    if (quoted) k++;
    const valueStart = k;
    const limit = Math.min(n, valueStart + MAX_VALUE + 1);
    if (quoted) {
      while (k < limit && text.charCodeAt(k) !== quote && text.charCodeAt(k) !== 10) k++;
      if (text.charCodeAt(k) !== quote) continue;
    } else {
      // An escaped line break (`\n` in JSON or YAML source) ends the value too.
      while (k < limit && !endsValue(text.charCodeAt(k)) && !(text.charCodeAt(k) === 92 && text.charCodeAt(k + 1) === 110)) k++;
    }
    // A trailing full stop ends a sentence, not a password.
    let valueEnd = k;
    if (!quoted && text.charCodeAt(valueEnd - 1) === 46) valueEnd--;
    const value = text.slice(valueStart, valueEnd);
    if (looksLikeSecretValue(value)) out.push(finding('credential', 0.8, valueStart, valueEnd));
    // Resume after the value: each character is read a bounded number of times.
    if (colon >= 0 && colon < valueEnd) colon = text.indexOf(':', valueEnd);
    if (equals >= 0 && equals < valueEnd) equals = text.indexOf('=', valueEnd);
  }
}

/** `scheme://user:password@host`: the password part. */
function scanUrlCredentials(text: string, out: DetectorFinding[]): void {
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    URL_USERINFO_RE.lastIndex = at + 3;
    const m = URL_USERINFO_RE.exec(text);
    if (m === null) continue;
    const password = m[2] ?? '';
    if (password.length < 3 || PLACEHOLDER_RE.test(password) || /^(?:pass(?:word)?|secret|\*+)$/i.test(password)) continue;
    const start = at + 3 + (m[1] ?? '').length + 1;
    out.push(finding('credential', 0.85, start, start + password.length));
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
