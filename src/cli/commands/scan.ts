import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { resolveConfigPath, loadConfigFile } from '../../config/load.js';
import type { DetectorSuite } from '../../detect/detector.js';
import { detectorSuite, scanText, type ScanResult } from '../../detect/suite.js';
import { ExitStatus, type Io } from '../io.js';

export interface ScanOptions {
  readonly jsonl?: string;
  readonly failOnFlag?: boolean;
}

/** Longest JSONL line accepted (UTF-16 units): a bound on attacker-controlled input held in memory. */
const MAX_LINE = 4 * 1024 * 1024;

/**
 * `mass scan [TEXT] [--jsonl FILE]`: runs the content detectors.
 *
 * JSONL: each input line is an object with a string `text`; every other field is copied through
 * (`id` first), then `flagged`, `score` and `findings` are added — one output line per input line, in
 * order, streaming (memory stays constant whatever the file size). A line that is not such an
 * object gets `{"line": n, "error": "..."}` in its place and the exit status becomes 2; blank lines
 * are skipped. `--fail-on-flag`: exit 1 when anything was flagged (2 still wins). Without a
 * mass.yaml (or --config) every detector runs at its default threshold.
 */
export async function scanCommand(io: Io, configOption: string | undefined, text: string | undefined, options: ScanOptions): Promise<void> {
  if ((text === undefined) === (options.jsonl === undefined)) {
    io.err('mass scan: give either TEXT or --jsonl FILE (use --jsonl - for standard input)\n');
    throw new ExitStatus(2);
  }
  const suite = suiteFor(io, configOption);
  let flagged = false;
  let unusable = false;
  if (text !== undefined) {
    const result = scanText(suite, text);
    flagged = result.flagged;
    io.out(`${JSON.stringify(output({}, result))}\n`);
  } else {
    const path = options.jsonl as string;
    if (path !== '-' && !existsSync(resolve(io.cwd, path))) {
      io.err(`mass scan: --jsonl: no such file ${path}\n`);
      throw new ExitStatus(2);
    }
    const input: Readable = path === '-' ? (io.stdin ?? process.stdin) : createReadStream(resolve(io.cwd, path));
    const lines = createInterface({ input, crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      const parsed = parseLine(line);
      if (typeof parsed === 'string') {
        unusable = true;
        io.err(`mass scan: line ${n}: ${parsed}\n`);
        io.out(`${JSON.stringify({ line: n, error: parsed })}\n`);
        continue;
      }
      const result = scanText(suite, parsed.text);
      if (result.flagged) flagged = true;
      io.out(`${JSON.stringify(output(parsed.rest, result))}\n`);
      await io.drain?.();
    }
  }
  if (unusable) throw new ExitStatus(2);
  if (flagged && options.failOnFlag === true) throw new ExitStatus(1);
}

function suiteFor(io: Io, configOption: string | undefined): DetectorSuite {
  if (configOption === undefined && !existsSync(resolve(io.cwd, 'mass.yaml'))) return detectorSuite();
  return detectorSuite(loadConfigFile(resolveConfigPath(configOption, io.cwd)).data.detectors);
}

/** One JSONL line: attacker-controlled. Bounded, parsed, and checked for a string `text`. */
function parseLine(line: string): { text: string; rest: Record<string, unknown> } | string {
  if (line.length > MAX_LINE) return `line longer than ${MAX_LINE} characters`;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const { text, ...rest } = value as Record<string, unknown>;
  if (typeof text !== 'string') return 'no string field "text"';
  return { text, rest };
}

function output(rest: Record<string, unknown>, result: ScanResult): Record<string, unknown> {
  const { id, ...others } = rest;
  return {
    ...(id === undefined ? {} : { id }),
    ...others,
    flagged: result.flagged,
    score: result.score,
    findings: result.findings.map((f) => ({ detector: f.detector, category: f.category, score: f.score, start: f.start, end: f.end })),
  };
}
