/**
 * Normalized matching of argument values against text an agent has read: does this value appear
 * in that text, up to case, spacing, punctuation, number formatting and the canonical forms of
 * IBANs, card and phone numbers, e-mail addresses and URLs?
 *
 * Three forms are compared:
 * - tokens: NFKC, lower case, invisible characters removed, letters/digits runs (each CJK, kana or
 *   Thai character a token of its own), joined by single spaces; a value matches when its token
 *   sequence occurs as whole tokens in the text ("Acme Corp." in "pay ACME corp now").
 * - compact: for values with at least 6 letters/digits of which one is a digit (IBANs, account,
 *   card and phone numbers): every non letter/digit removed, so "DE89 3704 0044" equals
 *   "de8937040044" and "+1 (555) 010-9999" equals "15550109999".
 * - numbers: each number of the text in a canonical decimal form ("1,000.00", "1.000,00" and
 *   "1000" are all "1000"), compared with the value's.
 *
 * Everything here runs on attacker-controlled text: the regular expressions are single character
 * classes or simple runs (linear time) and the text is bounded by the caller.
 */

export interface TextIndex {
  /** " tok1 tok2 … " (leading and trailing space, so whole-token search is a substring search). */
  readonly tokens: string;
  readonly compact: string;
  readonly numbers: ReadonlySet<string>;
}

// Zero-width, bidi controls and the BOM: invisible, and used to hide or split text.
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// One token: a single CJK/kana/Thai character, or a run of letters, marks and digits.
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]|[\p{L}\p{M}\p{N}]+/gu;
// A number with optional grouping/decimal separators: digits, then (separator, digits)*.
const NUMBER = /\d+(?:[.,'\u00a0\u202f ]\d+)*/g;
const NOT_ALNUM = /[^\p{L}\p{N}]+/gu;
const HAS_DIGIT = /\d/;

export function canonicalText(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase();
}

function tokenString(canonical: string): string {
  const tokens = canonical.match(TOKEN);
  return tokens === null ? ' ' : ` ${tokens.join(' ')} `;
}

/**
 * The canonical decimal form of a written number. The last "." or "," is the decimal point when
 * it is followed by other than exactly three digits, or when both "." and "," occur ("1,234.5",
 * "1.234,50"); every other separator groups digits ("1,000", "1.000.000", "1 000").
 */
export function canonicalNumber(written: string): string | undefined {
  const lastDot = written.lastIndexOf('.');
  const lastComma = written.lastIndexOf(',');
  const lastSep = Math.max(lastDot, lastComma);
  let integer = written;
  let fraction = '';
  if (lastSep >= 0 && (written.length - lastSep - 1 !== 3 || (lastDot >= 0 && lastComma >= 0))) {
    integer = written.slice(0, lastSep);
    fraction = written.slice(lastSep + 1);
  }
  const digits = integer.replace(/\D/g, '').replace(/^0+(?=\d)/, '');
  const decimals = fraction.replace(/\D/g, '').replace(/0+$/, '');
  if (digits === '' && decimals === '') return undefined;
  const whole = digits === '' ? '0' : digits;
  return decimals === '' ? whole : `${whole}.${decimals}`;
}

export function indexText(text: string): TextIndex {
  const canonical = canonicalText(text);
  const numbers = new Set<string>();
  for (const written of canonical.match(NUMBER) ?? []) {
    const n = canonicalNumber(written);
    if (n !== undefined) numbers.add(n);
    // "1 000" may also be two numbers; keep the pieces too.
    for (const piece of written.split(/[\u00a0\u202f ']/)) {
      const p = canonicalNumber(piece);
      if (p !== undefined) numbers.add(p);
    }
  }
  return { tokens: tokenString(canonical), compact: canonical.replace(NOT_ALNUM, ''), numbers };
}

/** The forms of one argument value to look for; undefined forms are not applicable. */
export interface ValueForms {
  readonly tokens: string | undefined;
  readonly compact: string | undefined;
  readonly number: string | undefined;
}

export function valueForms(value: string | number): ValueForms {
  if (typeof value === 'number') {
    const number = Number.isFinite(value) ? canonicalNumber(String(Math.abs(value)).replace(/e.*$/i, '')) : undefined;
    return { tokens: undefined, compact: undefined, number };
  }
  let canonical = canonicalText(value).trim();
  const url = urlForm(canonical);
  if (url !== undefined) canonical = url;
  const tokens = tokenString(canonical);
  const compact = canonical.replace(NOT_ALNUM, '');
  const numeric = /^[+-]?[\d.,'\u00a0\u202f ]+$/.test(canonical) ? canonicalNumber(canonical.replace(/^[+-]/, '')) : undefined;
  return {
    tokens: tokens === ' ' ? undefined : tokens,
    compact: compact.length >= 6 && HAS_DIGIT.test(compact) ? compact : undefined,
    number: numeric,
  };
}

/** An http(s) URL compared as host (without "www.") + path + query: the scheme is not content. */
function urlForm(canonical: string): string | undefined {
  if (!/^https?:\/\//.test(canonical)) return undefined;
  try {
    const url = new URL(canonical);
    const path = url.pathname === '/' ? '' : url.pathname;
    return `${url.hostname.replace(/^www\./, '')}${path}${url.search}`;
  } catch {
    return undefined;
  }
}

/** Whether a value with these forms appears in the indexed text. */
export function appearsIn(forms: ValueForms, index: TextIndex): boolean {
  if (forms.number !== undefined && index.numbers.has(forms.number)) return true;
  if (forms.tokens !== undefined && index.tokens.includes(forms.tokens)) return true;
  if (forms.compact !== undefined && index.compact.includes(forms.compact)) return true;
  return false;
}

/** Whether the value carries any content at all (empty strings do not). */
export function hasContent(forms: ValueForms): boolean {
  return forms.tokens !== undefined || forms.compact !== undefined || forms.number !== undefined;
}
