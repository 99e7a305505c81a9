import type { Detector, DetectorFinding } from './detector.js';
import { fold, hasInvisible, originalSpan } from './normalize.js';

/**
 * Tool poisoning: instructions hidden in what an MCP server says about its tools (names,
 * descriptions, input schemas), which the model reads but the user rarely sees.
 *
 * Categories:
 * - `hidden-tag`: `<IMPORTANT>`, `<system>`, `[INSTRUCTIONS]`, `<|im_start|>`-style markup;
 * - `instruction`: "ignore previous instructions", "before using this tool, read …";
 * - `concealment`: "do not tell the user", "hide this from …";
 * - `exfiltration`: "pass the contents of … as", "send the keys to …", "send it to https://…";
 * - `shadowing`: rules about other tools ("when the send_email tool is used, always bcc …");
 * - `sensitive-path`: `~/.ssh`, `id_rsa`, `.env`, `/etc/passwd`, `credentials.json`, `mcp.json`…;
 * - `invisible-characters`: zero-width, bidi control and tag characters;
 * - `long-description`: a description far longer than a tool needs;
 * - `tool-name`: a name outside MCP's `[A-Za-z0-9_.-]{1,128}`;
 * - `oversized-schema`: a schema too deep or too large to inspect (it is reported, not trusted;
 *   the span of this structural finding is empty, 0–0).
 * Findings of the optional injection detector keep their category, relabelled as ours.
 *
 * All text is attacker-controlled (the server wrote it). Rules run on the folded text (NFKC, lower
 * case, invisible characters removed, see `fold`), so "ＩＧＮＯＲＥ" or "ig\u200Bnore" still match;
 * spans are mapped back to the original text. Each regular expression says why it is linear.
 */

const NAME = 'tool-poisoning';

export interface ToolDescription {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
}

/**
 * A finding in one field of a tool: `/name`, `/description`, or a JSON Pointer (RFC 6901) into
 * the tool for schema strings (`/inputSchema/properties/path/description`); for a property or
 * other object key, the pointer to the member whose key it is (the span is within the key).
 */
export type ToolFinding = DetectorFinding & { readonly field: string };

interface Rule {
  readonly category: string;
  readonly score: number;
  readonly re: RegExp;
}

/*
 * Linear time: every rule is an alternation of literal words joined by `\s+`, with at most one
 * bounded gap (`[^.\n]{0,N}?`) between literals; a match can only start at a literal keyword, each
 * white-space run is followed by a literal (so it is read once per keyword), and two repetitions
 * that could share characters (`< / system`) are bounded (`{0,8}`). No nested quantifiers.
 */
const RULES: readonly Rule[] = [
  {
    category: 'hidden-tag',
    score: 0.85,
    re: /<[ \t]{0,8}\/?[ \t]{0,8}(?:important|system|instructions?|secret|hidden|admin|critical|context|assistant|sys|prompt)\b[^<>\n]{0,64}>|\[[ \t]{0,8}\/?[ \t]{0,8}(?:system|important|instructions?|inst|sys)[ \t]{0,8}\]|<\|[ \t]{0,8}(?:system|im_start|im_end|endoftext|start_header_id)[ \t]{0,8}\|>/g,
  },
  {
    category: 'instruction',
    score: 0.9,
    re: /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|existing|system|other)\s+(?:instructions?|rules|prompts?|directions|guidelines|messages|context)\b/g,
  },
  {
    category: 'instruction',
    score: 0.7,
    re: /\b(?:before|prior\s+to)\s+(?:using|calling|invoking|running|executing)\s+(?:this|the|any)\b[^.\n]{0,40}?\b(?:read|open|cat|load|fetch|include|send|pass|upload|attach|provide)\b/g,
  },
  {
    category: 'concealment',
    score: 0.9,
    re: /\b(?:do\s+not|don'?t|never|without)\s+(?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?|reveal(?:ing)?|notify(?:ing)?|alert(?:ing)?|show(?:ing)?|disclos(?:e|ing)|let(?:ting)?|warn(?:ing)?)\b[^.\n]{0,40}?\b(?:user|human|operator|anyone)\b|\b(?:hide|conceal)\s+(?:this|it|that|these)\s+from\b|\bdo(?:es)?\s{0,2}(?:not|n'?t)\s+need\s+to\s+(?:know|see)\b/g,
  },
  {
    category: 'concealment',
    score: 0.7,
    re: /\b(?:do\s+not|don'?t|never)\s+(?:mention|reveal|disclose)\b/g,
  },
  {
    category: 'instruction',
    score: 0.6,
    re: /\botherwise\s+(?:the\s+|this\s+)?tool\s+(?:will|would|may)\s+(?:not\s+work|fail|break|crash)\b/g,
  },
  {
    category: 'exfiltration',
    score: 0.75,
    re: /\b(?:pass|send|include|put|provide|append|add|attach|embed|copy)\s+(?:the\s+|its\s+|their\s+)?(?:full\s+|entire\s+|complete\s+|raw\s+|whole\s+)?(?:contents?|text|value|data)\s+of\b|\b(?:pass|send|include|put|provide|append|add|attach|embed)\s+(?:its|their|the)\s+(?:full\s+|entire\s+)?contents?\s+(?:as|in|into|to)\b|\b(?:send|forward|upload|post|transmit|leak|exfiltrate|email|copy)\s+(?:the\s+|all\s+|your\s+)?(?:keys?|credentials?|tokens?|secrets?|passwords?|conversation|chat\s+history|history)\s+to\b|\b(?:send|forward|upload|post|transmit|leak|exfiltrate|email|copy)\s+(?:it|them|this|that|those|these|everything|all\s+of\s+(?:it|them)|the\s+(?:contents?|data|files?|results?))\s+to\s+(?:https?:|www\.|[\w.+-]{1,64}@|(?:this|the\s+following|an?\s+(?:external|remote))\s+(?:address|url|endpoint|server|e-?mail|webhook))/g,
  },
  {
    category: 'shadowing',
    score: 0.7,
    re: /\b(?:always|also|secretly|silently|quietly)\s+(?:bcc|cc|blind\s+copy|forward|redirect|send\s+a\s+copy)\b|\b(?:all|every|any)\s+other\s+tools?\b/g,
  },
  {
    category: 'sensitive-path',
    score: 0.7,
    re: /(?:~|\$home|%userprofile%)?[/\\]?\.ssh\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\/etc\/(?:passwd|shadow|sudoers)\b|(?<![\w.-])\.env\b(?![\w-])|\bcredentials\.json\b|\bmcp\.json\b|\.aws[/\\]credentials\b|(?<![\w-])\.(?:netrc|npmrc|pypirc|git-credentials|pgpass|bash_history|zsh_history|gnupg)\b|\.kube[/\\]config\b|\.docker[/\\]config\.json\b|\bwallet\.dat\b|\bclaude_desktop_config\.json\b|\bsecrets?\.(?:ya?ml|json|toml)\b/g,
  },
];

