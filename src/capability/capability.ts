/**
 * Capabilities: what a token lets its holder do. A capability names one action on a resource (an
 * exact name, or a prefix ending in `*`) and may constrain the invocation's arguments:
 *
 *   {"action":"call","resource":"transfer","max":{"amount":100}}
 *   {"action":"read","resource":"kb/*","prefix":{"path":"public/"}}
 *
 * Capabilities arrive inside tokens and on the command line, so `parseCapability` is a strict
 * validator of untrusted input: unknown keys, wrong types and oversized values are refused.
 */

export const CAPABILITY_ACTIONS = ['call', 'send', 'read', 'write', 'delegate'] as const;
export type CapabilityAction = (typeof CAPABILITY_ACTIONS)[number];

/** A value `oneOf` may list: JSON scalars other than null. */
export type Scalar = string | number | boolean;

export interface Capability {
  readonly action: CapabilityAction;
  /** An exact resource name, or a prefix ending in `*` (`fs/*`, `*`). */
  readonly resource: string;
  /** Numeric argument ≤ bound. */
  readonly max?: Readonly<Record<string, number>>;
  /** Numeric argument ≥ bound. */
  readonly min?: Readonly<Record<string, number>>;
  /** Argument strictly equal (same JSON type and value) to one of the listed values. */
  readonly oneOf?: Readonly<Record<string, readonly Scalar[]>>;
  /** String argument starting with the given prefix. */
  readonly prefix?: Readonly<Record<string, string>>;
}

export const CONSTRAINT_KINDS = ['max', 'min', 'oneOf', 'prefix'] as const;
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number];

/** Limits on one capability (a token is bounded as a whole as well). */
export const MAX_CAPABILITIES = 32;
export const MAX_RESOURCE_LENGTH = 256;
export const MAX_CONSTRAINED_ARGS = 32;
export const MAX_ONE_OF = 64;
export const MAX_STRING_LENGTH = 256;

/** Argument names: letters, digits, `_ - .`; never `__proto__` and friends. */
const ARG_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
const FORBIDDEN_ARG_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;
const CAPABILITY_KEYS: ReadonlySet<string> = new Set(['action', 'resource', ...CONSTRAINT_KINDS]);

export function isCapabilityAction(value: unknown): value is CapabilityAction {
  return typeof value === 'string' && (CAPABILITY_ACTIONS as readonly string[]).includes(value);
}

/** True if `resource` is a wildcard (a prefix ending in `*`). */
export function isWildcard(resource: string): boolean {
  return resource.endsWith('*');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function checkString(value: unknown, path: string, allowEmpty: boolean): string {
  if (typeof value !== 'string') throw new TypeError(`${path}: expected a string`);
  if (!allowEmpty && value.length === 0) throw new TypeError(`${path}: must not be empty`);
  if (value.length > MAX_STRING_LENGTH) throw new TypeError(`${path}: longer than ${MAX_STRING_LENGTH} characters`);
  if (CONTROL.test(value)) throw new TypeError(`${path}: contains control characters`);
  return value;
}

function checkResource(value: unknown, path: string): string {
  const resource = checkString(value, path, false);
  if (resource.length > MAX_RESOURCE_LENGTH) throw new TypeError(`${path}: longer than ${MAX_RESOURCE_LENGTH} characters`);
  // `*` is only meaningful as the last character (a prefix); elsewhere it would read like a glob
  // that the matcher does not implement.
  if (resource.slice(0, -1).includes('*')) throw new TypeError(`${path}: "*" may only end a resource prefix`);
  return resource;
}

function checkNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${path}: expected a finite number`);
  return value;
}

function checkScalar(value: unknown, path: string): Scalar {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return checkNumber(value, path);
  if (typeof value === 'string') return checkString(value, path, true);
  throw new TypeError(`${path}: expected a string, number or boolean`);
}

function checkOneOf(value: unknown, path: string): Scalar[] {
  if (!Array.isArray(value)) throw new TypeError(`${path}: expected an array`);
  if (value.length === 0 || value.length > MAX_ONE_OF) throw new TypeError(`${path}: expected 1 to ${MAX_ONE_OF} values`);
  return value.map((item, i) => checkScalar(item, `${path}[${i}]`));
}

/** A constraint map `{arg: bound}` with validated names and bounds, as a fresh object. */
function checkConstraint<T>(value: unknown, path: string, item: (v: unknown, p: string) => T): Record<string, T> {
  if (!isPlainObject(value)) throw new TypeError(`${path}: expected an object of argument names`);
  const entries = Object.entries(value);
  if (entries.length === 0 || entries.length > MAX_CONSTRAINED_ARGS) throw new TypeError(`${path}: expected 1 to ${MAX_CONSTRAINED_ARGS} arguments`);
  const checked: [string, T][] = [];
  for (const [name, bound] of entries) {
    if (!ARG_NAME.test(name) || FORBIDDEN_ARG_NAMES.has(name)) throw new TypeError(`${path}: ${JSON.stringify(name)} is not a valid argument name`);
    checked.push([name, item(bound, `${path}.${name}`)]);
  }
  // fromEntries defines own properties (no prototype setter is ever invoked).
  return Object.fromEntries(checked);
}

/**
 * Validates one capability. Untrusted input (token payloads, `--cap` JSON): every key and value
 * is checked and bounded; unknown keys are refused rather than ignored, since an ignored
 * constraint would widen the grant. Returns a fresh object; throws TypeError with the path.
 */
export function parseCapability(value: unknown, path = 'capability'): Capability {
  if (!isPlainObject(value)) throw new TypeError(`${path}: expected an object`);
  for (const key of Object.keys(value)) if (!CAPABILITY_KEYS.has(key)) throw new TypeError(`${path}: unknown key ${JSON.stringify(key)}`);
  if (!isCapabilityAction(value.action)) throw new TypeError(`${path}.action: expected one of ${CAPABILITY_ACTIONS.join(', ')}`);
  const capability: { -readonly [K in keyof Capability]: Capability[K] } = {
    action: value.action,
    resource: checkResource(value.resource, `${path}.resource`),
  };
  if (value.max !== undefined) capability.max = checkConstraint(value.max, `${path}.max`, checkNumber);
  if (value.min !== undefined) capability.min = checkConstraint(value.min, `${path}.min`, checkNumber);
  if (value.oneOf !== undefined) capability.oneOf = checkConstraint(value.oneOf, `${path}.oneOf`, checkOneOf);
  if (value.prefix !== undefined) capability.prefix = checkConstraint(value.prefix, `${path}.prefix`, (v, p) => checkString(v, p, true));
  return capability;
}

/** Validates a capability list (a token's `att`): 1 to MAX_CAPABILITIES capabilities. */
export function parseCapabilities(value: unknown, path = 'att'): Capability[] {
  if (!Array.isArray(value)) throw new TypeError(`${path}: expected an array of capabilities`);
  if (value.length === 0 || value.length > MAX_CAPABILITIES) throw new TypeError(`${path}: expected 1 to ${MAX_CAPABILITIES} capabilities`);
  return value.map((item, i) => parseCapability(item, `${path}[${i}]`));
}
