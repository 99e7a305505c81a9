import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderReportHtml } from '../../redteam/html/render.js';
import { agentDojoJson, formatAgentDojo, runAgentDojoSuite } from '../../redteam/agentdojo/index.js';
import { runRedTeam } from '../../redteam/run.js';
import { summaryJson } from '../../redteam/report.js';
import { formatReport, progressLine } from '../../redteam/table.js';
import { ExitStatus, processIo, type Io } from '../io.js';

export interface RedteamCommandOptions {
  readonly json?: string;
  /** Write the self-contained HTML report (charts, utility, approvals, failed defences with traces) to this file. */
  readonly report?: string;
  readonly seed?: number;
  /** Replay an AgentDojo suite (JSON) instead of the default suite. */
  readonly suite?: string;
}

/**
 * `mass redteam [--json FILE] [--report FILE] [--seed N]`: runs the default red-team suite — the
 * six seed scenarios and the attack library, each undefended (mediator in monitor mode) and
 * defended — with a progress bar on stderr, prints the tables, with --json writes the figures in
 * the report shape of docs/ARCHITECTURE.md and with --report one self-contained HTML page.
 * Exit 0 whatever the attacks achieved (it is a measurement); 1 if the harness itself failed.
 */
export async function redteamCommand(io: Io, options: RedteamCommandOptions): Promise<void> {
  if (options.suite !== undefined) return redteamSuite(io, options.suite, options.json);
  const started = performance.now();
  // On a terminal the bar redraws in place; elsewhere (logs, CI) it is printed at every tenth.
  const terminal = io === processIo && process.stderr.isTTY === true;
  let tenth = -1;
  const report = await runRedTeam({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    onProgress: (done, total, id) => {
      if (terminal) return io.err(`\r${progressLine(done, total, id)}`);
      const now = Math.floor((10 * done) / total);
      if (now === tenth) return;
      tenth = now;
      io.err(`${progressLine(done, total, id).trimEnd()}\n`);
    },
  });
  if (terminal) io.err(`\r${' '.repeat(progressLine(0, 0, '').length)}\r`);
  io.out(formatReport(report));
  io.out(`run time: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  if (options.json !== undefined) {
    writeFileSync(resolve(io.cwd, options.json), summaryJson(report.summary));
    io.out(`figures written to ${options.json}\n`);
  }
  if (options.report !== undefined) {
    // No date and no action ids: the page is the same for the same seed.
    writeFileSync(resolve(io.cwd, options.report), renderReportHtml(report));
    io.out(`report written to ${options.report}\n`);
  }
  if (report.errors.length > 0) {
    io.err(`mass redteam: ${report.errors.length} run(s) failed in the harness itself\n`);
    throw new ExitStatus(1);
  }
}

/** `mass redteam --suite FILE [--json OUT]`: the AgentDojo replay (no model), undefended vs defended. */
async function redteamSuite(io: Io, file: string, json: string | undefined): Promise<void> {
  const started = performance.now();
  const result = await runAgentDojoSuite(resolve(io.cwd, file), {
    onProgress: (done, total, id) => {
      if (done === total || done % Math.max(1, Math.floor(total / 10)) === 0) io.err(`${progressLine(done, total, id).trimEnd()}\n`);
    },
  });
  io.out(formatAgentDojo(result.summary));
  io.out(`run time: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  if (json !== undefined) {
    writeFileSync(resolve(io.cwd, json), agentDojoJson(result.summary));
    io.out(`figures written to ${json}\n`);
  }
  if (result.errors.length > 0) {
    io.err(`mass redteam: ${result.errors.length} run(s) failed in the harness itself\n`);
    throw new ExitStatus(1);
  }
}
