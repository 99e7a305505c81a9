import type { AttackResult, BenignResult, RunOutcome } from '../engine.js';
import type { AttackFigures, RedTeamReport } from '../report.js';
import { RISK_IDS, SCENARIO_IDS, type ActionTrace } from '../types.js';
import { barChart, type ChartGroup, type ChartSeries } from './charts.js';
import { escapeHtml as h } from './escape.js';
import { STYLE } from './style.js';

/**
 * The HTML report of `mass redteam --report FILE`: one self-contained page (inline CSS and SVG, no
 * script, no font, image or any other request) with attack success undefended vs defended per
 * category and per scenario, utility, approvals requested, and every failed defence with its trace.
 *
 * The page is a pure function of the report and the options: no clock, no random. A report of the
 * same seed gives the same page, except for the mediator's action ids, which are fresh every run and
 * therefore shown only when asked for (`actionIds`).
 */

export interface ReportHtmlOptions {
  /** The page title (default "MASS red-team report"). */
  readonly title?: string;
  /** A date or other label printed under the title; the page never reads the clock itself. */
  readonly date?: string;
  /** Print the mediator's action ids in the traces (they differ between runs; default: numbered steps only). */
  readonly actionIds?: boolean;
}

const MODES: readonly ChartSeries[] = [
  { name: 'undefended (monitor mode)', className: 'undefended' },
  { name: 'defended (enforcing)', className: 'defended' },
];

const rate = (n: number, of: number): number | null => (of === 0 ? null : (100 * n) / of);
const pct = (n: number, of: number): string => (of === 0 ? '–' : `${Math.round((100 * n) / of)}%`);
const count = (n: number, of: number): string => `${n}/${of} (${pct(n, of)})`;

function modeGroup(label: string, n: readonly [number, number], of: number): ChartGroup {
  if (of === 0) return { label, values: null };
  return { label, values: [rate(n[0], of), rate(n[1], of)], captions: [count(n[0], of), count(n[1], of)] };
}

function totals(rows: readonly AttackFigures[]): AttackFigures {
  return rows.reduce(
    (t, r) => ({
      attacks: t.attacks + r.attacks,
      succeeded_undefended: t.succeeded_undefended + r.succeeded_undefended,
      succeeded_defended: t.succeeded_defended + r.succeeded_defended,
    }),
    { attacks: 0, succeeded_undefended: 0, succeeded_defended: 0 },
  );
}

const td = (text: string, cls?: string) => `<td${cls === undefined ? '' : ` class="${cls}"`}>${text}</td>`;
const th = (text: string, cls?: string) => `<th${cls === undefined ? '' : ` class="${cls}"`} scope="col">${text}</th>`;
const outcome = (achieved: boolean, yes: string, no: string) => (achieved ? `<span class="bad">${yes}</span>` : `<span class="good">${no}</span>`);

function card(value: string, label: string): string {
  return `<div class="card"><div class="value">${h(value)}</div><div class="label">${h(label)}</div></div>`;
}

function headline(report: RedTeamReport): string {
  const all = totals(RISK_IDS.map((id) => report.summary.categories[id]));
  const u = report.summary.utility;
  const granted = [...report.attacks, ...report.benign].reduce((n, r) => n + r.defended.approvalsGranted, 0);
  return `<div class="cards" id="summary">${[
    card(String(all.attacks), 'attacks run'),
    card(pct(all.succeeded_undefended, all.attacks), 'attack success undefended'),
    card(pct(all.succeeded_defended, all.attacks), 'attack success defended'),
    card(`${u.completed_defended}/${u.benign_tasks}`, 'benign tasks completed defended'),
    card(pct(u.completed_defended, u.completed_undefended), 'utility kept (defended / undefended)'),
    card(`${report.summary.approvals_requested}`, `approvals requested (${granted} granted)`),
    card(String(report.errors.length), 'harness errors'),
  ].join('')}</div>`;
}

function categories(report: RedTeamReport): string {
  const rows = RISK_IDS.map((id) => [id, report.summary.categories[id]] as const);
  const chart = barChart({
    title: 'Attack success by category, undefended vs defended',
    series: MODES,
    max: 100,
    axis: 'percent',
    groups: rows.map(([id, c]) => modeGroup(id, [c.succeeded_undefended, c.succeeded_defended], c.attacks)),
  });
  const all = totals(rows.map(([, c]) => c));
  const body = rows
    .map(
      ([id, c]) =>
        `<tr data-category="${h(id)}">${td(`<code>${h(id)}</code>`)}${td(String(c.attacks), 'num')}${td(count(c.succeeded_undefended, c.attacks), 'num')}${td(count(c.succeeded_defended, c.attacks), 'num')}</tr>`,
    )
    .join('');
  const total = `<tr class="total">${td('all')}${td(String(all.attacks), 'num')}${td(count(all.succeeded_undefended, all.attacks), 'num')}${td(count(all.succeeded_defended, all.attacks), 'num')}</tr>`;
  return section(
    'categories',
    'Attack success by category',
    'Share of attacks whose effect reached the world (money moved, secret delivered, memory poisoned), judged on the world only.',
    [
      chart,
      `<table><thead><tr>${th('category')}${th('attacks', 'num')}${th('succeeded undefended', 'num')}${th('succeeded defended', 'num')}</tr></thead><tbody>${body}${total}</tbody></table>`,
    ],
  );
}

