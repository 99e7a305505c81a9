import canonicalize from 'canonicalize';

/** A value that survives a JSON round trip unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 64;

/**
 * Throws TypeError unless `value` is plain JSON: finite numbers, strings, booleans, null, arrays and
 * plain objects, at most 64 levels deep. Run before canonicalizing: the canonicalizer alone would
 * silently drop or mangle functions, `undefined`, class instances and `toJSON` results.
 */
export function assertJson(value: unknown, path = '$', depth = 0): asserts value is JsonValue {
  if (depth > MAX_DEPTH) throw new TypeError(`${path}: nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${path}: number must be finite`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJson(item, `${path}[${i}]`, depth + 1));
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path}: must be a plain object`);
    for (const [key, item] of Object.entries(value)) assertJson(item, `${path}.${key}`, depth + 1);
    return;
  }
  throw new TypeError(`${path}: ${typeof value} is not JSON`);
}

/** RFC 8785 (JCS) canonical JSON text of a plain JSON value. */
export function canonicalJson(value: unknown): string {
  assertJson(value);
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of the RFC 8785 canonical form: the only bytes MASS hashes or signs. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}
