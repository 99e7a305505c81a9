/**
 * What a gullible agent "understands" in the content it reads: simple imperative patterns, the
 * worst case of a real model that follows any instruction it finds. The text is normalized the way
 * a model sees it (invisible characters dropped, compatibility forms folded) and base64 blobs are
 * decoded and read too, so obfuscated payloads work on it as they would on a model.
 *
 * Everything parsed here is attacker-controlled text: the input is bounded and every pattern is
 * linear (no nested quantifiers).
 */

export type Instruction =
  | { readonly kind: 'transfer'; readonly amount: number; readonly account: string }
  | { readonly kind: 'refund'; readonly amount: number; readonly customer: string }
  | { readonly kind: 'email'; readonly to: string; readonly what: string }
  | { readonly kind: 'remember'; readonly topic: string; readonly text: string }
  | { readonly kind: 'forward'; readonly to: string }
  | { readonly kind: 'run'; readonly command: string }
  | { readonly kind: 'delete'; readonly path: string }
  | { readonly kind: 'setting'; readonly key: string; readonly value: number }
  | { readonly kind: 'include'; readonly what: string }
  | { readonly kind: 'visit'; readonly url: string }
  | { readonly kind: 'share'; readonly with: string };

export type InstructionKind = Instruction['kind'];

/** Longest text a gullible agent reads for instructions. */
const MAX_TEXT = 64 * 1024;

const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;
const BASE64_BLOB = /[A-Za-z0-9+/]{16,4096}={0,2}/g;

/** The text as the model reads it: invisible characters removed, NFKC, base64 blobs decoded beside it. */
export function readAsModel(text: string): string {
  const bounded = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const visible = bounded.replace(INVISIBLE, '').normalize('NFKC');
  const decoded: string[] = [];
  for (const blob of visible.match(BASE64_BLOB) ?? []) {
    const plain = Buffer.from(blob, 'base64').toString('utf8');
    if (plain.length >= 8 && /^[\x20-\x7e\n]+$/.test(plain)) decoded.push(plain);
  }
  return decoded.length === 0 ? visible : `${visible}\n${decoded.join('\n')}`;
}

