/** The self-contained HTML page of `mass redteam --report FILE`. */
export { renderReportHtml, type ReportHtmlOptions } from './render.js';
export { barChart, type BarChartInput, type ChartGroup, type ChartSeries } from './charts.js';
export { escapeHtml } from './escape.js';
