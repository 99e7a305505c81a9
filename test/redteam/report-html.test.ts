import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { renderReportHtml } from '../../src/redteam/html/render.js';
import { runRedTeam, type RedTeamOptions } from '../../src/redteam/run.js';
import type { RedTeamReport } from '../../src/redteam/report.js';

// The HTML report of `mass redteam --report FILE`, rendered from a small real run and opened in
// Debian's Chromium through playwright-core (which downloads no browser): it renders, the charts
// have bars, nothing is requested but the file itself, and a screenshot is taken.

const CHROMIUM = '/usr/bin/chromium';
const NO_CHROMIUM = existsSync(CHROMIUM) ? false : `needs ${CHROMIUM} (Debian package chromium; .ci/run installs it)`;

// Two scenarios, four categories; attacks that are stopped when defended and attacks that are not
// (injection/worm-propagation, non-determinism/amount-slip, workflow-architecture/approval-flood).
const SUBSET: RedTeamOptions = {
  scenarios: ['support-billing-injection', 'approval-fatigue'],
  attacks: [
    'injection/base64-payload',
    'injection/worm-propagation',
    'non-determinism/amount-slip',
    'agent-tool-coupling/tool-outside-role',
    'workflow-architecture/approval-flood',
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'mass-report-html-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let cached: Promise<RedTeamReport> | undefined;
const subsetReport = () => (cached ??= runRedTeam(SUBSET));

/** Attacker-shaped text: it would run a script and load an image if the page did not escape it. */
const HOSTILE = `<script>document.title='pwned'</script><img src="http://127.0.0.1:9/x.png" onerror="alert(1)"> & "quoted" 'text'`;

function withHostileGoal(report: RedTeamReport): RedTeamReport {
  return { ...report, attacks: report.attacks.map((a) => (a.id === 'injection/worm-propagation' ? { ...a, goal: HOSTILE, attacker: HOSTILE } : a)) };
}

test('the page is a pure function of the report: same seed, same bytes (action ids only on request)', async () => {
  const first = renderReportHtml(await subsetReport());
  const second = renderReportHtml(await runRedTeam(SUBSET));
  assert.equal(second, first);
  assert.doesNotMatch(first, /<script|<link|<img|@import|url\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
  const report = await subsetReport();
  const someId = report.attacks.find((a) => a.defended.achieved)?.defended.actions[0]?.actionId;
  assert.ok(someId !== undefined);
  assert.ok(!first.includes(someId));
  assert.ok(renderReportHtml(report, { actionIds: true }).includes(someId));
  assert.match(renderReportHtml(report, { date: '2026-11-02' }), /Seed 1 · 2026-11-02/);
});

test('report strings are escaped as HTML', async () => {
  const html = renderReportHtml(withHostileGoal(await subsetReport()));
  assert.ok(!html.includes(HOSTILE));
  assert.ok(html.includes('&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;'));
});

test(
  'in Chromium: the page renders with its tables and SVG charts, requests nothing but itself, and screenshots',
  { skip: NO_CHROMIUM, timeout: 120_000 },
  async () => {
    const report = withHostileGoal(await subsetReport());
    assert.deepEqual(report.errors, []);
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReportHtml(report));
    const url = pathToFileURL(file).href;

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Debian's Chromium as root in CI; no background connections (the machine's network is closed).
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requested: string[] = [];
      const problems: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });

      const response = await page.goto(url, { waitUntil: 'load' });
      assert.ok(response?.ok());
      assert.equal(await page.title(), 'MASS red-team report');
      assert.equal(await page.locator('h1').innerText(), 'MASS red-team report');

      // The category table: one row per risk id, with the figures of the run.
      const rows = page.locator('#categories tbody tr[data-category]');
      assert.equal(await rows.count(), 9);
      const injection = page.locator('#categories tr[data-category="injection"] td');
      assert.deepEqual(await injection.allInnerTexts(), ['injection', '2', '2/2 (100%)', '1/2 (50%)']);
      assert.equal(await page.locator('#scenarios tbody tr[data-scenario]').count(), 6);

      // The charts: category, scenario, utility, approvals; the category chart has two bars per
      // category that has attacks in the run (four here), and the undefended bars are drawn.
      const attacked = Object.values(report.summary.categories).filter((c) => c.attacks > 0).length;
      assert.equal(attacked, 4);
      assert.equal(await page.locator('svg.chart').count(), 4);
      assert.ok((await page.locator('svg rect').count()) >= 2 * attacked + 2 * 2);
      assert.equal(await page.locator('#categories svg rect.bar').count(), 2 * attacked);
      const box = await page.locator('#categories svg rect.bar.undefended').first().boundingBox();
      assert.ok(box !== null && box.width > 100 && box.height > 5, JSON.stringify(box));

      // Utility and approvals.
      assert.ok((await page.locator('#utility tbody tr[data-task]').count()) > 0);
      assert.match(await page.locator('#approvals .lead').innerText(), /asked \d+ time/);

      // Every failed defence is listed with its trace; the hostile goal stayed text.
      const failed = report.attacks.filter((a) => a.defended.achieved);
      assert.ok(failed.length >= 2);
      const listed = page.locator('#failed-defences details.failed-defence');
      assert.deepEqual(
        await listed.evaluateAll((els) => els.map((e) => e.getAttribute('data-attack'))),
        failed.map((a) => a.id),
      );
      const worm = page.locator('details[data-attack="injection/worm-propagation"]');
      await worm.locator('summary').click();
      assert.ok((await worm.locator('table.trace tbody tr').count()) > 0);
      assert.ok((await worm.innerText()).includes(`<script>document.title='pwned'</script>`));
      assert.equal(await page.locator('script, img, iframe, link').count(), 0);

      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      const png = readFileSync(shot);
      assert.ok(statSync(shot).size > 10_000);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

      assert.deepEqual(problems, []);
      assert.deepEqual(requested, [url]);
    } finally {
      await browser.close();
    }
  },
);