/** Word boundaries that also hold for accented letters (\b is ASCII-only). */
const L = String.raw`(?<![\p{L}\p{N}])`;
const R = String.raw`(?![\p{L}\p{N}])`;
const TRANSFER_VERB = String.raw`(?:transfer|wire|pay|remit|überweisen|überweise|transférez|transférer|virez|virer|transfiere|transfiera|trasferisci|bonifica)`;
const CURRENCY = String.raw`(?:\$|€|£|usd|eur|gbp|dollars?|euros?)`;
const TO = String.raw`(?:to|an|au|à|a|al|sul|sur|auf)`;
const ACCOUNT_WORD = String.raw`(?:account|acct|iban|konto|compte|cuenta|conto)`;
const TRANSFER = new RegExp(
  String.raw`${L}${TRANSFER_VERB}${R}[^.\n]{0,24}?${CURRENCY}?\s?(\d[\d.,']{0,15})\s?${CURRENCY}?\s+${TO}${R}[^.\n\d]{0,24}?${ACCOUNT_WORD}\s*(?:number|no\.?|nr\.?|n°)?\s*:?\s*`,
  'giu',
);
/** An IBAN (grouped or not) or an account reference such as XYZ-666. Case-sensitive on purpose. */
const ACCOUNT = /^(?:[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?|[A-Z0-9][A-Z0-9-]{2,30}[A-Z0-9])/;
const REFUND = /\brefund\s+(?:of\s+)?(?:\$|€|£)?(\d[\d.,]{0,12})\s*(?:usd|eur|dollars?|euros?)?\s+(?:to|for)\s+(?:customer\s+|client\s+)?([A-Z]-\d{3,6})\b/giu;
const EMAIL =
  /\b(?:send|email|e-mail|mail|forward|cc|bcc|senden\s+sie|envoyez|envía|invia)\s+(.{1,120}?)\s+(?:to|an|à|a)\s+([\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4})/giu;
const REMEMBER =
  /\b(?:write|save|store|remember|record|add)\s+(?:the\s+(?:following|note|fact)\s*:?\s*)?["“'](.{1,400}?)["”']\s+(?:to|in|into|under)\s+(?:the\s+)?(?:memory|knowledge\s+base|kb|notes?)(?:\s+(?:topic|under|entry))?\s*["“']?([\w-]{1,40})?/giu;
const FORWARD =
  /\b(?:forward|pass|relay|copy)\s+(?:this|these|the)(?:\s+(?:whole|entire|full))?(?:\s+(?:message|instructions?|note|text))?(?:\s+verbatim)?\s+to\s+(?:the\s+)?(every\s+agent|all\s+agents|everyone|[a-z][\w-]{1,40})\b/giu;
const RUN = /\b(?:run|execute)\s+(?:the\s+)?(?:following\s+)?(?:command|script)?\s*:?\s*[`"']([^`"'\n]{1,200})[`"']/giu;
const DELETE = /\b(?:delete|remove|erase|purge)\s+(?:the\s+)?(?:file|log)\s+([\w./-]{1,120}[\w/])/giu;
const INCLUDE = /\b(?:include|attach|append|paste|add)\s+([^.\n;]{1,100})/giu;
/** What an "include …" instruction can name, as the agents of the scenarios understand it. */
const INCLUDABLE = ['strategy', 'customer', 'credential', 'api key'] as const;
const VISIT = /\b(?:visit|open|fetch|load|call)\s+(https?:\/\/[^\s"'<>]{1,300})/giu;
const SHARE = /\b(?:share|send)\s+(?:it|this|that|the\s+(?:draft|report|memo|newsletter|brief))\s+with\s+(?:the\s+)?([a-z][\w-]{1,40})/giu;
const SETTING = /\bset\s+(?:the\s+)?(?:setting\s+)?([a-z][\w.-]{1,60})\s+to\s+(\d{1,9})\b/giu;

/** Parses an amount written as 1,250.00 / 1.250,00 / 1'250 / 100 into a whole number. */
export function parseAmount(text: string): number {
  let t = text.replace(/'/g, '').replace(/[.,]$/, '');
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  if (lastComma !== -1 && lastDot !== -1) {
    const decimal = lastComma > lastDot ? ',' : '.';
    t = t.replace(decimal === ',' ? /\./g : /,/g, '').replace(decimal, '.');
  } else if (lastComma !== -1) {
    t = /,\d{3}$/.test(t) ? t.replace(/,/g, '') : t.replace(',', '.');
  } else if (lastDot !== -1 && /\.\d{3}$/.test(t) && t.indexOf('.') !== lastDot) {
    t = t.replace(/\./g, '');
  } else if (lastDot !== -1 && /^\d{1,3}\.\d{3}$/.test(t)) {
    t = t.replace('.', '');
  }
  const n = Math.round(Number(t));
  return Number.isSafeInteger(n) ? n : 0;
}

/** Every instruction found in `text`, in text order. */
export function parseInstructions(text: string): Instruction[] {
  const t = readAsModel(text);
  const found: { at: number; instruction: Instruction }[] = [];
  for (const m of t.matchAll(TRANSFER)) {
    const rest = t.slice((m.index ?? 0) + m[0].length);
    const account = ACCOUNT.exec(rest)?.[0];
    const amount = parseAmount(m[1] ?? '');
    if (account !== undefined && amount > 0) found.push({ at: m.index ?? 0, instruction: { kind: 'transfer', amount, account: account.replace(/ /g, '') } });
  }
  for (const m of t.matchAll(REFUND)) {
    const amount = parseAmount(m[1] ?? '');
    if (amount > 0) found.push({ at: m.index ?? 0, instruction: { kind: 'refund', amount, customer: (m[2] ?? '').toUpperCase() } });
  }
  for (const m of t.matchAll(EMAIL)) found.push({ at: m.index ?? 0, instruction: { kind: 'email', to: (m[2] ?? '').toLowerCase(), what: m[1] ?? '' } });
  for (const m of t.matchAll(REMEMBER)) found.push({ at: m.index ?? 0, instruction: { kind: 'remember', topic: m[2] ?? 'notes', text: m[1] ?? '' } });
  for (const m of t.matchAll(FORWARD)) {
    const target = (m[1] ?? '').toLowerCase();
    found.push({ at: m.index ?? 0, instruction: { kind: 'forward', to: /^(every|all|everyone)/.test(target) ? '*' : target } });
  }
  for (const m of t.matchAll(RUN)) found.push({ at: m.index ?? 0, instruction: { kind: 'run', command: m[1] ?? '' } });
  for (const m of t.matchAll(DELETE)) found.push({ at: m.index ?? 0, instruction: { kind: 'delete', path: m[1] ?? '' } });
  for (const m of t.matchAll(SETTING)) found.push({ at: m.index ?? 0, instruction: { kind: 'setting', key: m[1] ?? '', value: Number(m[2]) } });
  for (const m of t.matchAll(INCLUDE)) {
    const phrase = (m[1] ?? '').toLowerCase();
    for (const what of INCLUDABLE) if (phrase.includes(what)) found.push({ at: m.index ?? 0, instruction: { kind: 'include', what } });
  }
  for (const m of t.matchAll(VISIT)) found.push({ at: m.index ?? 0, instruction: { kind: 'visit', url: m[1] ?? '' } });
  for (const m of t.matchAll(SHARE)) found.push({ at: m.index ?? 0, instruction: { kind: 'share', with: (m[1] ?? '').toLowerCase() } });
  return found.sort((a, b) => a.at - b.at).map((f) => f.instruction);
}
