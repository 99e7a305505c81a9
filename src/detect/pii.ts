import type { Detector, DetectorFinding } from './detector.js';
import type { Confidentiality } from '../flow/label.js';

/**
 * Personal and financial data in text: IBANs (mod-97 verified), payment card numbers (Luhn
 * verified, plausible issuer prefix and length), e-mail addresses, phone numbers and US social
 * security numbers.
 *
 * Categories and confidentiality:
 * - `iban`, `card-number`, `ssn` → `confidential`: account and identity numbers enable fraud on
 *   their own and are regulated (PCI DSS for cards); they must not leave the organisation.
 * - `email`, `phone` → `internal`: contact data is personal and must not be published, but it is
 *   routinely shared inside an organisation (signatures, tickets), so it does not restrict
 *   internal flows.
 *
 * The text is attacker-controlled. The scan is one forward pass over the digits (found by the
 * regular expression engine), which consumes each number (or IBAN) before moving on,
 * and an `indexOf('@')` loop for e-mail addresses whose expansion stops at the next `@`; every
 * expansion is bounded, so the cost is linear in the length of the text.
 */

const NAME = 'pii';

/** IBAN lengths by country (ISO 13616 registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20,
};

/** An IBAN without spaces or dashes, upper-cased. */
export function normalizeIban(s: string): string {
  return s.replace(/[\s-]+/g, '').toUpperCase();
}

/** ISO 7064 mod 97-10 over an upper-case IBAN: move the first four characters to the end, letters count 10–35. */
function ibanRemainder(iban: string): number {
  let rem = 0;
  const n = iban.length;
  for (let k = 0; k < n; k++) {
    const c = iban.charCodeAt((k + 4) % n);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return -1;
  }
  return rem;
}

/** Whether `s` (spaces and dashes allowed, any case) is an IBAN of a known country with the right length and check digits. */
export function isValidIban(s: string): boolean {
  if (s.length > 64) return false;
  const iban = normalizeIban(s);
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(iban)) return false;
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  return ibanRemainder(iban) === 1;
}

