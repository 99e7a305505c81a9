/**
 * Rule findings for prompt injection: override phrasing in 27 languages, chat-template role
 * tokens, "important instructions" framing, jailbreak personas, prompt and secret leaks,
 * exfiltration and concealment asks, and text addressed to the assistant.
 *
 * One keyword pass (keywords.ts) finds the gates of every rule and the nouns and verbs of the
 * override rule; a phrase rule's regex then runs only on the text around its gates (its `reach`
 * each side), and the override rule, where an "instructions" noun has a verb of its language
 * nearby, looks in the clause for that verb and a modifier. On ordinary text the cost is the
 * keyword pass.
 *
 * Input is attacker-controlled: regexes are bounded (lexicon-phrases.ts), clause windows are at
 * most 2·CLAUSE code units, and findings are capped at MAX_HITS. Every keyword hit and every regex
 * window is kept (no text goes unscanned); the cost stays linear because a phrase's overlapping
 * windows merge (each code unit is read by a phrase's regex at most once) and the noun–verb
 * proximity test is a binary search per noun and language, not a scan of every verb.
 */
import { foldCodeUnit, foldedSkip, foldedSpace } from './features.js';
import { KeywordScanner, foldString, isWordAt, type KeywordHits } from './keywords.js';
import { OVERRIDE_STEMS } from './lexicon-override.js';
import {
  ADDRESSED_PHRASES,
  CONCEAL_PHRASES,
  EXFIL_PHRASES,
  FRAMING_PHRASES,
  JAILBREAK_PHRASES,
  LEAK_PHRASES,
  OVERRIDE_PHRASES,
  ROLE_PHRASES,
  type PhraseRule,
} from './lexicon-phrases.js';
import type { CueCategory } from './model.js';

export interface RuleHit {
  readonly category: CueCategory;
  readonly rule: string;
  readonly score: number;
  readonly start: number;
  readonly end: number;
}

export const MAX_HITS = 128;
/** Initial size of the reused keyword-hit and regex-window buffers (they grow with the text). */
const INITIAL_HITS = 4096;
const DEFAULT_REACH = 120;
const CLAUSE = 100;
/** Verb and modifier must lie this close to the noun (code units between the nearest edges). */
const VERB_DISTANCE = 60;
const MOD_DISTANCE = 40;
/** Languages whose imperative puts the verb before its object: the verb must come first. */
const VERB_FIRST = new Set(['en', 'es', 'fr', 'it', 'pt', 'nl', 'sv', 'da_no', 'ro', 'id_ms', 'vi', 'sw']);

// ---- compilation ----------------------------------------------------------------------------------

const CASED = '[a-z0-9_\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff]';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A folded stem as a regex source: at a word start in cased scripts, whole word if asked. */
function stemSource(stem: string, wholeWord: boolean): string {
  const folded = escapeRegExp(foldString(stem));
  if (!new RegExp(`^${CASED}`).test(folded)) return folded;
  return `(?<!${CASED})${folded}${wholeWord ? `(?!${CASED})` : ''}`;
}

function stemRegex(stems: readonly string[], wholeWord: boolean): RegExp {
  const sources = [...stems].sort((a, b) => b.length - a.length).map((s) => stemSource(s, wholeWord));
  return new RegExp(sources.join('|'), 'g');
}

interface Language {
  readonly name: string;
  readonly verb: RegExp;
  readonly mod: RegExp;
  readonly weak: RegExp;
}

interface Phrase {
  readonly category: CueCategory;
  readonly rule: string;
  readonly score: number;
  readonly re: RegExp;
  readonly reach: number;
}

interface Keyword {
  readonly left: boolean;
  readonly right: boolean;
  readonly phrases: number[];
  /** Languages in which this keyword is an override noun, and an override verb. */
  readonly languages: number[];
  readonly verbOf: number[];
}

// English verbs must be whole words ("ignore", not "ignored"/"ignoring": descriptions, not orders).
const languages: Language[] = Object.entries(OVERRIDE_STEMS).map(([name, stems]) => ({
  name,
  verb: stemRegex(stems.verbs, name === 'en'),
  mod: stemRegex(stems.mods, name === 'en'),
  weak: stemRegex(stems.weak, name === 'en'),
}));

const PHRASE_SETS: readonly [CueCategory, string, readonly PhraseRule[]][] = [
  ['override', 'override-phrase', OVERRIDE_PHRASES],
  ['role-injection', 'role-token', ROLE_PHRASES],
  ['framing', 'framing', FRAMING_PHRASES],
  ['jailbreak', 'jailbreak', JAILBREAK_PHRASES],
  ['prompt-leak', 'prompt-leak', LEAK_PHRASES],
  ['exfiltration', 'exfiltration', EXFIL_PHRASES],
  ['concealment', 'concealment', CONCEAL_PHRASES],
  ['addressed', 'addressed', ADDRESSED_PHRASES],
];

