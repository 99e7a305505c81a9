/**
 * Amounts: the numbers of a text that may vouch for a numeric argument value, each with its sign.
 *
 * A number in a text is an amount when it stands on its own: "refund of 40", "40.00 EUR", "€40",
 * "1.250,00", "-40". Digits that are part of something else are not: identifiers ("C1001",
 * "C-1001", "INV-2024-0042", "v2", "#1001"), dates and times ("2024-01-15", "15.01.2024", "10:30"),
 * phone numbers ("+44 20 7946 0958", "(555) 010-9999") and malformed groupings ("1.2.3"). The sign
 * is part of the amount: "-40" does not vouch for 40, nor "40" for -40.
 *
 * Everything here runs on attacker-controlled text bounded by the caller; the regular expressions
 * are single character classes or unambiguous runs (linear time).
 */

// A written number: digits with optional grouping/decimal separators (NFKC has made no-break spaces plain).
const NUMBER = /\d+(?:[.,' ]\d+)*/g;
// A run of digits joined by what joins the parts of a phone number, a date or a code.
const DIGIT_RUN = /[+(]?\d[\d .\-/()\u2212]*/g;
const WHOLE_NUMBER = /^\d+(?:[.,' ]\d+)*$/;
// Letters, marks, digits and "_": a number touching one is part of a word or identifier.
const WORD_CHAR = /[\p{L}\p{M}\p{N}_]/u;
const DIGIT = /\d/;
const MINUS = new Set(['-', '\u2212']);
// What joins the parts of an identifier, a date or a range: hyphens and dashes, "/", "_".
const JOINER = /^[-/_\u2010-\u2015\u2212]$/;
const CURRENCY = /\p{Sc}/u;
/** Fewest digits of a run taken for a phone number, date or code rather than separate amounts. */
const PHONE_DIGITS = 7;

/**
 * The canonical decimal form of a written number, or undefined when it is not a well-formed one.
 * The last "." or "," is the decimal point when it is followed by other than exactly three digits,
 * or when both "." and "," occur ("1,234.5", "1.234,50"); the other separators group digits, and
 * groups must be well formed: one separator kind, a first group of one to three digits and then
 * groups of three ("1,000", "1.000.000", "1 000", "1'000"; not "1.2.3" nor "15.01.2024").
 */
export function canonicalNumber(written: string): string | undefined {
  if (!WHOLE_NUMBER.test(written)) return undefined;
  const lastDot = written.lastIndexOf('.');
  const lastComma = written.lastIndexOf(',');
  const lastSep = Math.max(lastDot, lastComma);
  let integer = written;
  let fraction = '';
  if (lastSep >= 0 && (written.length - lastSep - 1 !== 3 || (lastDot >= 0 && lastComma >= 0))) {
    integer = written.slice(0, lastSep);
    fraction = written.slice(lastSep + 1);
    if (!/^\d+$/.test(fraction)) return undefined;
  }
  const separators = new Set(integer.replace(/\d/g, ''));
  if (separators.size > 1) return undefined;
  if (fraction !== '' && separators.has(written[lastSep] ?? '')) return undefined; // "1.000.5"
  const groups = integer.split(/[.,' ]/);
  if (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0] ?? '') || groups.slice(1).some((g) => g.length !== 3))) return undefined;
  const digits = integer.replace(/\D/g, '').replace(/^0+(?=\d)/, '');
  const decimals = fraction.replace(/0+$/, '');
  return decimals === '' ? digits : `${digits}.${decimals}`;
}

/** A canonical number with its sign ("-40"); zero has none. */
export function signed(canonical: string, negative: boolean): string {
  return negative && /[1-9]/.test(canonical) ? `-${canonical}` : canonical;
}

/**
 * The signed canonical amount a numeric argument value stands for: a JSON number (not NaN, not
 * infinite, not written with an exponent), or a string that is only a number, with an optional
 * sign and currency symbol ("40", "-40", "€40", "40 €", "1.250,00"). Undefined otherwise.
 */
export function amountOfValue(value: string | number): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    const written = String(Math.abs(value));
    if (/e/i.test(written)) return undefined; // 1e+21, 1e-7: no digits to compare with a text
    const canonical = canonicalNumber(written);
    return canonical === undefined ? undefined : signed(canonical, value < 0);
  }
  // A value is attacker-controlled: one unambiguous pattern, so linear time.
  const m = /^([+\-\u2212]?) ?(\p{Sc}?) ?([+\-\u2212]?)(\d+(?:[.,' ]\d+)*) ?(\p{Sc}?)$/u.exec(value);
  if (m === null) return undefined;
  const [, sign1 = '', symbol1 = '', sign2 = '', written = '', symbol2 = ''] = m;
  if ((sign1 !== '' && sign2 !== '') || (symbol1 !== '' && symbol2 !== '')) return undefined;
  const canonical = canonicalNumber(written);
  return canonical === undefined ? undefined : signed(canonical, MINUS.has(sign1) || MINUS.has(sign2));
}

/** The signed amounts of a canonical text (see the module comment for what counts as one). */
export function amountsIn(canonical: string): Set<string> {
  const amounts = new Set<string>();
  const excluded = phoneLikeRuns(canonical);
  let next = 0;
  for (const match of canonical.matchAll(NUMBER)) {
    const start = match.index;
    const written = match[0];
    const end = start + written.length;
    while (next < excluded.length && (excluded[next]?.[1] ?? 0) <= start) next++;
    const run = excluded[next];
    if (run !== undefined && run[0] <= start) continue;
    if (partOfIdentifier(canonical, start, end)) continue;
    const negative = negativeBefore(canonical, start);
    const whole = canonicalNumber(written);
    if (whole !== undefined) amounts.add(signed(whole, negative));
    // "1 000" may also be two numbers ("items 10 20"); keep the pieces too.
    if (written.includes(' ')) {
      written.split(' ').forEach((piece, i) => {
        const p = canonicalNumber(piece);
        if (p !== undefined) amounts.add(signed(p, negative && i === 0));
      });
    }
  }
  return amounts;
}

/**
 * Runs of at least PHONE_DIGITS digits joined by spaces, dots, hyphens, slashes or parentheses that
 * are not one well-formed number ("1 250 000" is one): phone numbers, dates, codes. As [start, end).
 */
function phoneLikeRuns(canonical: string): [number, number][] {
  const runs: [number, number][] = [];
  for (const match of canonical.matchAll(DIGIT_RUN)) {
    const text = match[0];
    let digits = 0;
    for (const c of text) if (c >= '0' && c <= '9') digits++;
    if (digits < PHONE_DIGITS) continue;
    const core = text.replace(/[^\d]+$/, '');
    if (!/[+(\-/\u2212]/.test(core) && canonicalNumber(core) !== undefined) continue;
    runs.push([match.index, match.index + text.length]);
  }
  return runs;
}

/**
 * Whether the number at [start, end) is part of a word, identifier, date or time: it touches a
 * letter or digit, or is joined to one by "-", "/", "_", "@" ("C-1001", "2024-01", "1001-a"), by
 * ":" or "." to a digit ("10:30"), or follows "#" or "№".
 */
function partOfIdentifier(text: string, start: number, end: number): boolean {
  const before = text[start - 1] ?? '';
  const before2 = text[start - 2] ?? '';
  const after = text[end] ?? '';
  const after2 = text[end + 1] ?? '';
  if (WORD_CHAR.test(before) || WORD_CHAR.test(after)) return true;
  if (before === '#' || before === '\u2116' || before === '@' || after === '@') return true;
  if (JOINER.test(before) && WORD_CHAR.test(before2)) return true;
  if (JOINER.test(after) && WORD_CHAR.test(after2)) return true;
  if ((before === ':' || before === '.') && DIGIT.test(before2)) return true;
  if (after === ':' && DIGIT.test(after2)) return true;
  return false;
}

/** A minus sign right before the number, or before a currency symbol right before it ("-40", "-€40", "€-40"). */
function negativeBefore(text: string, start: number): boolean {
  let i = start - 1;
  if (CURRENCY.test(text[i] ?? '')) i--;
  const sign = text[i] ?? '';
  if (!MINUS.has(sign)) return false;
  // A hyphen after a letter or digit joins ("C-1001"); the identifier check has already refused those.
  return !WORD_CHAR.test(text[i - 1] ?? '');
}