/** Whether a string of digits passes the Luhn check (false for an empty string or any non-digit). */
export function luhnValid(digits: string): boolean {
  if (digits.length === 0) return false;
  let sum = 0;
  let double = false;
  for (let k = digits.length - 1; k >= 0; k--) {
    let d = digits.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Whether the issuer prefix (IIN) and length of a card number match a known card scheme. */
export function plausibleCard(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19) return false;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  switch (digits.charCodeAt(0) - 48) {
    case 4: // Visa
      return n === 13 || n === 16 || n === 19;
    case 5: // Mastercard 51–55; Maestro 50, 56–59
      return p2 >= 51 && p2 <= 55 ? n === 16 : n >= 13;
    case 2: // Mastercard 2221–2720; Mir 2200–2204
      return (p4 >= 2221 && p4 <= 2720 && n === 16) || (p4 >= 2200 && p4 <= 2204 && n >= 16);
    case 3: // Amex 34, 37; JCB 3528–3589; Diners 300–305, 309, 36, 38, 39
      if (p2 === 34 || p2 === 37) return n === 15;
      if (p4 >= 3528 && p4 <= 3589) return n >= 16;
      return ((p3 >= 300 && p3 <= 305) || p3 === 309 || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14;
    case 6: // Discover 6011, 644–649, 65, 622126–622925; UnionPay 62; Maestro 6x
      return n >= 16 || (p6 >= 600000 && n >= 13);
    default:
      return false;
  }
}

function finding(category: string, score: number, start: number, end: number, confidentiality: Confidentiality): DetectorFinding {
  return { detector: NAME, category, score, start, end, confidentiality };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isWordChar(c: number): boolean {
  return isDigit(c) || isLetter(c) || c === 95;
}

/** Words before a number that make it a reference rather than a phone number. Linear: literals anchored at the end of a ≤ 24-character slice. */
const REFERENCE_BEFORE = /(?:\b(?:order|invoice|inv|ref|reference|ticket|case|account|acct|id|no|nr|number|version|build|release|serial|sku|isbn|po)|#)\W{0,3}$/i;
/** Words before a number that make it a phone number. Linear: as above. */
const PHONE_BEFORE = /\b(?:tel|telephone|phone|mobile|cell|fax|call|whatsapp|contact)\b\W{0,4}$/i;

/** A number as written: its digits, the lengths of its digit groups, and how they were separated. */
interface NumberRun {
  readonly start: number;
  readonly end: number;
  readonly digits: string;
  readonly groups: readonly number[];
  /** Separator characters used between groups (`' '`, `'-'`, `'.'`, `'('`, `')'`). */
  readonly seps: string;
  readonly plus: boolean;
}

/** Longest number read (digits): E.164 allows 15, cards 19; anything longer is not examined. */
const MAX_DIGITS = 24;

export class PiiDetector implements Detector {
  readonly name = NAME;

  scan(text: string): readonly DetectorFinding[] {
    const out: DetectorFinding[] = [];
    scanNumbers(text, out);
    if (text.includes('@')) scanEmails(text, out);
    if (out.length > 1) out.sort((a, b) => a.start - b.start);
    return out;
  }
}

/** Finds the next digit; linear: a single character class. */
const DIGIT_RE = /[0-9]/g;

function scanNumbers(text: string, out: DetectorFinding[]): void {
  const n = text.length;
  DIGIT_RE.lastIndex = 0;
  for (let m = DIGIT_RE.exec(text); m !== null; m = DIGIT_RE.exec(text)) {
    const i = m.index;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
    let next: number;
    if (isLetter(prev)) {
      const end = i >= 2 ? matchIban(text, i - 2, out) : -1;
      next = end > 0 ? end : skipWord(text, i);
    } else if (isWordChar(prev) || (isJoiner(prev) && i >= 2 && isWordChar(text.charCodeAt(i - 2)))) {
      // Part of a word, a version ("v1.2") or a reference ("INV-2024"): not a number of its own.
      next = skipNumberish(text, i);
    } else {
      let j = i;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (j - i < 8 && prev !== 43 && prev !== 40 && !continuesNumber(text, j)) {
        // Fast path: a short number standing alone (a price, a year, a count) is never reported.
        next = j;
      } else {
        const run = readNumber(text, i);
        if (run !== null) classifyNumber(text, run, out);
        next = Math.max(j, run?.end ?? skipNumberish(text, i));
      }
    }
    DIGIT_RE.lastIndex = next;
  }
}

/** Whether a separator (one or two of space, `-`, `.`, `(`, `)`) and another digit follow `j`. */
function continuesNumber(text: string, j: number): boolean {
  for (let k = j; k < j + 2; k++) {
    const c = text.charCodeAt(k);
    if (!(c === 32 || c === 45 || c === 46 || c === 40 || c === 41)) return false;
    if (isDigit(text.charCodeAt(k + 1))) return true;
  }
  return false;
}

function isJoiner(c: number): boolean {
  return c === 45 || c === 46 || c === 47 || c === 58 || c === 44;
}

function skipWord(text: string, i: number): number {
  while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
  return i;
}

/** Skip digits and the punctuation that joins them (`1.2.3`, `2024-01-15`, `10:30`). */
function skipNumberish(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isWordChar(c) || ((isJoiner(c) || c === 32) && isDigit(text.charCodeAt(i + 1)))) i++;
    else break;
  }
  return i;
}

/**
 * Read a number that starts with the digit at `i`: digit groups joined by one or two separator
 * characters out of space, `-`, `.`, `(`, `)`. Returns null (after which the caller skips the
 * whole run) when the number is glued to letters or other numbers, or is too long.
 */
function readNumber(text: string, i: number): NumberRun | null {
  const n = text.length;
  let start = i;
  let open = false;
  let plus = false;
  if (text.charCodeAt(start - 1) === 40) {
    open = true;
    start--;
  }
  if (text.charCodeAt(start - 1) === 43) {
    plus = true;
    start--;
  }
  if (start > 0 && isWordChar(text.charCodeAt(start - 1))) return null;
  let digits = '';
  const groups: number[] = [];
  let seps = '';
  let j = i;
  for (;;) {
    const g = j;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    groups.push(j - g);
    digits += text.slice(g, j);
    if (digits.length > MAX_DIGITS || groups.length > 8) return null;
    // Separator: one or two characters, then a digit.
    let k = j;
    let sep = '';
    while (k < n && k - j < 2) {
      const c = text.charCodeAt(k);
      if (c === 32 || c === 45 || c === 46) sep += text[k];
      else if (c === 40 && !open) {
        open = true;
        sep += '(';
      } else if (c === 41 && open) {
        open = false;
        sep += ')';
      } else break;
      k++;
    }
    if (sep.length === 0 || !isDigit(text.charCodeAt(k))) break;
    seps += sep;
    j = k;
  }
  if (open && text.charCodeAt(j) === 41) j++;
  // Right boundary: not glued to a word, and not continued by `.`/`-`/`/`/`:`/`,` and more characters.
  const next = text.charCodeAt(j);
  if (isWordChar(next)) return null;
  if (isJoiner(next) && isWordChar(text.charCodeAt(j + 1))) return null;
  return { start, end: j, digits, groups, seps, plus };
}

function classifyNumber(text: string, run: NumberRun, out: DetectorFinding[]): void {
  const { digits, groups, seps } = run;
  const n = digits.length;
  const sepKinds = new Set(seps);
  // Card numbers: 13–19 digits, written without separators or in the schemes' groupings.
  if (!run.plus && n >= 13 && n <= 19 && !sepKinds.has('(') && !sepKinds.has('.') && sepKinds.size <= 1 && cardGrouping(groups)) {
    if (plausibleCard(digits) && luhnValid(digits)) {
      out.push(finding('card-number', groups.length > 1 ? 0.95 : 0.85, run.start, run.end, 'confidential'));
    }
    return;
  }
  // US social security numbers: 3-2-4 with dashes, none of the never-issued blocks.
  if (!run.plus && groups.length === 3 && groups[0] === 3 && groups[1] === 2 && groups[2] === 4 && seps === '--') {
    const area = Number(digits.slice(0, 3));
    if (area !== 0 && area !== 666 && area < 900 && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000') {
      out.push(finding('ssn', 0.7, run.start, run.end, 'confidential'));
    }
    return;
  }
  const phone = phoneScore(text, run);
  if (phone > 0) out.push(finding('phone', phone, run.start, run.end, 'internal'));
}

function cardGrouping(groups: readonly number[]): boolean {
  if (groups.length === 1) return true;
  const g = groups.join('-');
  if (g === '4-6-5' || g === '4-6-4') return true; // Amex, Diners
  for (let k = 0; k < groups.length - 1; k++) if (groups[k] !== 4) return false;
  const last = groups[groups.length - 1] ?? 0;
  return groups.length >= 3 && last >= 1 && last <= 4;
}

/**
 * Phone numbers: `+` and a country code with 8–15 digits (E.164), `00` international prefix,
 * North American 3-3-4 with a valid area code, or a national trunk `0` number of
 * 10–12 digits written in groups. Dates, versions, IP addresses and plain integers match none of
 * these shapes; numbers right after "order", "invoice", "ref"… are skipped; "tel", "phone"…
 * before a number raise the score and admit unseparated national numbers.
 */
function phoneScore(text: string, run: NumberRun): number {
  const { digits, groups, seps } = run;
  const n = digits.length;
  const before = text.slice(Math.max(0, run.start - 24), run.start);
  if (REFERENCE_BEFORE.test(before)) return 0;
  const context = PHONE_BEFORE.test(before) ? 0.1 : 0;
  const sepKinds = new Set(seps.replace(/[()]/g, ''));
  if (sepKinds.size > 1) {
    // Mixed separators are fine around parentheses ("(555) 123-4567"), otherwise suspicious.
    if (!seps.includes(')') && !(sepKinds.size === 2 && sepKinds.has(' ') && sepKinds.has('-'))) return 0;
  }
  if (run.plus) {
    if (n >= 8 && n <= 15 && digits[0] !== '0') return Math.min(0.95, 0.9 + context);
    return 0;
  }
  if (digits.startsWith('00') && digits[2] !== '0' && groups.length >= 2 && n >= 10 && n <= 17) return Math.min(0.95, 0.75 + context);
  const nanpDigits = groups.length === 4 && groups[0] === 1 && digits[0] === '1' ? digits.slice(1) : digits;
  const nanpGroups = groups.length === 4 && groups[0] === 1 ? groups.slice(1) : groups;
  if (nanpDigits.length === 10 && /^[2-9]\d{9}$/.test(nanpDigits)) {
    if (nanpGroups.length === 3 && nanpGroups[0] === 3 && nanpGroups[1] === 3 && nanpGroups[2] === 4) return Math.min(0.95, 0.85 + context);
    if (groups.length === 1 && context > 0) return 0.75;
  }
  if (digits[0] === '0' && digits[1] !== '0' && n >= 10 && n <= 12) {
    if (groups.length >= 2 && groups.length <= 5 && groups.every((g) => g >= 2) && (groups[0] ?? 0) <= 5) {
      if (sepKinds.has('.') && !groups.every((g) => g === 2)) return 0;
      return Math.min(0.95, 0.7 + context);
    }
    if (groups.length === 1 && context > 0) return 0.7;
  }
  return 0;
}

/**
 * An IBAN starting at `s` (two letters, two check digits): exactly the country's length of
 * letters and digits, either unbroken or in space-separated groups of four, verified with mod 97.
 * Returns the end offset, or -1.
 */
function matchIban(text: string, s: number, out: DetectorFinding[]): number {
  if (!isLetter(text.charCodeAt(s)) || (s > 0 && isWordChar(text.charCodeAt(s - 1)))) return -1;
  if (!isDigit(text.charCodeAt(s + 3))) return -1;
  const length = IBAN_LENGTHS[text.slice(s, s + 2).toUpperCase()];
  if (length === undefined) return -1;
  let iban = '';
  let j = s;
  let spaced = false;
  while (iban.length < length && j < text.length) {
    const c = text.charCodeAt(j);
    if (isDigit(c) || isLetter(c)) {
      iban += text[j];
      j++;
      continue;
    }
    // A single space, only between groups of four, and then always there.
    if (c === 32 && iban.length % 4 === 0 && iban.length > 0 && (spaced || iban.length === 4) && isWordChar(text.charCodeAt(j + 1))) {
      spaced = true;
      j++;
      continue;
    }
    return -1;
  }
  if (iban.length !== length || isWordChar(text.charCodeAt(j))) return -1;
  const upper = iban.toUpperCase();
  if (ibanRemainder(upper) !== 1) return -1;
  out.push(finding('iban', 0.99, s, j, 'confidential'));
  return j;
}

function isLocalChar(c: number): boolean {
  return isWordChar(c) || c === 46 || c === 37 || c === 43 || c === 45;
}
function isDomainChar(c: number): boolean {
  return isDigit(c) || isLetter(c) || c === 46 || c === 45;
}

/** File extensions that look like top-level domains in names such as "icon@2x.png". */
const FILE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'css', 'js', 'ts', 'json', 'pdf', 'txt']);
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/**
 * E-mail addresses around each `@`: the local part before it (at most 64 characters), the
 * domain after it (at most 253, at least two labels, an alphabetic top-level label).
 */
function scanEmails(text: string, out: DetectorFinding[]): void {
  let lastEnd = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > lastEnd && at - s < MAX_LOCAL && isLocalChar(text.charCodeAt(s - 1))) s--;
    while (s < at && text.charCodeAt(s) === 46) s++;
    if (s === at || text.charCodeAt(at - 1) === 46) continue;
    let e = at + 1;
    while (e < text.length && e - at <= MAX_DOMAIN && isDomainChar(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    const labels = text.slice(at + 1, e).split('.');
    if (labels.length < 2) continue;
    if (!labels.every((l) => l.length >= 1 && l.length <= 63 && !l.startsWith('-') && !l.endsWith('-'))) continue;
    const tld = (labels[labels.length - 1] ?? '').toLowerCase();
    if (!(/^[a-z]{2,24}$/.test(tld) || /^xn--[a-z0-9-]{1,59}$/.test(tld)) || FILE_TLDS.has(tld)) continue;
    out.push(finding('email', 0.95, s, e, 'internal'));
    lastEnd = e;
  }
}
