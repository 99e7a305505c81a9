/**
 * ASCII character classes tested by the secrets and personal-data scanners, on UTF-16 code
 * units (`charCodeAt`): a comparison or two each, so the hand-written scanning loops stay fast.
 * Any unit outside ASCII (and `NaN`, read past the end of a string) belongs to none of them.
 */

/** `0`–`9`. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `A`–`Z`, `a`–`z`. */
export function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** A letter, a digit or `_`. */
export function isWordChar(c: number): boolean {
  return isDigit(c) || isLetter(c) || c === 95;
}

/** Space, tab, line feed, carriage return. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** A character of standard base64, padding included: letters, digits, `+`, `/`, `=`. */
export function isBase64Char(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61;
}

/** A character of a token or an identifier: letters, digits, `_`, `-`, `.`. */
export function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
}
