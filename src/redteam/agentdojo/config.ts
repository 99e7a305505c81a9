import { ARGUMENT_TYPES, EFFECTS, type ArgumentType, type Effect, type MassConfigInput } from '../../config/schema.js';
import type { Suite, SuiteTool } from './suite.js';
import { hasArgumentType } from '../../config/argument-type.js';

/** The one agent of a replayed suite: the user's assistant, with every suite tool. */
export const SUITE_AGENT = 'assistant';

/**
 * Which tool outputs are untrusted:
 * - `reads` (default): every tool whose effect is `read`, and every tool an injection vector can
 *   appear in. This is what a deployer who does not know where attacks land would declare: all
 *   third-party content (messages, mails, web pages, files) is untrusted.
 * - `vectors`: only the tools an injection vector can appear in (an optimistic configuration that
 *   knows the benchmark's attack surface; for comparison only).
 */
export type UntrustedOutputs = 'reads' | 'vectors';

/**
 * The mass.yaml of a replayed suite, in code: one agent, every suite tool with its effect, and
 * arguments declared only where every parameter maps cleanly to a MASS argument type and every
 * ground-truth call fits it. A tool without declared arguments accepts any object (like an
 * MCP-style tool); its arguments still count for `context.control` through argument provenance.
 */
export function suiteConfig(suite: Suite, untrusted: UntrustedOutputs = 'reads'): MassConfigInput {
  const vectorTools = new Set(suite.vectors.flatMap((v) => v.appearsInTools));
  const declared = declarableArguments(suite);
  const tools: NonNullable<MassConfigInput['tools']> = {};
  for (const tool of suite.tools) {
    const effect = effectOf(tool);
    const isUntrusted = vectorTools.has(tool.name) || (untrusted === 'reads' && effect === 'read');
    const args = declared.get(tool.name);
    tools[tool.name] = { effect, output: isUntrusted ? 'untrusted' : 'trusted', ...(args === undefined ? {} : { args }) };
  }
  return {
    version: 1,
    trustDomain: 'agentdojo.replay',
    store: 'sqlite::memory:',
    agents: { [SUITE_AGENT]: { roles: ['user-assistant'], description: `the user's assistant for suite ${suite.name}` } },
    tools,
  };
}

/** The assistant may call every tool; what it may not do is the flow pack's business. */
export function suitePolicies(): string {
  return `@id("agentdojo.assistant-calls-every-tool")\npermit (principal == Agent::"${SUITE_AGENT}", action == Action::"call", resource);\n`;
}

/** An effect the suite names that MASS does not know is treated as the strictest outbound one. */
function effectOf(tool: SuiteTool): Effect {
  return (EFFECTS as readonly string[]).includes(tool.effect) ? (tool.effect as Effect) : 'external_send';
}

/**
 * Arguments a tool can declare: each parameter's type is one of MASS's (`string`, `number`,
 * `boolean`, `string[]`), has one type across all tools (policy context has one type per name),
 * has a valid name, and every ground-truth call of the suite passes values of that type.
 */
function declarableArguments(suite: Suite): Map<string, Record<string, ArgumentType>> {
  const candidates = new Map<string, Record<string, ArgumentType>>();
  const typeOfName = new Map<string, ArgumentType | 'conflict'>();
  for (const tool of suite.tools) {
    const args: Record<string, ArgumentType> = {};
    let clean = true;
    for (const [name, type] of Object.entries(tool.params)) {
      const t = type.trim();
      if (!(ARGUMENT_TYPES as readonly string[]).includes(t) || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) clean = false;
      else args[name] = t as ArgumentType;
    }
    if (!clean) continue;
    candidates.set(tool.name, args);
    for (const [name, t] of Object.entries(args)) {
      const seen = typeOfName.get(name);
      typeOfName.set(name, seen === undefined || seen === t ? t : 'conflict');
    }
  }
  const calls = [...suite.userTasks.flatMap((u) => u.groundTruth), ...suite.injectionTasks.flatMap((i) => i.groundTruth)];
  for (const [tool, args] of candidates) {
    const conflict = Object.keys(args).some((n) => typeOfName.get(n) === 'conflict');
    const misfit = calls.some((c) => c.function === tool && Object.entries(c.args).some(([n, v]) => args[n] === undefined || !hasArgumentType(v, args[n])));
    if (conflict || misfit) candidates.delete(tool);
  }
  return candidates;
}
