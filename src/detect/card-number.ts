/**
 * Payment card numbers: the Luhn check digit, the issuer prefixes and lengths of the card schemes,
 * and the digit groupings in which card numbers are written.
 */

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

/** Whether digit groups of these lengths are how card numbers are written: one run, groups of four ending in a group of one to four (three groups or more), or Amex/Diners 4-6-5, 4-6-4. */
export function cardGrouping(groups: readonly number[]): boolean {
  if (groups.length === 1) return true;
  const g = groups.join('-');
  if (g === '4-6-5' || g === '4-6-4') return true; // Amex, Diners
  for (let k = 0; k < groups.length - 1; k++) if (groups[k] !== 4) return false;
  const last = groups[groups.length - 1] ?? 0;
  return groups.length >= 3 && last >= 1 && last <= 4;
}
