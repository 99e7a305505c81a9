/**
 * The override rule of the injection rules (rules.ts): around an "instructions" noun, in its
 * clause (at most CLAUSE code units each side, up to a clause end), the nearest verb of the noun's
 * language within VERB_DISTANCE (not negated: "do not ignore…") and a modifier ("previous",
 * "all"…) within MOD_DISTANCE. Two searches with the same results: `overrideAt` walks the folded
 * clause of each noun; `overrideIndexed` answers from walks of the whole folded text shared by
 * every noun (override-index.ts), for text dense in nouns.
 *
 * Input is attacker-controlled: clauses are bounded (2·CLAUSE), the stem regexes are alternations
 * of literals with one-character look-arounds, and the negation test reads at most 32 units.
 */
import { foldCodeUnit, foldedSkip, foldedSpace } from './features.js';
import { foldString, isWordAt } from './keywords.js';
import { OVERRIDE_STEMS } from './lexicon-override.js';
import { clauseOf, nearestInClause, type FoldedText, type StemRegex } from './override-index.js';
import type { RuleHit } from './rule-hit.js';

export const CLAUSE = 100;
/** Work counter of the override searches (units of clauses folded or searched), read by rules.ts `ruleWork`. */
export const overrideWork = { value: 0 };
/** Verb and modifier must lie this close to the noun (code units between the nearest edges). */
const VERB_DISTANCE = 60;
const MOD_DISTANCE = 40;
/** Languages whose imperative puts the verb before its object: the verb must come first. */
const VERB_FIRST = new Set(['en', 'es', 'fr', 'it', 'pt', 'nl', 'sv', 'da_no', 'ro', 'id_ms', 'vi', 'sw']);

export const CASED = '[a-z0-9_\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff]';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A folded stem as a regex source: at a word start in cased scripts, whole word if asked. */
function stemSource(stem: string, wholeWord: boolean): string {
  const folded = escapeRegExp(foldString(stem));
  if (!new RegExp(`^${CASED}`).test(folded)) return folded;
  return `(?<!${CASED})${folded}${wholeWord ? `(?!${CASED})` : ''}`;
}

function stemRegex(stems: readonly string[], wholeWord: boolean): StemRegex {
  const sources = [...stems].sort((a, b) => b.length - a.length).map((s) => stemSource(s, wholeWord));
  const source = sources.join('|');
  const wordStart = stems.length > 0 && stems.every((s) => new RegExp(`^${CASED}`).test(escapeRegExp(foldString(s))));
  return { re: new RegExp(source, 'g'), sticky: new RegExp(source, 'y'), maxLen: Math.max(0, ...stems.map((s) => foldString(s).length)), wordStart };
}

export interface Language {
  readonly name: string;
  readonly verb: StemRegex;
  readonly mod: StemRegex;
  readonly weak: StemRegex;
}

// English verbs must be whole words ("ignore", not "ignored"/"ignoring": descriptions, not orders).
export const languages: readonly Language[] = Object.entries(OVERRIDE_STEMS).map(([name, stems]) => ({
  name,
  verb: stemRegex(stems.verbs, name === 'en'),
  mod: stemRegex(stems.mods, name === 'en'),
  weak: stemRegex(stems.weak, name === 'en'),
}));

// Negation or condition right before the verb: "do not ignore", "if you ignore", "不要忽略"…
const NEGATIONS = [
  'not',
  'never',
  'no',
  'nicht',
  'kein',
  'ne',
  'non',
  'não',
  'nie',
  'niet',
  'ikke',
  'inte',
  'if you',
  'if we',
  'if they',
  'не',
  'ні',
  'μην',
  'δεν',
  'jangan',
  'không',
  'đừng',
  'nu',
];
const NEGATED_BEFORE = new RegExp(
  `(?:(?:^|[^a-z\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff])(?:${NEGATIONS.map((w) => escapeRegExp(foldString(w))).join('|')}) (?:\\S{1,12} )?|n't |(?:不要|不|别|別|勿|لا|אל) ?)$`,
);
const NEGATED_AFTER = /^(?:しないで|しない|せず|하지 ?(?:마|않))/;
const CLAUSE_END = new Set([...'.!?;\n。！？।॥؟۔'].map((c) => c.charCodeAt(0)));

