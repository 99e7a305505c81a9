// `npm run bench [-- --quick] [-- --only <section>]`: measures and records the results in BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { runAuditLogBench } from './audit-log.js';
import { runCapabilityBench } from './capability.js';
import { runDetectBench } from './detect.js';
import { formatWorstTable, runDetectWorstBench } from './detect-worst.js';
import { runMcpBench } from './mcp.js';
import { runMcpMemoryBench } from './mcp-memory.js';
import { runRedTeamBench } from './redteam.js';
import { formatTable, type Measurement } from './measure.js';
import { runMediationBench } from './mediation.js';
import { runMerkleBench } from './merkle.js';

const quick = process.argv.includes('--quick');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const header = (title: string) => [`### ${title} (${date})`, '', `Machine: ${machine}. Command: \`npm run bench\`${quick ? ' -- --quick' : ''}.`, ''];

const sections: Record<string, () => Promise<string>> = {
  mediation: async () => {
    const results = await runMediationBench(quick ? { iterations: 300, cedarIterations: 200 } : { iterations: 5000, cedarIterations: 2000 });
    const byName = (prefix: string): Measurement => {
      const found = results.find((r) => r.name.startsWith(prefix));
      if (found === undefined) throw new Error(`no measurement ${prefix}`);
      return found;
    };
    const ratio = (a: Measurement, b: Measurement) => `${(a.medianUs / b.medianUs).toFixed(2)}× (median), ${(a.p99Us / b.p99Us).toFixed(2)}× (p99)`;
    const direct = byName('direct tool call');
    const host = byName('mediated, no signature');
    const signed = byName('mediated, signed envelope');
    const ed = byName('Ed25519 verify alone');
    return [
      ...header('Mediation'),
      formatTable(results),
      '',
      `- mediated (no signature) vs direct: +${(host.medianUs - direct.medianUs).toFixed(1)} µs median, +${(host.p99Us - direct.p99Us).toFixed(1)} µs p99`,
      `- signed vs unsigned mediation: ${ratio(signed, host)}`,
      `- signed mediation vs one Ed25519 verification: ${ratio(signed, ed)} (goal for later issues: ≤ 1.25×)`,
    ].join('\n');
  },
  detect: async () => {
    const r = await runDetectBench({ iterations: quick ? 500 : 20_000, scanLines: quick ? 2_000 : 100_000 });
    const full = r.rows.find((row) => row.name.startsWith('full set (mass scan'));
    const lines = [
      ...header('Content detectors'),
      'One core, 1 KB messages (e-mail, JSON tool output, code and stack trace, German/Japanese prose, a hidden injection), cycled.',
      '',
      formatTable(r.rows),
      '',
    ];
    if (full !== undefined)
      lines.push(`- full set: ${Math.round(1e6 / full.medianUs).toLocaleString('en')} messages/s per core at the median (goal: ≤ 50 µs median per 1 KB)`);
    if (r.scan !== undefined) {
      lines.push(
        `- \`mass scan --jsonl\` on ${r.scan.lines.toLocaleString('en')} lines (${r.scan.megabytes.toFixed(0)} MB): ${r.scan.seconds.toFixed(1)} s, ${(r.scan.megabytes / r.scan.seconds).toFixed(1)} MB/s, peak RSS ${r.scan.maxRssMb.toFixed(0)} MB (the file is streamed line by line, never held whole; the baseline is the runtime, the compiler and the model)`,
      );
    }
    return lines.join('\n');
  },
  'detect-worst': () => {
    const rows = runDetectWorstBench({ iterations: quick ? 40 : 300, seed: 1 });
    const worst = Math.max(...rows.map((r) => r.ratio));
    return Promise.resolve(
      [
        ...header('Content detectors: worst case found by search'),
        `Seeded hill-climb per detector (seed 1, ${quick ? 40 : 300} mutations with restarts) over repeated patterns of lexicon words, phrase gates, separators, invisible and tag characters, accents, CJK, digits, e-mail and key fragments and markup, each repeated to 8 KB; cost = fastest of several runs, the eight costliest patterns re-measured. Median = the ordinary texts of the detect section, repeated to 8 KB. Goal: worst / median ≤ 10× for every detector.`,
        '',
        formatWorstTable(rows),
        '',
        `- largest ratio: ${worst.toFixed(1)}×`,
      ].join('\n'),
    );
  },
  mcp: async () => {
    const { direct, proxied } = await runMcpBench({ iterations: quick ? 300 : 3000 });
    return [
      ...header('MCP gateway'),
      'The same `tools/call` (a 75-character echo) from the SDK client, sequentially: directly to a stdio MCP server, and through `mass mcp-proxy` (signed envelope, labels, detectors on arguments and result, Cedar decision, intent and outcome in the audit log, fsync).',
      '',
      formatTable([direct, proxied]),
      '',
      `- added latency: +${(proxied.medianUs - direct.medianUs).toFixed(0)} µs median, +${(proxied.p99Us - direct.p99Us).toFixed(0)} µs p99 (goal: ≤ 500 µs p99); ratio ${(proxied.medianUs / direct.medianUs).toFixed(2)}× median, ${(proxied.p99Us / direct.p99Us).toFixed(2)}× p99`,
    ].join('\n');
  },
  'mcp-memory': async () => {
    const r = await runMcpMemoryBench(
      quick ? { sessionsPerAgent: 4, callsPerSession: 2, resultChars: 256 * 1024 } : { sessionsPerAgent: 16, callsPerSession: 8, resultChars: 256 * 1024 },
    );
    const perAgent = r.sessionsPerAgent * r.callsPerSession * r.resultChars;
    return [
      ...header('MCP gateway memory under a flood'),
      `The real \`mass up\` process; ${r.agents} agents over mutual TLS, each with ${r.sessionsPerAgent} MCP sessions on \`/mcp/web\` (an upstream over Streamable HTTP echoing its text) making ${r.callsPerSession} calls each with ${(r.resultChars / 1024).toFixed(0)}K-character results of distinct numbers and words (the costliest text to index): ${r.calls} calls, ${(perAgent / 2 ** 20).toFixed(0)} Mi characters read per agent (${r.refused} refused${
        r.refused === 0
          ? ''
          : `: ${Object.entries(r.refusals)
              .map(([code, count]) => `${count} ${code}`)
              .join(', ')}`
      }). Default bounds: 512 segments and 2 Mi characters kept per agent, 16 Mi characters of indexes in memory over all agents.`,
      '',
      '| measure | value | ceiling |',
      '|---|---:|---:|',
      `| RSS after start | ${r.idleRssMb.toFixed(0)} MB | |`,
      `| peak RSS (VmHWM) during the flood | ${r.peakRssMb.toFixed(0)} MB | 1024 MB |`,
    ].join('\n');
  },
  redteam: async () => {
    const r = await runRedTeamBench();
    const pct = (n: number, d: number) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)}%`);
    const u = r.summary.utility;
    const lines = [
      ...header('Red team'),
      `Default run (\`mass redteam\`, seed 1: six seed scenarios, the attack library, every attack and benign task undefended and defended): **${r.seconds.toFixed(1)} s** (goal ≤ 60 s).`,
      '',
      '| risk | attacks | succeeded undefended | succeeded defended |',
      '|---|---:|---:|---:|',
    ];
    for (const [id, f] of Object.entries(r.summary.categories)) lines.push(`| ${id} | ${f.attacks} | ${f.succeeded_undefended} | ${f.succeeded_defended} |`);
    lines.push(
      '',
      `Utility: ${u.completed_undefended}/${u.benign_tasks} benign tasks undefended, ${u.completed_defended}/${u.benign_tasks} defended; approvals requested: ${r.summary.approvals_requested}.`,
      '',
    );
    if (r.suites.length > 0) {
      lines.push(
        'AgentDojo replay (`mass redteam --suite FILE`; gullible agent, defended = enforcing with no approval channel):',
        '',
        '| suite | utility undefended | utility defended | attacks succeeded undefended | attacks succeeded defended | approvals requested | time |',
        '|---|---:|---:|---:|---:|---:|---:|',
      );
      for (const s of r.suites) {
        const { utility: su, security: sec } = s.summary;
        lines.push(
          `| ${s.file} | ${su.completed_undefended}/${su.user_tasks} (${pct(su.completed_undefended, su.user_tasks)}) | ${su.completed_defended}/${su.user_tasks} (${pct(su.completed_defended, su.user_tasks)}) | ${sec.succeeded_undefended}/${sec.attacks} (${pct(sec.succeeded_undefended, sec.attacks)}) | ${sec.succeeded_defended}/${sec.attacks} (${pct(sec.succeeded_defended, sec.attacks)}) | ${s.summary.approvals_requested} | ${s.seconds.toFixed(1)} s |`,
        );
      }
    }
    for (const m of r.missing) lines.push(`- skipped: ${m} is absent (set MASS_SHARED_DATA)`);
    return lines.join('\n');
  },
  capability: async () => {
    const rows = await runCapabilityBench({ iterations: quick ? 300 : 5000 });
    return [
      ...header('Capability chains'),
      'Verification of a whole delegation chain (every link: structure, signature, claims; attenuation, revocation and agent status read from the store).',
      '',
      formatTable(rows),
    ].join('\n');
  },
  merkle: async () => {
    const leaves = quick ? 50_000 : 1_000_000;
    const rows = await runMerkleBench({ leaves, iterations: quick ? 300 : 5000 });
    return [...header(`Merkle tree (${leaves.toLocaleString('en')} leaves, in memory)`), formatTable(rows)].join('\n');
  },
  'audit-log': async () => {
    const entries = quick ? 20_000 : 1_000_000;
    const r = await runAuditLogBench({ entries, inFlight: 1000, proofIterations: quick ? 300 : 5000 });
    return [
      ...header('Audit log'),
      `Durable appends (SQLite file, WAL, synchronous=FULL, group commit) with 1,000 appends in flight, ${entries.toLocaleString('en')} entries:`,
      '',
      '| measure | value | goal |',
      '|---|---:|---:|',
      `| appends per second | ${Math.round(r.appendsPerSecond).toLocaleString('en')} | ≥ 50,000 |`,
      `| acknowledgement latency, median | ${r.ackMedianMs.toFixed(1)} ms | |`,
      `| acknowledgement latency, p99 | ${r.ackP99Ms.toFixed(1)} ms | |`,
      `| \`mass log verify\` (re-hash every entry, rebuild, check checkpoints) | ${r.verifySeconds.toFixed(2)} s | ≤ 3 s at 1M |`,
      '',
      formatTable(r.rows),
      '',
      'Goal for proofs on a 1M-entry log: ≤ 50 µs median each.',
    ].join('\n');
  },
};

for (const [name, run] of Object.entries(sections)) {
  if (only !== undefined && only !== name) continue;
  const section = await run();
  process.stdout.write(`${section}\n\n`);
  if (!quick) writeSection(name, section);
}

function writeSection(name: string, section: string): void {
  const file = 'BENCHMARKS.md';
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = `${begin}\n${section}\n${end}`;
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next = start >= 0 && stop > start ? current.slice(0, start) + block + current.slice(stop + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
  process.stdout.write(`wrote ${file} (${name})\n`);
}
