import { parseTaskRequest } from '../mesh/task-request.js';

/**
 * How an MCP client's host starts a new task for its agent: a `tools/call` or `tools/list` request
 * whose `_meta` carries
 *
 *     "_meta": { "dev.mass/task": { "request": "<the user's request, as the user wrote it>" } }
 *
 * The agent's task context (label and what it read) starts over from that trusted request before
 * the request is served. `_meta` is set by the host application that speaks MCP (the process
 * holding the agent's certificate or capability chain, or the one that started `mass mcp-proxy`),
 * never by the model: a model chooses a tool's name and arguments only.
 */
export const TASK_META_KEY = 'dev.mass/task';

/**
 * The request text in a `_meta` (attacker-reachable input from the client): the text, `{ error }`
 * when `dev.mass/task` is present but malformed, or `{}` when it is absent.
 */
export function taskRequestOf(meta: unknown): string | { readonly error?: string } {
  if (typeof meta !== 'object' || meta === null || !Object.hasOwn(meta, TASK_META_KEY)) return {};
  return parseTaskRequest((meta as Record<string, unknown>)[TASK_META_KEY], `_meta["${TASK_META_KEY}"]`);
}
