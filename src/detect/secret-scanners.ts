import { isBase64Char, isSpace, isTokenChar } from './ascii.js';
import type { DetectorFinding } from './detector.js';
import { MAX_VALUE, PLACEHOLDER_RE, looksLikeSecretValue, secretFinding } from './secret-values.js';

/**
 * The secrets scanners other than token formats: PEM private keys (category `private-key`), and
 * credentials (category `credential`) assigned to a password/secret/token-like name or embedded in
 * the userinfo of a URL. Each is a forward pass driven by `indexOf` over fixed markers (`-----BEGIN `,
 * `:`/`=`, `://`) that looks only within fixed windows around each one.
 */

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

const MAX_NAME = 64;

/** PEM private keys: category `private-key`, score 1 with a matching footer, less when truncated. */
export function scanPem(text: string, out: DetectorFinding[]): void {
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
    out.push(secretFinding('private-key', score, at, end));
    at = text.indexOf('-----BEGIN ', end);
  }
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
export function scanAssignments(text: string, out: DetectorFinding[]): void {
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
    if (looksLikeSecretValue(value)) out.push(secretFinding('credential', 0.8, valueStart, valueEnd));
    // Resume after the value: each character is read a bounded number of times.
    if (colon >= 0 && colon < valueEnd) colon = text.indexOf(':', valueEnd);
    if (equals >= 0 && equals < valueEnd) equals = text.indexOf('=', valueEnd);
  }
}

/** `scheme://user:password@host`: the password part. */
export function scanUrlCredentials(text: string, out: DetectorFinding[]): void {
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    URL_USERINFO_RE.lastIndex = at + 3;
    const m = URL_USERINFO_RE.exec(text);
    if (m === null) continue;
    const password = m[2] ?? '';
    if (password.length < 3 || PLACEHOLDER_RE.test(password) || /^(?:pass(?:word)?|secret|\*+)$/i.test(password)) continue;
    const start = at + 3 + (m[1] ?? '').length + 1;
    out.push(secretFinding('credential', 0.85, start, start + password.length));
  }
}
