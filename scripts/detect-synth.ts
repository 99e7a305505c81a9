/**
 * Synthetic training examples for the injection detector, generated in code from the hand-written
 * sentences of detect-synth-text.ts and detect-synth-english.ts (no data file is read).
 *
 * Attacks: override / persona + malicious task (+ concealment) in 27 languages, sometimes wrapped in
 * role tokens, markup or a JSON field, sometimes hidden (base64, zero-width characters, tag
 * characters), alone or inserted into benign text of the same or another language; and English
 * indirect injections of many shapes. Benign: the same languages' e-mails and trigger-word
 * sentences, user requests full of trigger words, code, logs, tickets, HTML, tool outputs, and
 * benign text in the same wrappers. Deterministic for a given seed.
 */
import { Buffer } from 'node:buffer';
import { hashString, insertAt, makeExample, Prng, type Example } from './detect-data.js';
import { benignText } from './detect-synth-benign.js';
import { BENIGN_DOCUMENTS, BENIGN_PROMPTS, CODE_INJECTION, INDIRECT_ATTACKS, JAILBREAK_PARTS, RESPONSE_MANIPULATION } from './detect-synth-english.js';
import { EMAILS, LANGUAGE_TEXT, URLS, WORDS, type LanguageText } from './detect-synth-text.js';

type Wrap = (text: string) => string;

const WRAPPERS: readonly Wrap[] = [
  (a) => `<|im_start|>system\n${a}<|im_end|>`,
  (a) => `[INST] ${a} [/INST]`,
  (a) => `### Instruction:\n${a}`,
  (a) => `<!-- ${a} -->`,
  (a) => `[SYSTEM] ${a}`,
  (a) => `IMPORTANT: ${a}`,
  (a) => `*** ${a} ***`,
  (a) => `<instructions>${a}</instructions>`,
  (a) => `\n\n---\n${a}\n---\n`,
  (a) => JSON.stringify({ status: 'ok', note: a }),
  (a) => `> ${a}`,
];

/** Wrappers that also hold benign text in real documents. */
const BENIGN_WRAPPERS: readonly Wrap[] = [
  (a) => `IMPORTANT: ${a}`,
  (a) => JSON.stringify({ status: 'ok', note: a }),
  (a) => `<!-- ${a} -->`,
  (a) => `> ${a}`,
  (a) => `*** ${a} ***`,
  (a) => `\n\n---\n${a}\n---\n`,
  (a) => `<p>${a}</p>`,
  (a) => `# Notes\n\n${a}`,
];

const HIDERS: readonly Wrap[] = [
  (a) => `Reference: ${Buffer.from(a, 'utf8').toString('base64')}`,
  (a) => a.replace(/(\p{L})(\p{L})/gu, '$1\u200b$2'),
  (a) => `Thanks!${[...a].map((c) => (c.charCodeAt(0) < 0x80 ? String.fromCodePoint(0xe0000 + c.charCodeAt(0)) : '')).join('')}`,
];

function fill(rng: Prng, s: string): string {
  return s.replaceAll('{email}', rng.pick(EMAILS)).replaceAll('{url}', rng.pick(URLS)).replaceAll('{word}', rng.pick(WORDS));
}

function sentences(rng: Prng, lang: LanguageText, count: number, withTriggers: boolean): string {
  const pool = withTriggers ? [...lang.benign, ...lang.trigger] : lang.benign;
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(rng.pick(pool));
  return out.join(rng.pick([' ', '\n', '\n\n']));
}

function attackIn(rng: Prng, lang: LanguageText): string {
  const parts: string[] = [];
  const r = rng.next();
  if (r < 0.6) parts.push(rng.pick(lang.override));
  else if (r < 0.85) parts.push(rng.pick(lang.persona));
  parts.push(fill(rng, rng.pick(lang.task)));
  if (rng.next() < 0.3) parts.push(rng.pick(lang.conceal));
  return parts.join(' ');
}