const phrases: Phrase[] = [];
const keywordIndex = new Map<string, number>();
const keywordTexts: string[] = [];
const keywords: Keyword[] = [];

function keywordFor(gate: string): Keyword {
  const left = gate.startsWith('\\b');
  const right = gate.endsWith('\\b') && gate.length > 2;
  const text = gate.slice(left ? 2 : 0, right ? -2 : undefined);
  const key = `${left ? 1 : 0}${right ? 1 : 0}${foldString(text)}`;
  let index = keywordIndex.get(key);
  if (index === undefined) {
    index = keywords.length;
    keywordIndex.set(key, index);
    keywordTexts.push(text);
    keywords.push({ left, right, phrases: [], languages: [], verbOf: [] });
  }
  return keywords[index]!;
}

for (const [category, rule, list] of PHRASE_SETS) {
  list.forEach((p, i) => {
    const id = phrases.length;
    phrases.push({ category, rule: `${rule}-${i}`, score: p.score, re: new RegExp(p.re, 'gi'), reach: p.reach ?? DEFAULT_REACH });
    for (const gate of p.gates) {
      const k = keywordFor(gate);
      if (!k.phrases.includes(id)) k.phrases.push(id);
    }
  });
}
Object.values(OVERRIDE_STEMS).forEach((stems, lang) => {
  for (const noun of stems.nouns) {
    // nouns in cased scripts start a word ("instructions", not "reinstructions")
    const k = keywordFor(new RegExp(`^${CASED}`, 'i').test(noun) ? `\\b${noun}` : noun);
    if (!k.languages.includes(lang)) k.languages.push(lang);
  }
  for (const verb of stems.verbs) {
    const k = keywordFor(verb);
    if (!k.verbOf.includes(lang)) k.verbOf.push(lang);
  }
});

const scanner = new KeywordScanner(keywordTexts);
const keywordHits: KeywordHits = { data: new Int32Array(INITIAL_HITS * 3), count: 0 };
// Text windows where a phrase rule's regex runs (reused; lastWindow is -1 between scans).
const windowPhrase: number[] = [];
const windowStart: number[] = [];
const windowEnd: number[] = [];
const lastWindow = new Int32Array(phrases.length).fill(-1);

// Negation or condition right before the verb: "do not ignore", "if you ignore", "不要忽略"…
const NEGATIONS = ['not', 'never', 'no', 'nicht', 'kein', 'ne', 'non', 'não', 'nie', 'niet', 'ikke', 'inte', 'if you', 'if we', 'if they', 'не', 'ні', 'μην', 'δεν', 'jangan', 'không', 'đừng', 'nu'];
const NEGATED_BEFORE = new RegExp(
  `(?:(?:^|[^a-z\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff])(?:${NEGATIONS.map((w) => escapeRegExp(foldString(w))).join('|')}) (?:\\S{1,12} )?|n't |(?:不要|不|别|別|勿|لا|אל) ?)$`,
);
const NEGATED_AFTER = /^(?:しないで|しない|せず|하지 ?(?:마|않))/;
const CLAUSE_END = new Set([...'.!?;\n。！？।॥؟۔'].map((c) => c.charCodeAt(0)));

function endsClause(c: number, thai: boolean): boolean {
  return CLAUSE_END.has(c) || (thai && c === 0x20);
}

// ---- scanning ---------------------------------------------------------------------------------------

