/** Longest task request accepted (UTF-16 units); the transport already bounded the whole message. */
export const MAX_TASK_REQUEST = 256 * 1024;

/**
 * The user's request that starts a task, from `{ "request": "<text>" }` as a host sends it
 * (attacker-reachable input): the text, or the reason it is refused. `where` names the field in
 * messages (`body`, `_meta["dev.mass/task"]`).
 */
export function parseTaskRequest(value: unknown, where: string): string | { readonly error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: `${where} must be an object { request }` };
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'request') return { error: `${where} must have exactly one field, "request"` };
  const request = (value as { request: unknown }).request;
  if (typeof request !== 'string' || request.trim() === '') return { error: `${where}.request must be a non-empty string` };
  if (request.length > MAX_TASK_REQUEST) return { error: `${where}.request is longer than ${MAX_TASK_REQUEST} characters` };
  return request;
}