/**
 * "when the send_email tool is used": group 1 is the tool named. Linear: literals and single
 * bounded classes, starting at a literal keyword.
 */
const SHADOW_RE =
  /\b(?:when|whenever|if|before|after|each\s+time)\s+(?:the\s+|any\s+|calling\s+|using\s+)?[`"'*]?([a-z][\w.-]{1,63})[`"'*]?\s+(?:tool|function)\s+(?:is\s+|gets\s+)?(?:used|called|invoked|run|executed)\b/g;

/**
 * Invisible characters, on the original text. Zero-width joiner only next to a letter or digit
 * (between emoji it builds a single pictograph); U+FE0F (emoji presentation) is not flagged.
 * Linear: a character class repetition, or a single character with a one-character lookaround.
 * The classes list joining code points on purpose (each stands alone), hence the lint exception.
 */
const INVISIBLE_RE =
  // eslint-disable-next-line no-misleading-character-class
  /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u180E\u00AD\u{E0000}-\u{E007F}\u{E0100}-\u{E01EF}]+|\u200D(?:(?<=[\p{L}\p{N}]\u200D)|(?=[\p{L}\p{N}]))/gu;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const ONLY_MARKS = /^[\u200E\u200F\u00AD]+$/;

/** Tag characters and supplementary variation selectors, which can smuggle a whole ASCII text invisibly. */
function hasTagChars(run: string): boolean {
  for (const ch of run) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xe0000 && cp <= 0xe01ef) return true;
  }
  return false;
}

