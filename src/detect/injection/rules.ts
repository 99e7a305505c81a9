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
import { KeywordScanner, foldString, isWordAt, type KeywordHits } from './keywords.js';
import { OVERRIDE_STEMS } from './lexicon-override.js';
import { FoldedText } from './override-index.js';
import { CASED, CLAUSE, ClauseEnds, overrideAt, overrideIndexed, overrideWork } from './override-rule.js';
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
import type { RuleHit } from './rule-hit.js';

export const MAX_HITS = 128;
/** Initial size of the reused keyword-hit and regex-window buffers (they grow with the text). */
const INITIAL_HITS = 4096;
const DEFAULT_REACH = 120;

// ---- compilation ----------------------------------------------------------------------------------
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

// ---- scanning ---------------------------------------------------------------------------------------

/**
 * How the override rule searches clauses: `reference` walks each noun's clause, `indexed` shares one
 * walk of the whole text between nouns (override-index.ts; same results), `auto` picks the cheaper.
 */
export type OverrideSearch = 'auto' | 'reference' | 'indexed';

/** Appends the rule findings on `text` to `out` (offsets shifted by `offset`). */
export function scanRules(text: string, out: RuleHit[], offset = 0, search: OverrideSearch = 'auto'): void {
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
  const candidates: [number, number, number[]][] = [];
  for (const [start, end, langs] of verbsOf === undefined ? [] : (nouns ?? [])) {
    const near = langs.filter((lang) => hasBetween(verbsOf!.get(lang), start - 2 * CLAUSE, end + 2 * CLAUSE));
    if (near.length > 0) candidates.push([start, end, near]);
  }
  // Per-clause walks cost about 2·CLAUSE units per noun; one shared walk costs the text's length.
  const indexed = search === 'indexed' || (search === 'auto' && candidates.length * 2 * CLAUSE > text.length);
  const folded = indexed && candidates.length > 0 ? new FoldedText(text) : undefined;
  const ends = folded === undefined ? undefined : new ClauseEnds(text);
  if (folded !== undefined) work += text.length;
  for (const [start, end, near] of candidates) {
    if (out.length >= MAX_HITS) return;
    const hit = folded === undefined || ends === undefined ? overrideAt(text, start, end, near) : overrideIndexed(text, folded, ends, start, end, near);
    if (hit !== undefined) pushHit(out, { ...hit, start: hit.start + offset, end: hit.end + offset });
  }
  for (let i = 0; i < windowCount && out.length < MAX_HITS; i++) {
    const phrase = phrases[windowPhrase[i]!]!;
    const ws = windowStart[i]!;
    const slice = text.slice(ws, windowEnd[i]);
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
  return work + overrideWork.value;
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
