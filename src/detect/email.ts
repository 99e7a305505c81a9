import { isDigit, isLetter, isWordChar } from './ascii.js';

/** E-mail addresses in text: the characters of each part, the bounds, and the scan. */

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
 * domain after it (at most 253, at least two labels, an alphabetic top-level label). Returns their
 * spans in order. The text is attacker-controlled: each `@` is found with `indexOf`, and the parts
 * read around it hold no `@` and stay within fixed windows (and the local part never reaches back
 * into the previous address), so each character is read a bounded number of times.
 */
export function emailSpans(text: string): Array<{ start: number; end: number }> {
  const spans: Array<{ start: number; end: number }> = [];
  let lastEnd = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > lastEnd && at - s < MAX_LOCAL && isLocalChar(text.charCodeAt(s - 1))) s--;
    while (s < at && text.charCodeAt(s) === 46) s++;
    if (s === at || text.charCodeAt(at - 1) === 46) continue;
    let e = at + 1;
    while (e < text.length && e - at <= MAX_DOMAIN && isDomainChar(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    // The labels between the dots, read in place (no split: addresses can be a few bytes apart).
    let labels = 0;
    let valid = true;
    let labelStart = at + 1;
    for (let i = at + 1; i <= e && valid; i++) {
      if (i < e && text.charCodeAt(i) !== 46) continue;
      const length = i - labelStart;
      valid = length >= 1 && length <= 63 && text.charCodeAt(labelStart) !== 45 && text.charCodeAt(i - 1) !== 45;
      labels++;
      if (i < e) labelStart = i + 1;
    }
    if (labels < 2 || !valid) continue;
    const tld = text.slice(labelStart, e).toLowerCase();
    if (!(/^[a-z]{2,24}$/.test(tld) || /^xn--[a-z0-9-]{1,59}$/.test(tld)) || FILE_TLDS.has(tld)) continue;
    spans.push({ start: s, end: e });
    lastEnd = e;
  }
  return spans;
}
