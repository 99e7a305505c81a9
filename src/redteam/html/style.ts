/** The page's only style sheet, inline: system fonts, no images, no network. */
export const STYLE = `
:root { --undefended: #c8453c; --defended: #2a6fb0; --approvals: #8a6d1f; --ink: #1d232b; --muted: #5d6875; --line: #d9dee4; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0; display: inline; }
p.lead, p.note { color: var(--muted); margin: 4px 0 12px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 20px 16px; margin-top: 18px; }
section > h2 { border: 0; margin-top: 14px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; min-width: 150px; }
.card .value { font-size: 22px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
.bad { color: var(--undefended); font-weight: 600; }
.good { color: var(--defended); font-weight: 600; }
tr.refused td { background: #eef4fb; }
details { border-top: 1px solid var(--line); padding: 8px 0; }
details > summary { cursor: pointer; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 8px 0; }
svg .bar.undefended, svg .legend.undefended { fill: var(--undefended); }
svg .bar.defended, svg .legend.defended { fill: var(--defended); }
svg .bar.approvals, svg .legend.approvals { fill: var(--approvals); }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
svg .tick, svg .no-data { fill: var(--muted); }
svg .bar-caption { font-size: 11px; }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; }
`;
