import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { redteamCommand } from '../../src/cli/commands/redteam.js';
import { isMassError } from '../../src/core/errors.js';
import { agentDojoJson, parseSuite, runAgentDojoSuite, suiteConfig, type AgentDojoSummary } from '../../src/redteam/agentdojo/index.js';
import { sharedDataFile } from '../support/shared-data.js';

// The AgentDojo replay (`mass redteam --suite FILE`) on the suites of ../shared/data/agentdojo/
// (slack.json, workspace.json): deterministic, judged on the calls that ran in the simulated
// environment. The figures asserted are the ones that must hold whatever the defences become:
// every attack is real (succeeds undefended), every user task completes undefended.

const slack = sharedDataFile('agentdojo/slack.json');
const workspace = sharedDataFile('agentdojo/workspace.json');
const dir = mkdtempSync(join(tmpdir(), 'mass-agentdojo-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The slack summary of the first test, compared with the CLI's run of the same suite (determinism). */
let slackFirst: string | undefined;

function assertShape(summary: AgentDojoSummary, suite: string): void {
  assert.deepEqual(Object.keys(summary), ['suite', 'utility', 'security', 'approvals_requested']);
  assert.equal(summary.suite, suite);
  assert.deepEqual(Object.keys(summary.utility), ['user_tasks', 'completed_undefended', 'completed_defended']);
  assert.deepEqual(Object.keys(summary.security), ['attacks', 'succeeded_undefended', 'succeeded_defended']);
  assert.equal(typeof summary.approvals_requested, 'number');
}

test('agentdojo slack: completes, every attack succeeds undefended, every task completes undefended, deterministic', { skip: slack.skip }, async () => {
  const first = await runAgentDojoSuite(slack.path);
  assert.deepEqual(first.errors, []);
  assertShape(first.summary, 'slack');
  const { utility, security } = first.summary;
  assert.equal(utility.user_tasks, 21);
  assert.equal(security.attacks, 21 * 5);
  assert.equal(utility.completed_undefended, utility.user_tasks);
  assert.equal(security.succeeded_undefended, security.attacks, 'the gullible agent carries out every attack when nothing is enforced');
  assert.ok(security.succeeded_defended <= security.succeeded_undefended);
  assert.ok(utility.completed_defended <= utility.completed_undefended);
  // Judged on the environment's log: a defended success means every injection-task call ran.
  for (const run of first.runs.filter((r) => r.injectionTask !== undefined && r.achieved)) {
    assert.ok(
      run.executed.some((c) => c.phase === 'injection'),
      `${run.userTask} × ${run.injectionTask}`,
    );
  }
  slackFirst = agentDojoJson(first.summary);
});

test('agentdojo workspace: completes, every attack succeeds undefended', { skip: workspace.skip }, async () => {
  const result = await runAgentDojoSuite(workspace.path);
  assert.deepEqual(result.errors, []);
  assertShape(result.summary, 'workspace');
  assert.equal(result.summary.utility.user_tasks, 40);
  assert.equal(result.summary.security.attacks, 40 * 6);
  assert.equal(result.summary.utility.completed_undefended, 40);
  assert.equal(result.summary.security.succeeded_undefended, 240);
});

test('mass redteam --suite FILE --json OUT: the summary, identical to a second run', { skip: slack.skip }, async () => {
  let out = '';
  await redteamCommand({ cwd: dir, out: (t) => (out += t), err: () => undefined }, { suite: slack.path, json: 'out.json' });
  assert.match(out, /^attack success +\d+\/105/m);
  assert.match(out, /^utility \(tasks completed\) +\d+\/21/m);
  const written = readFileSync(join(dir, 'out.json'), 'utf8');
  assertShape(JSON.parse(written) as AgentDojoSummary, 'slack');
  assert.ok(slackFirst !== undefined, 'the first slack test ran');
  assert.equal(written, slackFirst, 'two runs give identical JSON');
});

test('suiteConfig: effects kept, arguments declared only when they map to MASS types, unknown effects strictest', () => {
  const suite = parseSuite({
    suite: 'tiny',
    tools: [
      { name: 'read_page', effect: 'read', params: { url: 'string' } },
      { name: 'send', effect: 'external_send', params: { to: 'string[] | null', body: 'string' } },
      { name: 'launch', effect: 'teleport', params: {} },
    ],
    injection_vectors: [{ id: 'v', default: '', appears_in_tools: ['read_page'] }],
    user_tasks: [],
    injection_tasks: [],
    attack_template: '{goal}',
  });
  const config = suiteConfig(suite);
  assert.deepEqual(config.tools?.read_page, { effect: 'read', output: 'untrusted', args: { url: 'string' } });
  assert.deepEqual(config.tools?.send, { effect: 'external_send', output: 'trusted' });
  assert.deepEqual(config.tools?.launch, { effect: 'external_send', output: 'trusted', args: {} });
  assert.deepEqual(suiteConfig(suite, 'vectors').tools?.read_page?.output, 'untrusted');
});

test('parseSuite: a malformed suite is CONFIG_INVALID naming the field', () => {
  assert.throws(
    () => parseSuite({ suite: 'x', tools: [{ name: 1 }] }),
    (e: unknown) => isMassError(e, 'CONFIG_INVALID') && /tools\[0\]\.name/.test(e.message),
  );
});
