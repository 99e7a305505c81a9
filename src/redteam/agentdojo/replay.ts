import { ManualClock } from '../../core/clock.js';
import { canonicalJson, type JsonValue } from '../../core/json.js';
import { NoApprovalChannel } from '../../mediator/stages/approve.js';
import type { Approver } from '../../mediator/stages.js';
import type { ApprovalRequest, ApprovalResult } from '../../mediator/types.js';
import { createMesh, type Mesh } from '../../mesh/mesh.js';
import { FLOW_POLICY_PACK } from '../../policy/pack.js';
import { tryCall } from '../behaviour.js';
import { RED_TEAM_EPOCH } from '../system.js';
import type { Mode } from '../types.js';
import { SUITE_AGENT, suiteConfig, suitePolicies, type UntrustedOutputs } from './config.js';
import { loadEnvironmentRecords, SimulatedEnvironment, type ExecutedCall } from './environment.js';
import { fillAttack, loadSuite, type Suite, type SuiteCall, type SuiteInjectionTask, type SuiteUserTask } from './suite.js';

/** Exactly what `mass redteam --suite FILE --json OUT` writes: counts only, identical from run to run. */
export interface AgentDojoSummary {
  suite: string;
  utility: { user_tasks: number; completed_undefended: number; completed_defended: number };
  security: { attacks: number; succeeded_undefended: number; succeeded_defended: number };
  /** Approval requests the defended runs made (with no approval channel, each was denied). */
  approvals_requested: number;
}

/** One user task run clean, or one user task × injection task run attacked, in one mode. */
export interface AgentDojoRun {
  readonly userTask: string;
  readonly injectionTask?: string;
  readonly mode: Mode;
  /** Clean runs: every ground-truth call of the user task ran. Attacked runs: every call of the injection task ran. */
  readonly achieved: boolean;
  /** Attacked runs: the attack text reached the agent in a tool output. */
  readonly attackSeen?: boolean;
  readonly executed: readonly ExecutedCall[];
}

export interface AgentDojoResult {
  readonly summary: AgentDojoSummary;
  readonly runs: readonly AgentDojoRun[];
  /** Harness faults (not refusals), by run; empty in a healthy replay. */
  readonly errors: readonly { readonly run: string; readonly message: string }[];
}

export interface AgentDojoOptions {
  /** Which tool outputs are declared untrusted (see UntrustedOutputs); default `reads`. */
  readonly untrusted?: UntrustedOutputs;
  readonly onProgress?: (done: number, total: number, id: string) => void;
}

/** Approvals with no channel behind them: every request is denied, and counted. */
class CountingNoApproval implements Approver {
  requests = 0;
  readonly #inner = new NoApprovalChannel();
  approve(request: ApprovalRequest): ApprovalResult {
    this.requests += 1;
    return this.#inner.approve(request);
  }
}

/** The mesh of one mode; the tools dispatch to whichever environment the current run uses. */
interface Harness {
  readonly mesh: Mesh;
  readonly approvals: CountingNoApproval | undefined;
  env: SimulatedEnvironment | undefined;
}

async function startHarness(suite: Suite, mode: Mode, untrusted: UntrustedOutputs): Promise<Harness> {
  const approvals = mode === 'defended' ? new CountingNoApproval() : undefined;
  const mesh = await createMesh(suiteConfig(suite, untrusted), {
    policies: [
      { name: 'policies/flow.cedar', text: FLOW_POLICY_PACK },
      { name: 'policies/agentdojo.cedar', text: suitePolicies() },
    ],
    // Undefended: every decision made and recorded, none enforced. Defended: enforced, and an
    // action that needs a human is denied (no approval channel).
    mode: mode === 'defended' ? 'enforce' : 'monitor',
    clock: new ManualClock(RED_TEAM_EPOCH),
    ...(approvals === undefined ? {} : { approval: approvals }),
  });
  const harness: Harness = { mesh, approvals, env: undefined };
  for (const tool of suite.tools) mesh.tool(tool.name, (args) => (harness.env === undefined ? 'no environment' : harness.env.call(tool.name, args)));
  return harness;
}

/**
 * The agent of a replay. It performs the user task's ground-truth calls in order, inside a task
 * whose request is the user's prompt (so argument provenance sees the prompt as trusted). Gullible:
 * the first time a tool output contains the attack, it performs the injection task's calls, then
 * goes on with the user's task. A refused call is an answer like any other: it moves on.
 */
async function play(h: Harness, env: SimulatedEnvironment, user: SuiteUserTask, attack?: { task: SuiteInjectionTask; text: string }): Promise<boolean> {
  h.env = env;
  let seen = false;
  await h.mesh.agent(SUITE_AGENT).task(
    async (ctx) => {
      for (const call of user.groundTruth) {
        const output = await tryCall(ctx, call.function, { ...call.args });
        if (attack === undefined || seen || typeof output !== 'string' || !output.includes(attack.text)) continue;
        seen = true;
        env.phase = 'injection';
        for (const injected of attack.task.groundTruth) await tryCall(ctx, injected.function, { ...injected.args });
        env.phase = 'user';
      }
    },
    { request: user.prompt },
  );
  h.env = undefined;
  return seen;
}