/** Appends the rule findings on `text` to `out` (offsets shifted by `offset`). */
export function scanRules(text: string, out: RuleHit[], offset = 0): void {
  const hits = scanner.scan(text, keywordHits);
  let windowCount = 0;
  let nouns: [number, number, number[]][] | undefined;
  // Start offsets of the verb hits of each language (by language index), sorted below.
  let verbsOf: Map<number, number[]> | undefined;
  const data = hits.data;
  work += hits.count;
  for (let h = 0; h < hits.count; h++) {
    const k = keywords[data[3 * h]!]!;
    const start = data[3 * h + 1]!;
    const end = data[3 * h + 2]!;
    if ((k.left && isWordAt(text, start - 1)) || (k.right && isWordAt(text, end))) continue;
    if (k.languages.length > 0) (nouns ??= []).push([start, end, k.languages]);
    for (const lang of k.verbOf) {
      verbsOf ??= new Map();
      let at = verbsOf.get(lang);
      if (at === undefined) verbsOf.set(lang, (at = []));
      at.push(start);
    }
    for (const p of k.phrases) {
      // hits arrive in order of their end: a window that overlaps the phrase's last one extends it
      const reach = phrases[p]!.reach;
      const ws = Math.max(0, start - reach);
      const we = Math.min(text.length, end + reach);
      const lastIndex = lastWindow[p]!;
      if (lastIndex >= 0 && windowEnd[lastIndex]! >= ws) {
        if (we > windowEnd[lastIndex]!) windowEnd[lastIndex] = we;
      } else {
        windowPhrase[windowCount] = p;
        windowStart[windowCount] = ws;
        windowEnd[windowCount] = we;
        lastWindow[p] = windowCount++;
      }
    }
  }
  for (let i = 0; i < windowCount; i++) lastWindow[windowPhrase[i]!] = -1;
  // Hits arrive ordered by their end; a start can precede an earlier hit's (invisible characters inside a keyword).
  if (verbsOf !== undefined) for (const at of verbsOf.values()) at.sort((a, b) => a - b);
  // The override rule runs only where a noun has a verb of the same language near it.
  for (const [start, end, langs] of verbsOf === undefined ? [] : (nouns ?? [])) {
    if (out.length >= MAX_HITS) return;
    const near = langs.filter((lang) => hasBetween(verbsOf!.get(lang), start - 2 * CLAUSE, end + 2 * CLAUSE));
    if (near.length === 0) continue;
    const hit = overrideAt(text, start, end, near);
    if (hit !== undefined) pushHit(out, { ...hit, start: hit.start + offset, end: hit.end + offset });
  }
  for (let i = 0; i < windowCount && out.length < MAX_HITS; i++) {
    const phrase = phrases[windowPhrase[i]!]!;
    const ws = windowStart[i]!;
    const slice = text.slice(ws, windowEnd[i]!);
    work += slice.length;
    phrase.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while (out.length < MAX_HITS && (m = phrase.re.exec(slice)) !== null) {
      phrase.re.lastIndex = m.index + Math.max(1, m[0].length);
      const start = ws + m.index + offset;
      pushHit(out, { category: phrase.category, rule: phrase.rule, score: phrase.score, start, end: start + m[0].length });
    }
  }
}

/**
 * A deterministic count of the rule pass's work (keyword hits, binary-search steps, code units of
 * clauses folded and of regex windows read), summed over every scan: tests check that it grows
 * linearly with the length of crafted text, with no clock involved.
 */
let work = 0;
export function ruleWork(): number {
  return work;
}

/** True when the sorted `values` hold one strictly between `low` and `high` (binary search). */
function hasBetween(values: readonly number[] | undefined, low: number, high: number): boolean {
  if (values === undefined) return false;
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    work++;
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= low) lo = mid + 1;
    else hi = mid;
  }
  return lo < values.length && values[lo]! < high;
}

/** Keeps one finding per category and overlapping span (the higher score, the union of spans). */
function pushHit(out: RuleHit[], hit: RuleHit): void {
  for (let i = 0; i < out.length; i++) {
    const other = out[i]!;
    if (other.category === hit.category && other.start < hit.end && hit.start < other.end) {
      const best = hit.score > other.score ? hit : other;
      out[i] = { ...best, start: Math.min(hit.start, other.start), end: Math.max(hit.end, other.end) };
      return;
    }
  }
  if (out.length < MAX_HITS) out.push(hit);
}

/** The clause around [start, end), folded, with the offset in `text` of each folded unit. */
function foldedClause(text: string, start: number, end: number): { folded: string; at: number[]; noun: [number, number] } {
  // Thai is written without spaces between words: a space ends a clause.
  const thai = text.charCodeAt(start) >= 0x0e00 && text.charCodeAt(start) <= 0x0e7f;
  let left = start;
  const leftLimit = Math.max(0, start - CLAUSE);
  while (left > leftLimit && !endsClause(text.charCodeAt(left - 1), thai)) left--;
  let right = end;
  const rightLimit = Math.min(text.length, end + CLAUSE);
  while (right < rightLimit && !endsClause(text.charCodeAt(right), thai)) right++;
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
  work += right - left;
  return { folded, at, noun };
}

/** The override rule around a noun at [start, end): a verb and a modifier of one of `langs` nearby. */
function overrideAt(text: string, start: number, end: number, langs: readonly number[]): RuleHit | undefined {
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

function isCasedLetterAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c < 0x0530 && isWordAt(text, i);
}

/** The match of `re` in `clause` closest to the noun, within `distance`; verbs must not be negated. */
function nearest(re: RegExp, clause: string, noun: [number, number], distance: number, isVerb: boolean, before: boolean): [number, number] | undefined {
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
    if (isVerb && (NEGATED_BEFORE.test(clause.slice(Math.max(0, s - 24), s)) || NEGATED_AFTER.test(clause.slice(e, e + 8)))) continue;
    best = [s, e];
    bestGap = gap;
  }
  return best;
}