const CLAUSE_END_UNIT = new Uint8Array(65536);
for (const c of CLAUSE_END) CLAUSE_END_UNIT[c] = 1;

function endsClause(c: number, thai: boolean): boolean {
  return CLAUSE_END.has(c) || (thai && c === 0x20);
}

/** The clause around [start, end): at most CLAUSE code units each side, up to a clause end. */
export function clauseBounds(text: string, start: number, end: number): [number, number] {
  // Thai is written without spaces between words: a space ends a clause.
  const thai = text.charCodeAt(start) >= 0x0e00 && text.charCodeAt(start) <= 0x0e7f;
  let left = start;
  const leftLimit = Math.max(0, start - CLAUSE);
  while (left > leftLimit && !endsClause(text.charCodeAt(left - 1), thai)) left--;
  let right = end;
  const rightLimit = Math.min(text.length, end + CLAUSE);
  while (right < rightLimit && !endsClause(text.charCodeAt(right), thai)) right++;
  return [left, right];
}

/** The clause around [start, end), folded, with the offset in `text` of each folded unit. */
export function foldedClause(text: string, start: number, end: number): { folded: string; at: number[]; noun: [number, number] } {
  const [left, right] = clauseBounds(text, start, end);
  let folded = '';
  const at: number[] = [];
  let last = foldedSpace;
  let noun: [number, number] = [0, 0];
  for (let i = left; i < right; i++) {
    if (i === start) noun = [folded.length, folded.length];
    const f = foldCodeUnit(text.charCodeAt(i));
    if (f === foldedSkip || (f === foldedSpace && last === foldedSpace)) continue;
    last = f;
    folded += String.fromCharCode(f);
    at.push(i);
    if (i < end) noun[1] = folded.length;
  }
  at.push(right);
  overrideWork.value += right - left;
  return { folded, at, noun };
}

/** The override rule around a noun at [start, end): a verb and a modifier of one of `langs` nearby. */
export function overrideAt(text: string, start: number, end: number, langs: readonly number[]): RuleHit | undefined {
  const { folded, at, noun } = foldedClause(text, start, end);
  let best: RuleHit | undefined;
  for (const index of langs) {
    const lang = languages[index]!;
    const verb = nearest(lang.verb, folded, noun, VERB_DISTANCE, true, VERB_FIRST.has(lang.name));
    if (verb === undefined) continue;
    const mod = nearest(lang.mod, folded, noun, MOD_DISTANCE, false, false);
    const modifier = mod ?? nearest(lang.weak, folded, noun, MOD_DISTANCE, false, false);
    if (modifier === undefined) continue;
    const score = mod !== undefined ? 0.95 : 0.8;
    if (best !== undefined && best.score >= score) continue;
    let s = at[Math.min(verb[0], modifier[0], noun[0])]!;
    let e = at[Math.max(verb[1], modifier[1], noun[1]) - 1]! + 1;
    // stems end inside words of cased scripts ("Anweisung|en"): the span takes the whole words
    for (let k = 0; k < 24 && isCasedLetterAt(text, e); k++) e++;
    for (let k = 0; k < 24 && isCasedLetterAt(text, s - 1); k++) s--;
    best = { category: 'override', rule: `override-${lang.name}`, score, start: s, end: e };
  }
  return best;
}

/** overrideAt through the shared walks of the whole folded text (override-index.ts): the same hit. */
/** The clause ends of a whole text (positions, ascending), for `clauseBounds` without walking each clause. */
export class ClauseEnds {
  readonly #at: Int32Array;

