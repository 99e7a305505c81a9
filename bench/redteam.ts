// The red team as a benchmark: wall time of the default run (goal ≤ 60 s) and of the AgentDojo
// replays, with the figures they produce (security and utility, undefended vs defended).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAgentDojoSuite, runRedTeam } from '../src/redteam/index.js';
import type { AgentDojoSummary } from '../src/redteam/agentdojo/index.js';
import type { RedTeamSummary } from '../src/redteam/report.js';

const SHARED = process.env.MASS_SHARED_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data');

export interface RedTeamBenchResult {
  readonly seconds: number;
  readonly summary: RedTeamSummary;
  readonly suites: readonly { readonly file: string; readonly seconds: number; readonly summary: AgentDojoSummary }[];
  readonly missing: readonly string[];
}

export async function runRedTeamBench(): Promise<RedTeamBenchResult> {
  const started = performance.now();
  const report = await runRedTeam({});
  const seconds = (performance.now() - started) / 1000;
  const suites = [];
  const missing = [];
  for (const name of ['slack', 'workspace']) {
    const file = join(SHARED, 'agentdojo', `${name}.json`);
    if (!existsSync(file)) {
      missing.push(file);
      continue;
    }
    const t = performance.now();
    const result = await runAgentDojoSuite(file);
    suites.push({ file: `agentdojo/${name}.json`, seconds: (performance.now() - t) / 1000, summary: result.summary });
  }
  return { seconds, summary: report.summary, suites, missing };
}
