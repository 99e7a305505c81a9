import { isDigit, isLetter, isWordChar } from './ascii.js';

/**
 * International bank account numbers (ISO 13616): the country table, normalisation, validation
 * with the ISO 7064 mod 97-10 check, and recognition of an IBAN as written in a text.
 */

/** IBAN lengths by country (ISO 13616 registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
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

/**
 * An IBAN starting at `s` (two letters, two check digits): exactly the country's length of
 * letters and digits, either unbroken or in space-separated groups of four, verified with mod 97.
 * Returns the end offset, or -1. Reads at most the country's length of characters plus one space
 * per group of four, so the cost at a position is bounded.
 */
export function ibanEnd(text: string, s: number): number {
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
  return j;
}
