import { isDigit, isLetter, isWordChar } from './ascii.js';
import { cardGrouping, luhnValid, plausibleCard } from './card-number.js';
import type { Detector, DetectorFinding } from './detector.js';
import { emailSpans } from './email.js';
import type { Confidentiality } from '../flow/label.js';
import { ibanEnd } from './iban.js';
import { type NumberRun, continuesNumber, isJoiner, readNumber, skipNumberish, skipWord } from './number-run.js';
import { phoneScore } from './phone-number.js';

export { isValidIban, normalizeIban } from './iban.js';
export { luhnValid, plausibleCard } from './card-number.js';

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
 *
 * IBANs are checked in `iban.ts`, card numbers in `card-number.ts`, numbers are read in
 * `number-run.ts` and judged as phone numbers in `phone-number.ts`, e-mail addresses are found in
 * `email.ts`.
 */

const NAME = 'pii';

function finding(category: string, score: number, start: number, end: number, confidentiality: Confidentiality): DetectorFinding {
  return { detector: NAME, category, score, start, end, confidentiality };
}

export class PiiDetector implements Detector {
  readonly name = NAME;

  scan(text: string): readonly DetectorFinding[] {
    const numbers: DetectorFinding[] = [];
    scanNumbers(text, numbers);
    for (let i = 1; i < numbers.length; i++) {
      if (numbers[i]!.start < numbers[i - 1]!.start) {
        numbers.sort((a, b) => a.start - b.start);
        break;
      }
    }
    if (!text.includes('@')) return numbers;
    const emails = emailSpans(text);
    if (emails.length === 0) return numbers;
    // Both lists are in text order: merge them (numbers first on a tie), linear where a sort is not.
    const out: DetectorFinding[] = [];
    let n = 0;
    for (const e of emails) {
      while (n < numbers.length && numbers[n]!.start <= e.start) out.push(numbers[n++]!);
      out.push(finding('email', 0.95, e.start, e.end, 'internal'));
    }
    while (n < numbers.length) out.push(numbers[n++]!);
    return out;
  }
}

/** Finds the next digit; linear: a single character class. */
const DIGIT_RE = /[0-9]/g;

/** IBANs, card numbers, SSNs and phone numbers: each run of digits is read once, then skipped. */
function scanNumbers(text: string, out: DetectorFinding[]): void {
  const n = text.length;
  DIGIT_RE.lastIndex = 0;
  for (let m = DIGIT_RE.exec(text); m !== null; m = DIGIT_RE.exec(text)) {
    const i = m.index;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
    let next: number;
    if (isLetter(prev)) {
      const end = i >= 2 ? ibanEnd(text, i - 2) : -1;
      if (end > 0) out.push(finding('iban', 0.99, i - 2, end, 'confidential'));
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

/** A number standing alone: a card number, an SSN, a phone number, or nothing. */
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
