import type { RedTeamReport } from './report.js';
import { RISK_IDS, SCENARIO_IDS } from './types.js';

/**
 * The terminal tables of `mass redteam`: per category and per scenario, attacks and how many
 * succeeded undefended and defended; utility; approvals; and which attacks got through a defended
 * system.
 */

function pct(n: number, of: number): string {
  return of === 0 ? '   -' : `${String(Math.round((100 * n) / of)).padStart(3)}%`;
}

function cells(widths: readonly number[], values: readonly string[]): string {
  return values
    .map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

export function formatReport(report: RedTeamReport): string {
  const { summary } = report;
  const out: string[] = [`MASS red team (seed ${report.seed}): undefended = mediator in monitor mode, defended = enforcing`, ''];

  const cw = [24, 7, 15, 15];
  out.push(cells(cw, ['category', 'attacks', 'undefended', 'defended']));
  let total = 0;
  let und = 0;
  let def = 0;
  for (const id of RISK_IDS) {
    const c = summary.categories[id];
    total += c.attacks;
    und += c.succeeded_undefended;
    def += c.succeeded_defended;
    out.push(
      cells(cw, [
        id,
        String(c.attacks),
        `${c.succeeded_undefended} ${pct(c.succeeded_undefended, c.attacks)}`,
        `${c.succeeded_defended} ${pct(c.succeeded_defended, c.attacks)}`,
      ]),
    );
  }
  out.push(cells(cw, ['all', String(total), `${und} ${pct(und, total)}`, `${def} ${pct(def, total)}`]), '');

  const sw = [31, 7, 11, 9, 6, 11, 9, 9];
  out.push(cells(sw, ['scenario', 'attacks', 'undefended', 'defended', 'benign', 'done undef', 'done def', 'approvals']));
  for (const id of SCENARIO_IDS) {
    const s = summary.scenarios[id];
    out.push(
      cells(sw, [
        id,
        String(s.attacks),
        String(s.succeeded_undefended),
        String(s.succeeded_defended),
        String(s.benign_tasks),
        String(s.completed_undefended),
        String(s.completed_defended),
        String(s.approvals_requested),
      ]),
    );
  }
  const u = summary.utility;
  out.push(
    '',
    `utility: ${u.benign_tasks} benign tasks, ${u.completed_undefended} completed undefended, ${u.completed_defended} defended (${pct(u.completed_defended, u.completed_undefended).trim()} of undefended)`,
    `approvals requested (defended runs): ${summary.approvals_requested}`,
  );

  const through = report.attacks.filter((a) => a.defended.achieved);
  if (through.length > 0) {
    out.push('', 'succeeded against the defended system:');
    for (const a of through) out.push(`  ${a.id} (${a.scenario}): ${a.goal}`);
  }
  if (report.errors.length > 0) out.push('', 'harness errors:', ...report.errors.map((e) => `  ${e}`));
  return `${out.join('\n')}\n`;
}

/** A one-line progress bar for stderr: `[#####.....] 12/73 id`. */
export function progressLine(done: number, total: number, id: string, width = 30): string {
  const filled = total === 0 ? width : Math.round((width * done) / total);
  const label = id.length > 48 ? `${id.slice(0, 47)}…` : id;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} ${label}`.padEnd(width + 60);
}