function scenarios(report: RedTeamReport): string {
  const rows = SCENARIO_IDS.map((id) => [id, report.summary.scenarios[id]] as const);
  const chart = barChart({
    title: 'Attack success by scenario, undefended vs defended',
    series: MODES,
    max: 100,
    axis: 'percent',
    groups: rows.map(([id, s]) => modeGroup(id, [s.succeeded_undefended, s.succeeded_defended], s.attacks)),
  });
  const body = rows
    .map(
      ([id, s]) =>
        `<tr data-scenario="${h(id)}">${td(`<code>${h(id)}</code>`)}${td(String(s.attacks), 'num')}${td(count(s.succeeded_undefended, s.attacks), 'num')}${td(count(s.succeeded_defended, s.attacks), 'num')}` +
        `${td(String(s.benign_tasks), 'num')}${td(String(s.completed_undefended), 'num')}${td(String(s.completed_defended), 'num')}${td(String(s.approvals_requested), 'num')}</tr>`,
    )
    .join('');
  const head = ['scenario', 'attacks', 'succeeded undefended', 'succeeded defended', 'benign tasks', 'completed undefended', 'completed defended', 'approvals'];
  return section(
    'scenarios',
    'Attack success by scenario',
    'Each seed scenario is a running multi-agent system; every attack and task runs on a fresh system and world.',
    [chart, `<table><thead><tr>${head.map((c, i) => th(c, i === 0 ? undefined : 'num')).join('')}</tr></thead><tbody>${body}</tbody></table>`],
  );
}

function utility(report: RedTeamReport): string {
  const u = report.summary.utility;
  const groups = [
    modeGroup('all benign tasks', [u.completed_undefended, u.completed_defended], u.benign_tasks),
    ...SCENARIO_IDS.map((id) => {
      const s = report.summary.scenarios[id];
      return modeGroup(id, [s.completed_undefended, s.completed_defended], s.benign_tasks);
    }),
  ];
  const chart = barChart({ title: 'Benign tasks completed, undefended vs defended', series: MODES, max: 100, axis: 'percent', groups });
  const rows = report.benign
    .map(
      (b: BenignResult) =>
        `<tr data-task="${h(b.id)}">${td(`<code>${h(b.id)}</code>`)}${td(h(b.description))}${td(outcome(!b.undefended.achieved, 'not done', 'done'))}${td(outcome(!b.defended.achieved, 'not done', 'done'))}${td(String(b.defended.approvalsRequested), 'num')}</tr>`,
    )
    .join('');
  return section(
    'utility',
    'Utility',
    `What the legitimate work kept under defence: ${count(u.completed_defended, u.benign_tasks)} benign tasks completed defended, ${count(u.completed_undefended, u.benign_tasks)} undefended.`,
    [
      chart,
      rows === ''
        ? '<p class="note">No benign tasks in this run.</p>'
        : `<table><thead><tr>${th('task')}${th('description')}${th('undefended')}${th('defended')}${th('approvals', 'num')}</tr></thead><tbody>${rows}</tbody></table>`,
    ],
  );
}

function approvals(report: RedTeamReport): string {
  const rows = SCENARIO_IDS.map((id) => [id, report.summary.scenarios[id]] as const);
  const max = Math.max(1, ...rows.map(([, s]) => s.approvals_requested));
  const chart = barChart({
    title: 'Approval requests put to the reviewer, by scenario (defended runs)',
    series: [{ name: 'approvals requested', className: 'approvals' }],
    max,
    axis: 'count',
    groups: rows.map(([id, s]) => ({ label: id, values: [s.approvals_requested] })),
  });
  return section(
    'approvals',
    'Approvals requested',
    `The (simulated) human reviewer was asked ${report.summary.approvals_requested} time(s) in the defended runs; the undefended runs ask no one.`,
    [chart],
  );
}

