/**
 * Field paths name where in a JSON body a text is: `$.amount`, `$.items[2]`, `$.payee.iban`. A key
 * that is not a plain name (it may hold any text: a dot, a bracket, an instruction) is written as a
 * JSON string in brackets, `$["a.b"]`, so that a path always says which argument it is in.
 */

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The path of `key` in the object at `parent`. */
export function memberPath(parent: string, key: string): string {
  return PLAIN_NAME.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** The top-level argument a field path is in (`$.name…` or `$["name"]…`), or undefined for `$` itself or a malformed path. */
export function topLevelName(field: string): string | undefined {
  const plain = /^\$\.([A-Za-z_][A-Za-z0-9_]*)/.exec(field);
  if (plain !== null) return plain[1];
  // A finding's field is built by memberPath; it is still parsed defensively (one unambiguous run, linear).
  const quoted = /^\$\[("(?:[^"\\]|\\.)*")\]/.exec(field);
  if (quoted === null) return undefined;
  try {
    const name: unknown = JSON.parse(quoted[1] ?? '');
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