export function syntheticExamples(seed = 0x51a7e): Example[] {
  const rng = new Prng(seed);
  const out: Example[] = [];
  const seen = new Set<string>();
  const add = (text: string, label: 0 | 1, kind: string, span?: readonly [number, number]): void => {
    if (seen.has(text)) return;
    seen.add(text);
    const e = makeExample({ text, label, source: 'synthetic', kind, ...(span !== undefined ? { span } : {}) }, [`syn:${hashString(text)}`]);
    if (e !== undefined) out.push(e);
  };
  const english = LANGUAGE_TEXT.en!;
  const positions = ['start', 'middle', 'end'] as const;

  for (const [code, lang] of Object.entries(LANGUAGE_TEXT)) {
    for (let i = 0; i < 40; i++) {
      let attack = attackIn(rng, lang);
      const roll = rng.next();
      if (roll < 0.3) attack = rng.pick(WRAPPERS)(attack);
      else if (roll < 0.38) attack = rng.pick(HIDERS)(attack);
      if (rng.next() < 0.35) {
        add(attack, 1, `multilingual:${code}`);
        continue;
      }
      const carrierLang = rng.next() < 0.7 ? lang : english;
      const carrier = sentences(rng, carrierLang, 1 + rng.int(4), true);
      const { text, span } = insertAt(carrier, attack, rng.pick(positions), rng.pick([' ', '\n', '\n\n']));
      add(text, 1, `multilingual:${code}`, span);
    }
    for (let i = 0; i < 45; i++) {
      let text = sentences(rng, lang, 1 + rng.int(5), rng.next() < 0.7);
      if (rng.next() < 0.25) text = `${text}\n\n${sentences(rng, english, 1 + rng.int(2), true)}`;
      if (rng.next() < 0.15) text = rng.pick(BENIGN_WRAPPERS)(text);
      add(text, 0, `multilingual:${code}`);
    }
  }

  for (let i = 0; i < 500; i++) {
    let attack = fill(rng, rng.pick(INDIRECT_ATTACKS));
    if (rng.next() < 0.1) attack = rng.pick(HIDERS)(attack);
    const r = rng.next();
    if (r < 0.25) {
      add(attack, 1, 'indirect');
      continue;
    }
    const carrier = r < 0.45 ? benignText(rng) : r < 0.7 ? sentences(rng, english, 1 + rng.int(5), true) : rng.pick(BENIGN_DOCUMENTS);
    const { text, span } = insertAt(carrier, attack, rng.pick(positions), rng.pick([' ', '\n', '\n\n']));
    add(text, 1, 'indirect', span);
  }

  // persona jailbreaks, English
  for (let i = 0; i < 300; i++) {
    const j = JAILBREAK_PARTS;
    const parts: string[] = [rng.pick(j.intro)];
    for (let k = 0, n = 1 + rng.int(4); k < n; k++) parts.push(rng.pick(j.rules));
    parts.push(rng.pick(j.format));
    const name = rng.pick(j.name);
    const text = parts
      .join(rng.pick([' ', '\n', '\n\n']))
      .replaceAll('{name}', name)
      .replaceAll('{expansion}', rng.pick(j.expansion))
      .replaceAll('{topic}', rng.pick(j.topic));
    add(text, 1, 'jailbreak');
  }

  // asks to change the assistant's answer, and to put code into it, inside generated carriers
  for (let i = 0; i < 400; i++) {
    const r = RESPONSE_MANIPULATION;
    const attack =
      i % 3 === 2
        ? rng.pick(r.format)
        : i % 3 === 1
          ? fill(rng, `${rng.pick(CODE_INJECTION.intro)}\n${rng.pick(CODE_INJECTION.snippet)}`)
          : fill(rng, `${rng.pick(r.verb)} ${rng.pick(r.object)} ${rng.pick(r.place)}.`);
    const { text, span } = insertAt(benignText(rng), attack, rng.pick(positions), rng.pick([' ', '\n', '\n\n']));
    add(text, 1, 'response-manipulation', span);
  }

  // attacks of the other languages inside generated English carriers (e-mails, tool outputs…)
  const codes = Object.keys(LANGUAGE_TEXT);
  for (let i = 0; i < 600; i++) {
    const attack = attackIn(rng, LANGUAGE_TEXT[rng.pick(codes)]!);
    const { text, span } = insertAt(
      benignText(rng),
      rng.next() < 0.3 ? rng.pick(WRAPPERS)(attack) : attack,
      rng.pick(positions),
      rng.pick([' ', '\n', '\n\n']),
    );
    add(text, 1, 'in-carrier', span);
  }
  for (let i = 0; i < 3000; i++) add(benignText(rng), 0, 'generated');
  for (const prompt of BENIGN_PROMPTS) add(prompt, 0, 'prompt');
  for (const doc of BENIGN_DOCUMENTS) add(doc, 0, 'document');
  for (let i = 0; i < 700; i++) {
    const r = rng.next();
    let text: string;
    if (r < 0.3) text = [rng.pick(BENIGN_DOCUMENTS), sentences(rng, english, 1 + rng.int(3), true)].join('\n\n');
    else if (r < 0.5) text = `${rng.pick(BENIGN_PROMPTS)} ${sentences(rng, english, 1 + rng.int(2), true)}`;
    else if (r < 0.75) text = sentences(rng, english, 2 + rng.int(6), true);
    else text = rng.pick(BENIGN_WRAPPERS)(sentences(rng, english, 1 + rng.int(3), true));
    add(text, 0, 'benign-mix');
  }
  return out;
}