  constructor(text: string) {
    const at: number[] = [];
    for (let i = 0; i < text.length; i++) if (CLAUSE_END_UNIT[text.charCodeAt(i)] === 1) at.push(i);
    this.#at = Int32Array.from(at);
  }

  /** `clauseBounds(text, start, end)`, by binary search (Thai, where a space also ends a clause, walks). */
  bounds(text: string, start: number, end: number): [number, number] {
    const c = text.charCodeAt(start);
    if (c >= 0x0e00 && c <= 0x0e7f) return clauseBounds(text, start, end);
    const ends = this.#at;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    // ends[lo - 1] is the last end before start; the first end at or after `end` follows
    const left = Math.max(Math.max(0, start - CLAUSE), lo > 0 ? ends[lo - 1]! + 1 : 0);
    while (lo < ends.length && ends[lo]! < end) lo++;
    const right = Math.min(Math.min(text.length, end + CLAUSE), lo < ends.length ? ends[lo]! : text.length);
    return [left, right];
  }
}

export function overrideIndexed(text: string, folded: FoldedText, ends: ClauseEnds, start: number, end: number, langs: readonly number[]): RuleHit | undefined {
  const [left, right] = ends.bounds(text, start, end);
  const clause = clauseOf(folded, left, right, start, end);
  overrideWork.value += 2 * CLAUSE;
  let best: RuleHit | undefined;
  for (const index of langs) {
    const lang = languages[index]!;
    const verb = nearestInClause(folded, lang.verb, clause, VERB_DISTANCE, true, VERB_FIRST.has(lang.name), negatedAt);
    if (verb === undefined) continue;
    const mod = nearestInClause(folded, lang.mod, clause, MOD_DISTANCE, false, false, negatedAt);
    const modifier = mod ?? nearestInClause(folded, lang.weak, clause, MOD_DISTANCE, false, false, negatedAt);
    if (modifier === undefined) continue;
    const score = mod !== undefined ? 0.95 : 0.8;
    if (best !== undefined && best.score >= score) continue;
    let s = folded.at[Math.min(verb[0], modifier[0], clause.n0)]!;
    let e = folded.at[Math.max(verb[1], modifier[1], clause.n1) - 1]! + 1;
    for (let k = 0; k < 24 && isCasedLetterAt(text, e); k++) e++;
    for (let k = 0; k < 24 && isCasedLetterAt(text, s - 1); k++) s--;
    best = { category: 'override', rule: `override-${lang.name}`, score, start: s, end: e };
  }
  return best;
}

/** A verb at [s, e) of `clause` is negated or conditional ("do not ignore", "if you ignore"). */
export function negatedAt(clause: string, s: number, e: number): boolean {
  return NEGATED_BEFORE.test(clause.slice(Math.max(0, s - 24), s)) || NEGATED_AFTER.test(clause.slice(e, e + 8));
}

function isCasedLetterAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c < 0x0530 && isWordAt(text, i);
}

/** The match of `re` in `clause` closest to the noun, within `distance`; verbs must not be negated. */
export function nearest(
  { re }: StemRegex,
  clause: string,
  noun: [number, number],
  distance: number,
  isVerb: boolean,
  before: boolean,
): [number, number] | undefined {
  re.lastIndex = 0;
  let best: [number, number] | undefined;
  let bestGap = Infinity;
  let m: RegExpExecArray | null;
  while ((m = re.exec(clause)) !== null) {
    const s = m.index;
    const e = s + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
    if (s < noun[1] && noun[0] < e) continue; // the noun itself
    if (before && s >= noun[0]) continue;
    const gap = e <= noun[0] ? noun[0] - e : s - noun[1];
    if (gap > distance || gap >= bestGap) continue;
    if (isVerb && negatedAt(clause, s, e)) continue;
    best = [s, e];
    bestGap = gap;
  }
  return best;
}