/** Descriptions longer than this are reported (the longest in common servers are ~1,500 characters). */
const LONG_DESCRIPTION = 2_000;
const VERY_LONG_DESCRIPTION = 5_000;
/** Schema walk bounds. */
const MAX_DEPTH = 32;
const MAX_NODES = 10_000;
const MAX_SCHEMA_CHARS = 1_000_000;
/** Longest text scanned per field; the rest of a longer field is not read (and is reported as long). */
const MAX_FIELD_CHARS = 1_000_000;

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export class ToolPoisoningDetector implements Detector {
  readonly name = NAME;
  readonly #injection: Detector | undefined;

  /** `injection`: a prompt-injection detector run over each text too (its findings are relabelled as ours). */
  constructor(injection?: Detector) {
    this.#injection = injection;
  }

  scan(text: string): readonly DetectorFinding[] {
    return this.#scanText(text);
  }

  scanTool(tool: ToolDescription): readonly ToolFinding[] {
    const out: ToolFinding[] = [];
    const name = typeof tool.name === 'string' ? tool.name : '';
    const self = name.toLowerCase();
    const add = (field: string, text: string): void => {
      for (const f of this.#scanText(text, self)) out.push({ ...f, field });
    };
    add('/name', name);
    if (!TOOL_NAME.test(name)) out.push({ detector: NAME, category: 'tool-name', score: 0.5, start: 0, end: name.length, field: '/name' });
    if (typeof tool.description === 'string') {
      const d = tool.description;
      add('/description', d);
      if (d.length > LONG_DESCRIPTION) {
        const score = d.length > VERY_LONG_DESCRIPTION ? 0.6 : 0.4;
        out.push({ detector: NAME, category: 'long-description', score, start: 0, end: d.length, field: '/description' });
      }
    }
    if (tool.inputSchema !== undefined) walkSchema(tool.inputSchema, add, out);
    return out;
  }

  #scanText(text: string, self?: string): DetectorFinding[] {
    if (typeof text !== 'string' || text.length === 0) return [];
    const source = text.length > MAX_FIELD_CHARS ? text.slice(0, MAX_FIELD_CHARS) : text;
    const out = scanRules(source, self);
    if (this.#injection !== undefined) {
      for (const f of this.#injection.scan(source)) out.push({ ...f, detector: NAME });
    }
    if (out.length > 1) out.sort((a, b) => a.start - b.start || a.end - b.end);
    return out;
  }
}

/**
 * Scan every string and every object key of a schema, depth first, within MAX_DEPTH, MAX_NODES
 * and MAX_SCHEMA_CHARS; a schema beyond them is reported as `oversized-schema`. The walk is
 * iterative, so a deep (or cyclic, if built in memory) schema cannot overflow the stack.
 */
function walkSchema(schema: unknown, add: (field: string, text: string) => void, out: ToolFinding[]): void {
  let nodes = 0;
  let chars = 0;
  let truncated = false;
  // Pre-order, in document order: a member's key is scanned when the member is visited.
  const stack: Array<{ value: unknown; path: string; depth: number; key?: string }> = [{ value: schema, path: '/inputSchema', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    if (++nodes > MAX_NODES || item.depth > MAX_DEPTH) {
      truncated = true;
      break;
    }
    const { value, path } = item;
    if (item.key !== undefined) add(path, item.key);
    if (typeof value === 'string') {
      chars += value.length;
      if (chars > MAX_SCHEMA_CHARS) {
        truncated = true;
        break;
      }
      add(path, value);
    } else if (Array.isArray(value)) {
      if (nodes + stack.length + value.length > MAX_NODES) {
        truncated = true;
        break;
      }
      for (let k = value.length - 1; k >= 0; k--) stack.push({ value: value[k] as unknown, path: `${path}/${k}`, depth: item.depth + 1 });
    } else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      if (nodes + stack.length + keys.length > MAX_NODES) {
        truncated = true;
        break;
      }
      for (let k = keys.length - 1; k >= 0; k--) {
        const key = keys[k] ?? '';
        const child = `${path}/${pointerToken(key)}`;
        chars += key.length;
        if (chars > MAX_SCHEMA_CHARS) {
          truncated = true;
          break;
        }
        stack.push({ value: (value as Record<string, unknown>)[key], path: child, depth: item.depth + 1, key });
      }
      if (truncated) break;
    }
  }
  if (truncated) out.push({ detector: NAME, category: 'oversized-schema', score: 0.6, start: 0, end: 0, field: '/inputSchema' });
}

/** The rules, the shadowing rule (other tools than `self`) and invisible characters, on one text. */
function scanRules(source: string, self: string | undefined): DetectorFinding[] {
  const out: DetectorFinding[] = [];
  const folded = fold(source);
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    for (let m = rule.re.exec(folded.text); m !== null; m = rule.re.exec(folded.text)) {
      if (m[0].length === 0) {
        rule.re.lastIndex++;
        continue;
      }
      const span = originalSpan(folded, m.index, m.index + m[0].length);
      out.push({ detector: NAME, category: rule.category, score: rule.score, start: span.start, end: span.end });
    }
  }
  SHADOW_RE.lastIndex = 0;
  for (let m = SHADOW_RE.exec(folded.text); m !== null; m = SHADOW_RE.exec(folded.text)) {
    // Shadowing names another tool; a description that talks about its own tool is fine.
    if (self !== undefined && m[1] === self) continue;
    const span = originalSpan(folded, m.index, m.index + m[0].length);
    out.push({ detector: NAME, category: 'shadowing', score: 0.8, start: span.start, end: span.end });
  }
  if (!hasInvisible(source)) return out;
  INVISIBLE_RE.lastIndex = 0;
  for (let m = INVISIBLE_RE.exec(source); m !== null; m = INVISIBLE_RE.exec(source)) {
    const run = m[0];
    if (ONLY_MARKS.test(run)) continue;
    if (hasTagChars(run) && m.index >= 2 && source.codePointAt(m.index - 2) === 0x1f3f4) continue; // emoji flag tag sequence
    const score = hasTagChars(run) ? 0.95 : BIDI_CONTROL.test(run) ? 0.85 : 0.8;
    out.push({ detector: NAME, category: 'invisible-characters', score, start: m.index, end: m.index + run.length });
  }
  return out;
}

/** RFC 6901 reference token. */
function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
