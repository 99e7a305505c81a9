/**
 * Invisible characters: code points that render as nothing and can hide or split words. The text
 * is attacker-controlled; every function here is a single forward pass (a one-class regular
 * expression or a few comparisons per code point), linear in the length of the input.
 */

/**
 * Code points that render as nothing (or only steer rendering) and can hide or split words:
 * soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers, Mongolian
 * selectors, zero-width space/joiners, direction marks, bidi embeddings/overrides/isolates, word
 * joiner and invisible operators, variation selectors, BOM, tag characters and the variation
 * selector supplement.
 */
export function isInvisible(cp: number): boolean {
  if (cp < 0xad) return false;
  if (cp === 0xad || cp === 0x34f || cp === 0x61c || cp === 0x3164 || cp === 0xfeff || cp === 0xffa0) return true;
  if (cp < 0x115f) return false;
  return (
    (cp >= 0x115f && cp <= 0x1160) ||
    (cp >= 0x17b4 && cp <= 0x17b5) ||
    (cp >= 0x180b && cp <= 0x180f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0x1d173 && cp <= 0x1d17a) ||
    (cp >= 0xe0000 && cp <= 0xe0fff)
  );
}

// Linear: a single character class, no quantifier nesting. The class lists combining and
// joining code points on purpose (each stands alone), hence the lint exception.
const HAS_INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}]/u;
// eslint-disable-next-line no-misleading-character-class -- the same class as above
const INVISIBLE_GLOBAL = new RegExp(HAS_INVISIBLE.source, 'gu');

/** Whether the text contains any character `isInvisible` accepts. */
export function hasInvisible(text: string): boolean {
  return HAS_INVISIBLE.test(text);
}

/** The text without its invisible characters. */
export function stripInvisible(text: string): string {
  return HAS_INVISIBLE.test(text) ? text.replace(INVISIBLE_GLOBAL, '') : text;
}
