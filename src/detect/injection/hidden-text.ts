/**
 * Text a human reader does not see but a model reads: invisible characters (zero-width, word
 * joiners, BOM, soft hyphens), bidirectional overrides, Unicode tag characters (ASCII smuggling),
 * HTML comments, CSS-hidden elements, Markdown comments, and encoded payloads (base64, hex or
 * binary octets that decode to readable text).
 *
 * What is found is reported with its span; what it hides is handed back (`revealed`) so the
 * detector can run its rules and model on it: the tag-character message, the text under a
 * right-to-left override read in visual order, decoded payloads, and the text with invisible
 * characters removed. Input is attacker-controlled: scans are linear (indexOf and single
 * character-class runs), decoded payloads are capped at MAX_DECODED code units and MAX_PAYLOADS.
 */
import { Buffer } from 'node:buffer';
import { CodeUnits } from './features.js';
import type { CueCategory } from './model.js';

export interface HiddenHit {
  readonly category: Extract<CueCategory, 'hidden-text' | 'encoded-payload'>;
  readonly rule: string;
  readonly score: number;
  readonly start: number;
  readonly end: number;
}

/** Text recovered from hiding, and where it was hidden. */
export interface Revealed {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Index of the hit in the hidden-text findings this text came from. */
  readonly hit: number;
}

export interface HiddenScan {
  readonly hits: readonly HiddenHit[];
  readonly revealed: readonly Revealed[];
  /** The text without invisible characters, and the offset in `text` of each of its code units; undefined when there were none. */
  readonly cleaned: { readonly text: string; readonly offsets: Int32Array } | undefined;
}

const MAX_PAYLOADS = 8;
const MAX_DECODED = 8192;
const MAX_HITS = 64;

/** Classes of ASCII code units: base64 alphabet (standard and URL-safe), upper, lower, hex digit, binary digit. */
const B64 = 1,
  UPPER = 2,
  LOWER = 4,
  HEX_DIGIT = 8,
  BIT = 16;
const ASCII_CLASS = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') ASCII_CLASS[c.charCodeAt(0)] = B64 | UPPER | ('ABCDEF'.includes(c) ? HEX_DIGIT : 0);
for (const c of 'abcdefghijklmnopqrstuvwxyz') ASCII_CLASS[c.charCodeAt(0)] = B64 | LOWER | ('abcdef'.includes(c) ? HEX_DIGIT : 0);
for (const c of '0123456789') ASCII_CLASS[c.charCodeAt(0)] = B64 | HEX_DIGIT | (c === '0' || c === '1' ? BIT : 0);
for (const c of '+/_-') ASCII_CLASS[c.charCodeAt(0)] = B64;
ASCII_CLASS[0x20] = ASCII_CLASS[0x09] = BIT;

