import { existsSync, readFileSync, statSync } from 'node:fs';
import { MassError } from '../../core/errors.js';
import type { JsonValue } from '../../core/json.js';

/**
 * An AgentDojo task suite in the JSON format of the shared data folder (see its README): tools
 * with their `effect`, injection vectors, user tasks and injection tasks with their ground-truth
 * calls, and the attack template. Only the fields the replay uses are kept.
 */
export interface SuiteTool {
  readonly name: string;
  readonly effect: string;
  /** Parameter name → type as the suite writes it (`string`, `string[] | null`, …). */
  readonly params: Readonly<Record<string, string>>;
}

export interface SuiteVector {
  readonly id: string;
  readonly default: string;
  readonly appearsInTools: readonly string[];
}

export interface SuiteCall {
  readonly function: string;
  readonly args: Readonly<Record<string, JsonValue>>;
}

export interface SuiteUserTask {
  readonly id: string;
  readonly prompt: string;
  readonly groundTruth: readonly SuiteCall[];
  readonly injectionCandidates: readonly string[];
}

export interface SuiteInjectionTask {
  readonly id: string;
  readonly goal: string;
  readonly groundTruth: readonly SuiteCall[];
}

export interface Suite {
  readonly name: string;
  readonly tools: readonly SuiteTool[];
  readonly vectors: readonly SuiteVector[];
  readonly userTasks: readonly SuiteUserTask[];
  readonly injectionTasks: readonly SuiteInjectionTask[];
  readonly attackTemplate: string;
}

/** A suite file larger than this is refused before it is read (the two shipped suites are < 100 kB). */
const MAX_SUITE_BYTES = 16 * 1024 * 1024;

/** Reads and checks a suite file; a malformed one throws CONFIG_INVALID naming the faulty field. */
export function loadSuite(file: string): Suite {
  if (!existsSync(file)) throw new MassError('CONFIG_INVALID', `suite ${file}: no such file`);
  const size = statSync(file).size;
  if (size > MAX_SUITE_BYTES) throw new MassError('CONFIG_INVALID', `suite ${file}: ${size} bytes, more than the ${MAX_SUITE_BYTES} accepted`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MassError('CONFIG_INVALID', `suite ${file}: not JSON`, { cause: error });
  }
  return parseSuite(raw, file);
}

/** Checks the structure of a parsed suite (a data file from elsewhere: every field is checked). */
export function parseSuite(raw: unknown, source = '(suite)'): Suite {
  const fail = (path: string, what: string): never => {
    throw new MassError('CONFIG_INVALID', `suite ${source}: ${path} must be ${what}`);
  };
  const obj = (v: unknown, path: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, 'an object');
  const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, 'an array'));
  const str = (v: unknown, path: string): string => (typeof v === 'string' ? v : fail(path, 'a string'));
  const strings = (v: unknown, path: string): string[] => arr(v, path).map((s, i) => str(s, `${path}[${i}]`));
  const calls = (v: unknown, path: string): SuiteCall[] =>
    arr(v, path).map((c, i) => {
      const call = obj(c, `${path}[${i}]`);
      // `<dynamic: …>` values (ids created earlier in the task) come with their default-environment value.
      const resolved = call.resolved_args_default_env ?? call.args;
      return { function: str(call.function, `${path}[${i}].function`), args: obj(resolved, `${path}[${i}].args`) as Record<string, JsonValue> };
    });

  const top = obj(raw, '$');
  const tools = arr(top.tools, 'tools').map((t, i) => {
    const tool = obj(t, `tools[${i}]`);
    const params = obj(tool.params ?? {}, `tools[${i}].params`);
    for (const [k, v] of Object.entries(params)) str(v, `tools[${i}].params.${k}`);
    return { name: str(tool.name, `tools[${i}].name`), effect: str(tool.effect, `tools[${i}].effect`), params: params as Record<string, string> };
  });
  const vectors = arr(top.injection_vectors, 'injection_vectors').map((v, i) => {
    const vector = obj(v, `injection_vectors[${i}]`);
    const tools = vector.appears_in_tools ?? (vector.appears_in_tool === undefined ? [] : [vector.appears_in_tool]);
    return {
      id: str(vector.id, `injection_vectors[${i}].id`),
      default: str(vector.default ?? '', `injection_vectors[${i}].default`),
      appearsInTools: strings(tools, `injection_vectors[${i}].appears_in_tools`),
    };
  });
  const userTasks = arr(top.user_tasks, 'user_tasks').map((u, i) => {
    const task = obj(u, `user_tasks[${i}]`);
    return {
      id: str(task.id, `user_tasks[${i}].id`),
      prompt: str(task.prompt, `user_tasks[${i}].prompt`),
      groundTruth: calls(task.ground_truth, `user_tasks[${i}].ground_truth`),
      injectionCandidates: strings(task.injection_candidates ?? [], `user_tasks[${i}].injection_candidates`),
    };
  });
  const injectionTasks = arr(top.injection_tasks, 'injection_tasks').map((t, i) => {
    const task = obj(t, `injection_tasks[${i}]`);
    return {
      id: str(task.id, `injection_tasks[${i}].id`),
      goal: str(task.goal, `injection_tasks[${i}].goal`),
      groundTruth: calls(task.ground_truth, `injection_tasks[${i}].ground_truth`),
    };
  });
  return { name: str(top.suite, 'suite'), tools, vectors, userTasks, injectionTasks, attackTemplate: str(top.attack_template, 'attack_template') };
}

/** The "important instructions" attack with the injection task's goal; user and model as in AgentDojo's no-name variants. */
export function fillAttack(template: string, goal: string): string {
  return template.replaceAll('{goal}', goal).replaceAll('{user}', 'the user').replaceAll('{model}', 'the AI language model');
}
