import type { JsonValue } from '../core/json.js';
import { MediationError, type TaskContext } from '../mesh/mesh.js';
import { parseInstructions, type Instruction, type InstructionKind } from './instructions.js';
import type { World } from './world.js';

/**
 * Scripted agent behaviours. Agents act only through their task context, so every action they take
 * crosses the mediator; a refusal is an answer like any other (the agent moves on), which is how a
 * real agent framework surfaces a tool error to its model.
 */

/** Calls a tool; a refusal gives `undefined` instead of ending the agent's work. */
export async function tryCall(ctx: TaskContext, tool: string, args: Record<string, JsonValue> = {}): Promise<JsonValue | undefined> {
  try {
    return await ctx.call(tool, args);
  } catch (error) {
    if (error instanceof MediationError) return undefined;
    throw error;
  }
}

/** Sends a message; a refusal gives `undefined`. */
export async function trySend(ctx: TaskContext, to: string, body: JsonValue): Promise<JsonValue | undefined> {
  try {
    return await ctx.send(to, body);
  } catch (error) {
    if (error instanceof MediationError) return undefined;
    throw error;
  }
}

/** How a gullible agent carries out each kind of instruction it is willing to follow. */
export type Actuators = {
  readonly [K in Exclude<InstructionKind, 'forward'>]?: (instruction: Extract<Instruction, { kind: K }>, ctx: TaskContext) => Promise<unknown>;
};

export interface GullibleOptions {
  readonly world: World;
  /** The agents this one forwards to when content tells it to ("forward this to every agent"). */
  readonly colleagues?: readonly string[];
}

/**
 * The gullible behaviour (the worst case of a real model): every instruction found in `text` that
 * the agent has an actuator for is carried out, and "forward this to X" relays the whole text to
 * X (or to every colleague). Each agent forwards a given text once, so relays end.
 * Returns the instructions it acted on.
 */
export async function followInstructions(ctx: TaskContext, text: string, actuators: Actuators, options: GullibleOptions): Promise<Instruction[]> {
  const acted: Instruction[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.kind === 'forward') {
      const targets = instruction.to === '*' ? (options.colleagues ?? []) : (options.colleagues ?? []).filter((c) => c === instruction.to);
      for (const to of targets) {
        const key = `${ctx.agent}\u0000${to}\u0000${text}`;
        if (options.world.forwarded.has(key)) continue;
        options.world.forwarded.add(key);
        await trySend(ctx, to, { text, forwarded_by: ctx.agent });
      }
      if (targets.length > 0) acted.push(instruction);
      continue;
    }
    const actuator = actuators[instruction.kind] as ((i: Instruction, c: TaskContext) => Promise<unknown>) | undefined;
    if (actuator === undefined) continue;
    await actuator(instruction, ctx);
    acted.push(instruction);
  }
  return acted;
}

/** The text of a message body as an agent reads it. */
export function bodyText(body: JsonValue): string {
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return Object.values(body)
      .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
      .join('\n');
  }
  return JSON.stringify(body);
}
