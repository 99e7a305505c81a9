import type { NumberRun } from './number-run.js';

/**
 * Whether a number written in a text is a phone number, and how sure that is, from its shape and
 * the words right before it.
 */

/** Words before a number that make it a reference rather than a phone number. Linear: literals anchored at the end of a ≤ 24-character slice. */
const REFERENCE_BEFORE =
  /(?:\b(?:order|invoice|inv|ref|reference|ticket|case|account|acct|id|no|nr|number|version|build|release|serial|sku|isbn|po)|#)\W{0,3}$/i;
/** Words before a number that make it a phone number. Linear: as above. */
const PHONE_BEFORE = /\b(?:tel|telephone|phone|mobile|cell|fax|call|whatsapp|contact)\b\W{0,4}$/i;

/**
 * Phone numbers: `+` and a country code with 8–15 digits (E.164), `00` international prefix,
 * North American 3-3-4 with a valid area code, or a national trunk `0` number of
 * 10–12 digits written in groups. Dates, versions, IP addresses and plain integers match none of
 * these shapes; numbers right after "order", "invoice", "ref"… are skipped; "tel", "phone"…
 * before a number raise the score and admit unseparated national numbers. Returns the score, or 0.
 */
export function phoneScore(text: string, run: NumberRun): number {
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