const INVISIBLE_RUN = /[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]+/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;
const TAG_RUN = /(?:\udb40[\udc00-\udc7f])+/g;
const CSS_HIDDEN =
  /style\s{0,3}=\s{0,3}["'][^"'>]{0,300}?(?:display\s{0,3}:\s{0,3}none|visibility\s{0,3}:\s{0,3}hidden|font-size\s{0,3}:\s{0,3}0(?![.\d])|opacity\s{0,3}:\s{0,3}0(?![.\d])|(?<!-)color\s{0,3}:\s{0,3}(?:white|#fff(?:fff)?(?![0-9a-f])|transparent))/gi;
const MD_COMMENT = /(?:^|\n)[ \t]{0,3}\[[^\]\n]{0,40}\]:\s{0,8}(?:#|<>)\s{0,8}[("'][^\n]{0,500}/g;
const BINARY = /(?:[01]{8}[ \t]?){6,2048}/g;
const LETTER = /\p{L}/u;

const INVISIBLE_SEEN = 1,
  BIDI_SEEN = 2,
  TAG_SEEN = 4,
  RUN_SEEN = 8,
  BITS_SEEN = 16;

/**
 * One pass decides what may be hidden (most texts: nothing, done): invisible, bidirectional or tag
 * characters, a run of 24 base64 characters (hex included), a run of binary octets. HTML comments,
 * inline styles and Markdown comments are looked for by their markers afterwards.
 */
const units = new CodeUnits();

/** Candidate encoded runs found by `suspects`: kind (0 base64, 1 hex), start, end. */
const MAX_RUNS = MAX_PAYLOADS * 4;
const runs = new Int32Array(3 * MAX_RUNS);
let runCount = 0;

function recordRun(kind: number, start: number, end: number): void {
  if (runCount >= MAX_RUNS) return;
  runs[3 * runCount] = kind;
  runs[3 * runCount + 1] = start;
  runs[3 * runCount + 2] = end;
  runCount++;
}

function suspects(text: string): number {
  // base64 of text mixes upper and lower case (URLs and identifiers rarely do); hex is one case
  let run = 0,
    upper = false,
    lower = false,
    hex = 0,
    bits = 0,
    seen = 0;
  const u = units.units;
  for (let base = 0; base < text.length;) {
    const count = units.load(text, base, text.length);
    if (count === 0) break;
    base += count;
    for (let i = 0; i < count; i++) {
      const c = u[i]!;
      if (c >= 0x80) {
        if (c === 0xdb40) seen |= TAG_SEEN;
        else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) seen |= BIDI_SEEN;
        else if (c === 0xad || c === 0x180e || c === 0xfeff || (c >= 0x200b && c <= 0x200f) || (c >= 0x2060 && c <= 0x2064)) seen |= INVISIBLE_SEEN;
        run = hex = bits = 0;
        upper = lower = false;
        continue;
      }
      const k = ASCII_CLASS[c]!;
      if (k & B64) {
        run++;
        if (k & UPPER) upper = true;
        else if (k & LOWER) lower = true;
        if (run >= 24 && upper && lower) seen |= RUN_SEEN;
      } else {
        run = 0;
        upper = lower = false;
      }
      hex = k & HEX_DIGIT ? hex + 1 : 0;
      if (hex >= 32) seen |= RUN_SEEN;
      bits = k & BIT ? bits + 1 : 0;
      if (bits >= 53) seen |= BITS_SEEN;
    }
  }
  return seen;
}

/** The candidate runs themselves (only for texts where `suspects` saw one): base64 and hex. */
function findRuns(text: string): void {
  runCount = 0;
  let run = 0,
    runStart = 0,
    upper = false,
    lower = false,
    hex = 0,
    hexStart = 0;
  for (let g = 0; g <= text.length && runCount < MAX_RUNS; g++) {
    const c = g < text.length ? text.charCodeAt(g) : 0;
    const k = c < 0x80 ? ASCII_CLASS[c]! : 0;
    if (k & B64) {
      if (run++ === 0) runStart = g;
      if (k & UPPER) upper = true;
      else if (k & LOWER) lower = true;
    } else if (run > 0) {
      if (run >= 24 && upper && lower) recordRun(0, runStart, g);
      run = 0;
      upper = lower = false;
    }
    if (k & HEX_DIGIT) {
      if (hex++ === 0) hexStart = g;
    } else if (hex > 0) {
      if (hex >= 32) recordRun(1, hexStart, g);
      hex = 0;
    }
  }
}

const NOTHING: HiddenScan = Object.freeze({ hits: Object.freeze([]), revealed: Object.freeze([]), cleaned: undefined });