function traceTable(actions: readonly ActionTrace[], actionIds: boolean): string {
  if (actions.length === 0) return '<p class="note">No mediated action.</p>';
  const head = ['#', ...(actionIds ? ['action id'] : []), 'kind', 'actor', 'target', 'result', 'code', 'stage', 'policies'];
  const rows = actions.map((a, i) => {
    const cells = [
      td(String(i + 1), 'num'),
      ...(actionIds ? [td(`<code>${h(a.actionId)}</code>`)] : []),
      td(h(a.kind)),
      td(a.actor === null ? '<em>unauthenticated</em>' : `<code>${h(a.actor)}</code>`),
      td(`<code>${h(a.target)}</code>`),
      td(a.executed ? 'ran' : 'refused'),
      td(a.code === undefined ? '' : `<code>${h(a.code)}</code>`),
      td(a.stage === undefined ? '' : h(a.stage)),
      td(a.policies.map((p) => `<code>${h(p)}</code>`).join(', ')),
    ];
    return `<tr class="${a.executed ? 'ran' : 'refused'}">${cells.join('')}</tr>`;
  });
  return `<table class="trace"><thead><tr>${head.map((c) => th(c)).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function runFacts(run: RunOutcome): string {
  const refused = run.actions.filter((a) => !a.executed).length;
  const denied = run.actions.filter((a) => a.code !== undefined).length;
  return `${run.actions.length} action(s), ${refused} refused, ${denied} with a denial code; ${run.approvalsRequested} approval(s) requested, ${run.approvalsGranted} granted${run.error === undefined ? '' : `; harness error: ${run.error}`}`;
}

function failedDefences(report: RedTeamReport, actionIds: boolean): string {
  const through = report.attacks.filter((a) => a.defended.achieved);
  const items = through.map(
    (a: AttackResult) =>
      `<details class="failed-defence" data-attack="${h(a.id)}"><summary><h3><code>${h(a.id)}</code></h3> — ${h(a.category)}, ${h(a.scenario)} · ${a.defended.actions.length} action(s), ${a.defended.actions.filter((t) => !t.executed).length} refused</summary>` +
      `<dl class="facts"><dt>goal</dt><dd>${h(a.goal)}</dd><dt>success when</dt><dd>${h(a.success)}</dd><dt>attacker controls</dt><dd>${h(a.attacker)}</dd>` +
      `<dt>undefended run</dt><dd>${h(runFacts(a.undefended))}</dd><dt>defended run</dt><dd>${h(runFacts(a.defended))}</dd></dl>` +
      `${traceTable(a.defended.actions, actionIds)}</details>`,
  );
  const lead =
    through.length === 0
      ? 'No attack succeeded against the defended system.'
      : `${through.length} attack(s) still reached their effect with the mediator enforcing. Each lists the defended run's mediated actions in order: who acted on what, whether it ran or was refused, and the denial code, stage and policies the mediator recorded.`;
  return section('failed-defences', 'Failed defences', lead, items);
}

function everyAttack(report: RedTeamReport): string {
  const rows = report.attacks
    .map(
      (a) =>
        `<tr data-attack="${h(a.id)}">${td(`<code>${h(a.id)}</code>`)}${td(h(a.scenario))}${td(h(a.goal))}${td(outcome(a.undefended.achieved, 'succeeded', 'stopped'))}${td(outcome(a.defended.achieved, 'succeeded', 'stopped'))}</tr>`,
    )
    .join('');
  if (rows === '') return section('attacks', 'Every attack', 'No attacks in this run.', []);
  return section('attacks', 'Every attack', 'The attack library as run, in order.', [
    `<table><thead><tr>${th('attack')}${th('scenario')}${th('goal')}${th('undefended')}${th('defended')}</tr></thead><tbody>${rows}</tbody></table>`,
  ]);
}

function section(id: string, title: string, lead: string, body: readonly string[]): string {
  return `<section id="${id}"><h2>${h(title)}</h2><p class="lead">${h(lead)}</p>${body.join('\n')}</section>\n`;
}

/** Renders a red-team report as one self-contained HTML page. */
export function renderReportHtml(report: RedTeamReport, options: ReportHtmlOptions = {}): string {
  const title = options.title ?? 'MASS red-team report';
  const errors =
    report.errors.length === 0
      ? ''
      : section('errors', 'Harness errors', 'Faults of the harness itself (not refusals); these runs count as not achieved.', [
          `<ul>${report.errors.map((e) => `<li><code>${h(e)}</code></li>`).join('')}</ul>`,
        ]);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // No request of any kind may leave the page: no scripts, fonts, images, frames or connections.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    `<h1>${h(title)}</h1>`,
    `<p class="lead">Seed ${report.seed}${options.date === undefined ? '' : ` · ${h(options.date)}`} · undefended = mediator in monitor mode (decides and records, enforces nothing) · defended = mediator enforcing, with the simulated reviewer</p>`,
    headline(report),
    categories(report),
    scenarios(report),
    utility(report),
    approvals(report),
    failedDefences(report, options.actionIds === true),
    everyAttack(report),
    errors,
    '<footer>Generated by <code>mass redteam</code>. Same seed, same page.</footer>',
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}
