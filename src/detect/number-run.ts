import { isDigit, isWordChar } from './ascii.js';

/**
 * Reading a number as written in a text (digit groups and their separators) and skipping what is
 * not a number of its own, on attacker-controlled text. Everything here moves forward only:
 * `readNumber` stops after `MAX_DIGITS` digits or eight groups, and the caller resumes after what
 * was read or skipped, so each character is read a bounded number of times.
 */

/** A number as written: its digits, the lengths of its digit groups, and how they were separated. */
export interface NumberRun {
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

/** Whether a separator (one or two of space, `-`, `.`, `(`, `)`) and another digit follow `j`. */
export function continuesNumber(text: string, j: number): boolean {
  for (let k = j; k < j + 2; k++) {
    const c = text.charCodeAt(k);
    if (!(c === 32 || c === 45 || c === 46 || c === 40 || c === 41)) return false;
    if (isDigit(text.charCodeAt(k + 1))) return true;
  }
  return false;
}

/** `-`, `.`, `/`, `:`, `,`: punctuation that joins digits into a date, a version, a time or a list. */
export function isJoiner(c: number): boolean {
  return c === 45 || c === 46 || c === 47 || c === 58 || c === 44;
}

/** Skip the word characters from `i` on. */
export function skipWord(text: string, i: number): number {
  while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
  return i;
}

/** Skip digits and the punctuation that joins them (`1.2.3`, `2024-01-15`, `10:30`). */
export function skipNumberish(text: string, i: number): number {
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
export function readNumber(text: string, i: number): NumberRun | null {
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
