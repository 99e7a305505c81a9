import { amountOfValue, amountsIn } from './amounts.js';

/**
 * Normalized matching of argument values against text an agent has read: does this value appear
 * in that text, up to case, spacing, punctuation, number formatting and the canonical forms of
 * IBANs, card and phone numbers, e-mail addresses and URLs?
 *
 * Four forms are compared:
 * - tokens: NFKC, lower case, invisible characters removed, letters/digits runs (each CJK, kana or
 *   Thai character a token of its own), joined by single spaces; a value matches when its token
 *   sequence occurs as whole tokens in the text ("Acme Corp." in "pay ACME corp now"). Only for
 *   values whose other characters are ordinary punctuation (PROSE_PUNCTUATION): the punctuation of
 *   "Acme Corp." is formatting, that of a shell command or of code is content.
 * - exact: for values with no letters or digits, or with other symbols (":(){ :|:& };:", "[]+!",
 *   "../../..", "../../etc/passwd", "x; rm -rf ~", emoji), and for values of digits and punctuation that are no
 *   amount ("40.-", "2024-01-15"): the canonical value, whitespace runs as one space, must occur as
 *   it is in the canonical text.
 * - compact: for values with at least 6 letters/digits of which one is a digit (IBANs, account,
 *   card and phone numbers): every non letter/digit removed, so "DE89 3704 0044" equals
 *   "de8937040044" and "+1 (555) 010-9999" equals "15550109999".
 * - number: a numeric value (a JSON number, or a string that is only a number) is compared, sign
 *   included, with the amounts of the text (amounts.ts): "1,000.00", "1.000,00" and "1000" are
 *   all "1000"; "-40" is not "40"; the digits of "C-1001", a date or a phone number are no amount.
 *
 * A value that has none of these forms (whitespace or invisible characters only, NaN) matches
 * nothing, so it takes the label of the whole task: only the empty string carries no data.
 *
 * Everything here runs on attacker-controlled text: the regular expressions are single character
 * classes or simple runs (linear time) and the text is bounded by the caller.
 */

export interface TextIndex {
  /** " tok1 tok2 … " (leading and trailing space, so whole-token search is a substring search). */
  readonly tokens: string;
  /** The canonical text with each whitespace run as one space. */
  readonly exact: string;
  readonly compact: string;
  /** The signed amounts of the text. */
  readonly numbers: ReadonlySet<string>;
}

// Zero-width, bidi controls and the BOM: invisible, and used to hide or split text.
const INVISIBLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// One token: a single CJK/kana/Thai character, or a run of letters, marks and digits.
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]|[\p{L}\p{M}\p{N}]+/gu;
const NOT_ALNUM = /[^\p{L}\p{N}]+/gu;
const WHITESPACE = /\s+/g;
const HAS_DIGIT = /\d/;
const ONLY_DIGIT_TOKENS = /^(?: \d+)+ $/;
/**
 * Characters of ordinary prose besides letters, marks, digits and whitespace: sentence punctuation,
 * quotes, parentheses, dashes and the separators of e-mail addresses and phone numbers. A value with
 * any other character — among them the path, shell and code characters "/", "\\", ";", "&", "|",
 * "$", "`", "<", ">", "[", "{", "=", "*", "~" — or with ".." is matched exactly.
 */
const NOT_PROSE = /[^\p{L}\p{M}\p{N}\s.,:!?'"()\-\u2010-\u2015\u2018\u2019\u201c\u201d\u00ab\u00bb@%#+_\u2026\u3001\u3002]|\.\./u;

export function canonicalText(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').toLowerCase();
}

function tokenString(canonical: string): string {
  const tokens = canonical.match(TOKEN);
  return tokens === null ? ' ' : ` ${tokens.join(' ')} `;
}

export function indexText(text: string): TextIndex {
  const canonical = canonicalText(text);
  return {
    tokens: tokenString(canonical),
    exact: canonical.replace(WHITESPACE, ' '),
    compact: canonical.replace(NOT_ALNUM, ''),
    numbers: amountsIn(canonical),
  };
}

/** The forms of one argument value to look for; undefined forms are not applicable. */
export interface ValueForms {
  readonly tokens: string | undefined;
  readonly exact: string | undefined;
  readonly compact: string | undefined;
  readonly number: string | undefined;
}

const NO_FORMS: ValueForms = Object.freeze({ tokens: undefined, exact: undefined, compact: undefined, number: undefined });

export function valueForms(value: string | number): ValueForms {
  if (typeof value === 'number') return { ...NO_FORMS, number: amountOfValue(value) };
  let canonical = canonicalText(value).trim();
  const url = urlForm(canonical);
  if (url !== undefined) canonical = url;
  const compact = canonical.replace(NOT_ALNUM, '');
  const number = amountOfValue(canonical);
  if (number !== undefined) {
    // Only a number: compared as an amount, and a long digit string also as a phone or account number.
    const digitsOnly = /^[+\-\u2212]?[\d ]+$/.test(canonical) && compact.length >= 7;
    return { ...NO_FORMS, number, compact: digitsOnly ? compact : undefined };
  }
  const tokens = tokenString(canonical);
  if (tokens === ' ' || NOT_PROSE.test(canonical)) {
    const exact = canonical.replace(WHITESPACE, ' ');
    return { ...NO_FORMS, exact: exact === '' ? undefined : exact };
  }
  if (ONLY_DIGIT_TOKENS.test(tokens)) {
    // Digits and punctuation but no amount ("40.-", "(40)", "2024-01-15", "+1 (555) 010-9999"): as
    // tokens they would be vouched for by the digits of any identifier ("C-40"); matched as written,
    // or compact when long enough to be a phone or account number.
    return { ...NO_FORMS, exact: canonical.replace(WHITESPACE, ' '), compact: compact.length >= 7 ? compact : undefined };
  }
  return { ...NO_FORMS, tokens, compact: compact.length >= 6 && HAS_DIGIT.test(compact) ? compact : undefined };
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
  if (forms.exact !== undefined && index.exact.includes(forms.exact)) return true;
  if (forms.compact !== undefined && index.compact.includes(forms.compact)) return true;
  return false;
}