export function scanHidden(text: string): HiddenScan {
  const seen = suspects(text);
  const comment = text.includes('<!--');
  const style = text.includes('style');
  const markdown = text.includes(']:');
  if (seen === 0 && !comment && !style && !markdown) return NOTHING;
  const hits: HiddenHit[] = [];
  const revealed: Revealed[] = [];
  let invisible = 0;

  for (const m of seen & INVISIBLE_SEEN ? text.matchAll(INVISIBLE_RUN) : []) {
    invisible += m[0].length;
    if (hits.length >= MAX_HITS) continue;
    const start = m.index;
    const end = start + m[0].length;
    // Splitting a Latin word is the trick ("ig\u200bnore"); joiners and direction marks are normal in
    // emoji sequences, Persian, Indic and right-to-left text, zero-width spaces in Thai, soft hyphens anywhere.
    const inLatinWord = isAsciiLetterAt(text, start - 1) && isAsciiLetterAt(text, end);
    if (m[0].length < 4 && !inLatinWord && /^[\u200c-\u200f\u00ad]+$/.test(m[0])) continue;
    if (start === 0 && m[0] === '\ufeff') continue;
    const score = m[0].length >= 4 ? 0.85 : /^\u00ad+$/.test(m[0]) ? 0.2 : inLatinWord ? 0.5 : 0.3;
    hits.push({ category: 'hidden-text', rule: 'invisible-characters', score, start, end });
  }

  for (const m of seen & BIDI_SEEN ? text.matchAll(BIDI) : []) {
    if (hits.length >= MAX_HITS) break;
    const start = m.index;
    const override = m[0] === '\u202e' || m[0] === '\u202d';
    hits.push({ category: 'hidden-text', rule: override ? 'bidi-override' : 'bidi-control', score: override ? 0.6 : 0.25, start, end: start + 1 });
    if (m[0] === '\u202e' && revealed.length < MAX_PAYLOADS) {
      // Shown right to left: the model may read one thing, the human another. Reveal the visual order.
      let end = start + 1;
      const limit = Math.min(text.length, start + 1 + MAX_DECODED);
      while (end < limit && text[end] !== '\u202c' && text[end] !== '\n') end++;
      const visual = [...text.slice(start + 1, end)].reverse().join('');
      revealed.push({ text: visual, start, end, hit: hits.length - 1 });
    }
  }

  for (const m of seen & TAG_SEEN ? text.matchAll(TAG_RUN) : []) {
    if (hits.length >= MAX_HITS) break;
    const start = m.index;
    if (start >= 2 && text.charCodeAt(start - 2) === 0xd83c && text.charCodeAt(start - 1) === 0xdff4) continue; // subdivision flags (🏴 + tags)
    let decoded = '';
    for (let i = 1; i < m[0].length && decoded.length < MAX_DECODED; i += 2) decoded += String.fromCharCode(m[0].charCodeAt(i) - 0xdc00);
    hits.push({ category: 'hidden-text', rule: 'tag-characters', score: decoded.length >= 4 ? 0.9 : 0.5, start, end: start + m[0].length });
    if (revealed.length < MAX_PAYLOADS) revealed.push({ text: decoded, start, end: start + m[0].length, hit: hits.length - 1 });
  }

  if (comment) scanComments(text, hits, revealed);

  for (const m of style ? text.matchAll(CSS_HIDDEN) : []) {
    if (hits.length >= MAX_HITS) break;
    hits.push({ category: 'hidden-text', rule: 'css-hidden', score: 0.4, start: m.index, end: m.index + m[0].length });
  }
  for (const m of markdown ? text.matchAll(MD_COMMENT) : []) {
    if (hits.length >= MAX_HITS) break;
    const start = m.index + (m[0].startsWith('\n') ? 1 : 0);
    hits.push({ category: 'hidden-text', rule: 'markdown-comment', score: 0.45, start, end: m.index + m[0].length });
    if (revealed.length < MAX_PAYLOADS) revealed.push({ text: m[0], start, end: m.index + m[0].length, hit: hits.length - 1 });
  }

  if (seen & (RUN_SEEN | BITS_SEEN)) scanEncoded(text, hits, revealed, (seen & BITS_SEEN) !== 0);
  return { hits, revealed, cleaned: invisible > 0 || seen & TAG_SEEN ? clean(text) : undefined };
}

