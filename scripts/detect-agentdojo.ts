/**
 * AgentDojo (slack, workspace) as labelled examples for the injection detector.
 *
 * Benign: user task prompts, the default texts of the injection vectors, and every record of the
 * default environment (e-mails, calendar events, files, messages, web pages) written out the way
 * a tool returns it. Attacks: the suite's `attack_template` filled with each injection task's goal,
 * alone and placed in each record that hosts an injection vector (the other vectors keep their
 * defaults). The template itself is never a benign example.
 */
import { join } from 'node:path';
import { asRecord, hashString, makeExample, readJson, str, type Example, type Prng } from './detect-data.js';

const SUITES = ['slack', 'workspace'] as const;
const USERS = ['Emma Johnson', 'the user'] as const;
const MODELS = ['GPT-4', 'Claude', 'Gemini', 'Llama 3', 'Command R+', 'the AI language model'] as const;
const PLACEHOLDER = /\{([a-z0-9_]+)\}/g;

/** A record written out as a tool returns it: `key: value` lines, nested values indented. */
export function toToolOutput(value: unknown, indent = ''): string {
  if (Array.isArray(value)) return value.map((v) => `${indent}- ${toToolOutput(v, indent + '  ').trimStart()}`).join('\n');
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => (typeof v === 'object' && v !== null ? `${indent}${k}:\n${toToolOutput(v, indent + '  ')}` : `${indent}${k}: ${String(v)}`))
      .join('\n');
  }
  return `${indent}${String(value)}`;
}

interface RecordPair {
  readonly plain: unknown; // default environment
  readonly holed: unknown; // the same record with {vector} placeholders
}

/** Records: objects inside arrays, and the entries of string-valued maps (web pages), walked in parallel. */
function records(plain: unknown, holed: unknown, out: RecordPair[]): void {
  if (Array.isArray(plain) && Array.isArray(holed)) {
    plain.forEach((p, i) => {
      if (typeof p === 'object' && p !== null && !Array.isArray(p)) out.push({ plain: p, holed: holed[i] });
      else records(p, holed[i], out);
    });
    return;
  }
  if (typeof plain === 'object' && plain !== null && typeof holed === 'object' && holed !== null) {
    const h = holed as Record<string, unknown>;
    for (const [k, v] of Object.entries(plain)) {
      if (typeof v === 'string' && v.length >= 40) out.push({ plain: { [k]: v }, holed: { [k]: h[k] } });
      else records(v, h[k], out);
    }
  }
}

function fill(value: unknown, vectors: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (m, id: string) => vectors.get(id) ?? m);
  if (Array.isArray(value)) return value.map((v) => fill(v, vectors));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vectors)]));
  return value;
}

export function agentdojo(dir: string, rng: Prng): Example[] {
  const out: Example[] = [];
  const push = (e: Example | undefined): void => {
    if (e !== undefined) out.push(e);
  };
  for (const suite of SUITES) {
    const spec = asRecord(readJson(join(dir, `agentdojo/${suite}.json`)));
    const template = str(spec.attack_template);
    const defaults = new Map<string, string>();
    for (const v of (spec.injection_vectors as unknown[]).map(asRecord)) {
      const id = str(v.id);
      defaults.set(id, str(v.default));
      push(makeExample({ text: str(v.default), label: 0, source: 'agentdojo', kind: 'vector-default' }, [`ad:vec:${suite}:${id}`]));
    }
    for (const t of (spec.user_tasks as unknown[]).map(asRecord)) {
      push(makeExample({ text: str(t.prompt), label: 0, source: 'agentdojo', kind: 'user-task' }, [`ad:user:${suite}:${str(t.id)}`]));
    }
    const goals = (spec.injection_tasks as unknown[]).map(asRecord).map((t) => ({ id: str(t.id), goal: str(t.goal) }));
    const attackFor = (goal: string): string =>
      template.replaceAll('{goal}', goal).replaceAll('{user}', rng.pick(USERS)).replaceAll('{model}', rng.pick(MODELS));
    for (const g of goals) {
      push(makeExample({ text: attackFor(g.goal), label: 1, source: 'agentdojo', kind: 'attack' }, [`ad:goal:${suite}:${g.id}`]));
    }
    const pairs: RecordPair[] = [];
    records(
      readJson(join(dir, `agentdojo/env/${suite}/environment.default.json`)),
      readJson(join(dir, `agentdojo/env/${suite}/environment.placeholders.json`)),
      pairs,
    );
    for (const { plain, holed } of pairs) {
      const text = toToolOutput(plain);
      const hosted = [...JSON.stringify(holed ?? null).matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((id) => defaults.has(id));
      const groups = hosted.length > 0 ? [...new Set(hosted)].map((id) => `ad:vec:${suite}:${id}`) : [`ad:rec:${suite}:${hashString(text)}`];
      push(makeExample({ text, label: 0, source: 'agentdojo', kind: 'tool-output' }, groups));
      for (const vector of new Set(hosted)) {
        for (const g of goals) {
          const attack = attackFor(g.goal);
          const filled = toToolOutput(fill(holed, new Map([...defaults, [vector, attack]])));
          const at = filled.indexOf(attack);
          if (at < 0) continue;
          const span: [number, number] = [at, at + attack.length];
          push(
            makeExample({ text: filled, label: 1, source: 'agentdojo', kind: 'attack-in-tool-output', span }, [
              `ad:vec:${suite}:${vector}`,
              `ad:goal:${suite}:${g.id}`,
            ]),
          );
        }
      }
    }
  }
  return out;
}
