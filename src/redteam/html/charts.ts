import { escapeHtml } from './escape.js';

/**
 * Inline SVG bar charts for the red-team report: horizontal grouped bars, one group per row (a
 * category, a scenario), one bar per series (undefended, defended). Pure functions of their input,
 * numbers printed with fixed decimals, so the same figures give the same bytes.
 */

export interface ChartSeries {
  readonly name: string;
  /** A CSS class of the page's style sheet (colours live there, not in the chart). */
  readonly className: string;
}

export interface ChartGroup {
  readonly label: string;
  /** One value per series, or `null` for a group with nothing to measure (drawn as "no data"). */
  readonly values: readonly (number | null)[] | null;
  /** Printed after each bar, one per series (default: the value). */
  readonly captions?: readonly string[];
}

export interface BarChartInput {
  /** Accessible name of the chart (`<title>` and `aria-label`). */
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly groups: readonly ChartGroup[];
  /** The value of a full-length bar (100 for percentages); at least 1. */
  readonly max: number;
  /** Tick labels along the axis; `percent` prints 0%…100%. */
  readonly axis?: 'percent' | 'count';
}

const LABEL_WIDTH = 250;
const PLOT_WIDTH = 420;
const CAPTION_WIDTH = 90;
const BAR_HEIGHT = 14;
const BAR_GAP = 3;
const GROUP_GAP = 12;
const TOP = 28;
const AXIS_HEIGHT = 22;

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** A horizontal grouped bar chart as one `<svg>` element. */
export function barChart(input: BarChartInput): string {
  const max = Math.max(1, input.max);
  const n = Math.max(1, input.series.length);
  const groupHeight = n * BAR_HEIGHT + (n - 1) * BAR_GAP;
  const width = LABEL_WIDTH + PLOT_WIDTH + CAPTION_WIDTH;
  const height = TOP + input.groups.length * (groupHeight + GROUP_GAP) + AXIS_HEIGHT;
  const plotBottom = height - AXIS_HEIGHT;
  const parts: string[] = [];

  // Legend along the top.
  let lx = LABEL_WIDTH;
  for (const s of input.series) {
    parts.push(`<rect class="legend ${escapeHtml(s.className)}" x="${lx}" y="6" width="12" height="12"/>`);
    parts.push(`<text class="legend-text" x="${lx + 16}" y="16">${escapeHtml(s.name)}</text>`);
    lx += 24 + 7 * s.name.length;
  }

  // Grid lines and ticks.
  const ticks = input.axis === 'percent' ? [0, 25, 50, 75, 100] : countTicks(max);
  for (const t of ticks) {
    const x = LABEL_WIDTH + (PLOT_WIDTH * t) / max;
    parts.push(`<line class="grid" x1="${num(x)}" y1="${TOP - 4}" x2="${num(x)}" y2="${plotBottom}"/>`);
    parts.push(`<text class="tick" x="${num(x)}" y="${plotBottom + 15}" text-anchor="middle">${t}${input.axis === 'percent' ? '%' : ''}</text>`);
  }

  input.groups.forEach((group, g) => {
    const y0 = TOP + g * (groupHeight + GROUP_GAP);
    parts.push(`<text class="group-label" x="${LABEL_WIDTH - 8}" y="${num(y0 + groupHeight / 2 + 4)}" text-anchor="end">${escapeHtml(group.label)}</text>`);
    if (group.values === null) {
      parts.push(`<text class="no-data" x="${LABEL_WIDTH + 6}" y="${num(y0 + groupHeight / 2 + 4)}">no data</text>`);
      return;
    }
    group.values.forEach((value, i) => {
      const series = input.series[i];
      if (series === undefined || value === null) return;
      const y = y0 + i * (BAR_HEIGHT + BAR_GAP);
      const w = (PLOT_WIDTH * Math.min(Math.max(value, 0), max)) / max;
      const caption = group.captions?.[i] ?? num(value);
      parts.push(
        `<rect class="bar ${escapeHtml(series.className)}" x="${LABEL_WIDTH}" y="${y}" width="${num(w)}" height="${BAR_HEIGHT}">` +
          `<title>${escapeHtml(`${group.label} · ${series.name}: ${caption}`)}</title></rect>`,
      );
      parts.push(`<text class="bar-caption" x="${num(LABEL_WIDTH + w + 5)}" y="${y + BAR_HEIGHT - 3}">${escapeHtml(caption)}</text>`);
    });
  });

  const title = escapeHtml(input.title);
  return (
    `<svg class="chart" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title>${title}</title>${parts.join('')}</svg>`
  );
}

/** Up to five whole-number ticks from 0 to `max`. */
function countTicks(max: number): number[] {
  const step = Math.max(1, Math.ceil(max / 4));
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  return ticks;
}