/** HTML comments, by indexOf (no regex over the comment body); an unterminated one runs to the end. */
function scanComments(text: string, hits: HiddenHit[], revealed: Revealed[]): void {
  let from = 0;
  while (hits.length < MAX_HITS) {
    const open = text.indexOf('<!--', from);
    if (open < 0) return;
    const close = text.indexOf('-->', open + 4);
    const end = close < 0 ? text.length : close + 3;
    const body = text.slice(open + 4, Math.min(close < 0 ? text.length : close, open + 4 + MAX_DECODED));
    let letters = 0;
    for (let i = 0; i < body.length && letters < 12; i++) if (isLetterAt(body, i)) letters++;
    if (letters >= 12) {
      hits.push({ category: 'hidden-text', rule: 'html-comment', score: 0.35, start: open, end });
      if (revealed.length < MAX_PAYLOADS) revealed.push({ text: body, start: open, end, hit: hits.length - 1 });
    }
    from = end;
  }
}

function scanEncoded(text: string, hits: HiddenHit[], revealed: Revealed[], binary: boolean): void {
  const candidates: [number, number, string][] = [];
  findRuns(text);
  for (let r = 0; r < runCount; r++) {
    const start = runs[3 * r + 1]!;
    const end = Math.min(runs[3 * r + 2]!, start + 2 * MAX_DECODED);
    const s = text.slice(start, end);
    candidates.push([start, runs[3 * r + 2]!, runs[3 * r] === 0 ? decodeBase64(s) : Buffer.from(s.slice(0, s.length & ~1), 'hex').toString('utf8')]);
  }
  for (const m of binary ? text.matchAll(BINARY) : []) {
    const bits = m[0].replace(/[ \t]/g, '');
    const bytes = new Uint8Array(Math.min(MAX_DECODED, bits.length >> 3));
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
    candidates.push([m.index, m.index + m[0].length, Buffer.from(bytes).toString('utf8')]);
    if (candidates.length >= MAX_PAYLOADS * 4) break;
  }
  for (const [start, end, decoded] of candidates) {
    if (revealed.length >= MAX_PAYLOADS || hits.length >= MAX_HITS) return;
    if (!readable(decoded)) continue;
    hits.push({ category: 'encoded-payload', rule: 'encoded-text', score: 0.45, start, end });
    revealed.push({ text: decoded.slice(0, MAX_DECODED), start, end, hit: hits.length - 1 });
  }
}

function decodeBase64(s: string): string {
  const standard = s.replace(/-/g, '+').replace(/_/g, '/');
  return Buffer.from(standard.slice(0, (MAX_DECODED * 4) / 3), 'base64').toString('utf8');
}

/** Decoded bytes read as text: valid UTF-8, printable, with words (not an image, a key or a hash). */
function readable(s: string): boolean {
  if (s.length < 12) return false;
  let printable = 0,
    letters = 0,
    spaces = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfffd) return false; // invalid UTF-8
    if (c === 0x20) spaces++;
    if (c >= 0x20 || c === 0x0a || c === 0x0d || c === 0x09) printable++;
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c > 0x7f && LETTER.test(s[i]!))) letters++;
  }
  return printable / s.length > 0.95 && letters / s.length > 0.5 && (spaces > 0 || letters > 0.9 * s.length);
}

function isAsciiLetterAt(text: string, i: number): boolean {
  const c = i >= 0 && i < text.length ? text.charCodeAt(i) | 0x20 : 0;
  return c >= 0x61 && c <= 0x7a;
}

function isLetterAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  return LETTER.test(text[i]!);
}

const STRIP = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\udb40[\udc00-\udfff]/;

/** The text without invisible characters, with the offset of each remaining code unit. */
function clean(text: string): { text: string; offsets: Int32Array } {
  const offsets = new Int32Array(text.length);
  const parts: string[] = [];
  let n = 0;
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const two = text.charCodeAt(i) === 0xdb40 ? text.slice(i, i + 2) : text[i]!;
    if (STRIP.test(two)) {
      if (i > runStart) parts.push(text.slice(runStart, i));
      i += two.length - 1;
      runStart = i + 1;
      continue;
    }
    offsets[n++] = i;
  }
  if (runStart < text.length) parts.push(text.slice(runStart));
  return { text: parts.join(''), offsets: offsets.subarray(0, n) };
}
