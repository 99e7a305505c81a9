/**
 * Agent ids. An agent id becomes one path segment of a SPIFFE ID (`spiffe://<td>/agent/<id>`),
 * a file name (`mass ca issue` writes `<id>.crt` and `<id>.key`), a key name in the store and a
 * Cedar entity id, so one rule keeps it safe in all of them:
 *
 * - SPIFFE path segments allow only letters, digits, `.`, `-`, `_`; no percent-encoding, no empty,
 *   `.` or `..` segment (SPIFFE ID standard, section 2.2);
 * - a file name must not contain a separator, must not be `.` or `..`, must not start with `-` (it
 *   would read as an option) or `.` (a hidden file), and must stay well below 255 bytes.
 *
 * Hence: a letter or digit, then up to 63 letters, digits, `.`, `-` or `_`. No `/` (an id is one
 * segment, never a path), no control or non-ASCII characters, no `%`.
 */

export const MAX_AGENT_ID_LENGTH = 64;

export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What an agent id may look like, for messages. */
export const AGENT_ID_RULE = `a letter or digit, then letters, digits, ".", "-" or "_" (at most ${MAX_AGENT_ID_LENGTH} characters; no "/")`;

export function isAgentId(value: unknown): value is string {
  return typeof value === 'string' && AGENT_ID_PATTERN.test(value);
}

/**
 * Why `value` is not an agent id, or undefined if it is one. The value is attacker-controlled
 * (command line, configuration, certificates): the message shows at most a bounded prefix of it.
 */
export function agentIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'expected a string';
  if (AGENT_ID_PATTERN.test(value)) return undefined;
  if (value.length === 0) return 'must not be empty';
  if (value.length > MAX_AGENT_ID_LENGTH) return `longer than ${MAX_AGENT_ID_LENGTH} characters`;
  if (value.includes('/') || value.includes('\\')) return 'must not contain "/" or "\\" (an agent id is one SPIFFE path segment and one file name)';
  if (value.includes('%')) return 'must not contain "%" (no percent-encoding)';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is reported
  if (/[\u0000-\u001f\u007f]/.test(value)) return 'must not contain control characters';
  if (!/^[A-Za-z0-9]/.test(value)) return 'must start with a letter or digit';
  return `expected ${AGENT_ID_RULE}`;
}

/** `agent id "x/../y": must not contain "/" …` with the id shown in bounded, escaped form. */
export function describeAgentIdProblem(value: unknown, what = 'agent id'): string | undefined {
  const problem = agentIdProblem(value);
  if (problem === undefined) return undefined;
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : typeof value;
  return `${what} ${shown}: ${problem}`;
}