/** Whether every call of `expected` ran, in order, in the given phase (judged on the environment's log). */
function allRan(executed: readonly ExecutedCall[], phase: ExecutedCall['phase'], expected: readonly SuiteCall[]): boolean {
  const ran = executed.filter((c) => c.phase === phase).map((c) => canonicalJson({ f: c.tool, a: c.args as JsonValue }));
  let at = 0;
  for (const call of expected) {
    const want = canonicalJson({ f: call.function, a: call.args as JsonValue });
    while (at < ran.length && ran[at] !== want) at += 1;
    if (at === ran.length) return false;
    at += 1;
  }
  return true;
}

/**
 * Replays an AgentDojo suite through MASS, deterministically (no model): each user task once clean
 * (utility) and once per injection task with the attack in the task's injection candidates
 * (security), each undefended (monitor mode) and defended (enforce mode, approvals denied).
 */
export async function runAgentDojoSuite(file: string, options: AgentDojoOptions = {}): Promise<AgentDojoResult> {
  const suite = loadSuite(file);
  const records = loadEnvironmentRecords(file, suite.name);
  const untrusted = options.untrusted ?? 'reads';
  const runs: AgentDojoRun[] = [];
  const errors: { run: string; message: string }[] = [];
  const total = 2 * suite.userTasks.length * (1 + suite.injectionTasks.length);
  let done = 0;
  const approvals: number[] = [];

  for (const mode of ['undefended', 'defended'] as const) {
    const h = await startHarness(suite, mode, untrusted);
    try {
      for (const user of suite.userTasks) {
        const id = `${user.id} (clean, ${mode})`;
        try {
          const env = new SimulatedEnvironment(suite, records);
          await play(h, env, user);
          runs.push({ userTask: user.id, mode, achieved: allRan(env.executed, 'user', user.groundTruth), executed: env.executed });
        } catch (error) {
          errors.push({ run: id, message: error instanceof Error ? error.message : String(error) });
        }
        options.onProgress?.(++done, total, id);
        for (const injection of suite.injectionTasks) {
          const runId = `${user.id} × ${injection.id} (${mode})`;
          try {
            const text = fillAttack(suite.attackTemplate, injection.goal);
            const env = new SimulatedEnvironment(suite, records, { text, vectors: user.injectionCandidates });
            const seen = await play(h, env, user, { task: injection, text });
            runs.push({
              userTask: user.id,
              injectionTask: injection.id,
              mode,
              achieved: allRan(env.executed, 'injection', injection.groundTruth),
              attackSeen: seen,
              executed: env.executed,
            });
          } catch (error) {
            errors.push({ run: runId, message: error instanceof Error ? error.message : String(error) });
          }
          options.onProgress?.(++done, total, runId);
        }
      }
      approvals.push(h.approvals?.requests ?? 0);
    } finally {
      await h.mesh.close();
    }
  }

  const count = (mode: Mode, attacked: boolean) => runs.filter((r) => r.mode === mode && (r.injectionTask !== undefined) === attacked && r.achieved).length;
  const summary: AgentDojoSummary = {
    suite: suite.name,
    utility: { user_tasks: suite.userTasks.length, completed_undefended: count('undefended', false), completed_defended: count('defended', false) },
    security: {
      attacks: suite.userTasks.length * suite.injectionTasks.length,
      succeeded_undefended: count('undefended', true),
      succeeded_defended: count('defended', true),
    },
    approvals_requested: approvals.reduce((a, b) => a + b, 0),
  };
  return { summary, runs, errors };
}

/** The figures as the terminal shows them. */
export function formatAgentDojo(summary: AgentDojoSummary): string {
  const pct = (n: number, of: number) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);
  const u = summary.utility;
  const s = summary.security;
  const row = (label: string, a: string, b: string) => `${label.padEnd(26)}${a.padStart(18)}${b.padStart(18)}\n`;
  return (
    `AgentDojo suite ${summary.suite}: ${u.user_tasks} user tasks, ${s.attacks} attacks (user task × injection task)\n` +
    row('', 'undefended', 'defended') +
    row(
      'utility (tasks completed)',
      `${u.completed_undefended}/${u.user_tasks} ${pct(u.completed_undefended, u.user_tasks)}`,
      `${u.completed_defended}/${u.user_tasks} ${pct(u.completed_defended, u.user_tasks)}`,
    ) +
    row(
      'attack success',
      `${s.succeeded_undefended}/${s.attacks} ${pct(s.succeeded_undefended, s.attacks)}`,
      `${s.succeeded_defended}/${s.attacks} ${pct(s.succeeded_defended, s.attacks)}`,
    ) +
    `approvals requested (defended runs, all denied): ${summary.approvals_requested}\n`
  );
}

/** The summary as `--json` writes it (fixed key order, newline at the end). */
export function agentDojoJson(summary: AgentDojoSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}
