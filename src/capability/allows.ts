import { resourceCovers, scalarIn } from './attenuate.js';
import type { Capability, CapabilityAction } from './capability.js';

/** One concrete use of authority: an action on an exact resource with its arguments. */
export interface Invocation {
  readonly action: CapabilityAction;
  /** An exact name (a `*` in it never matches anything). */
  readonly resource: string;
  /** The invocation's arguments (top-level keys); absent means none. */
  readonly args?: Readonly<Record<string, unknown>>;
}

function argOf(args: Invocation['args'], name: string): unknown {
  return args !== undefined && Object.hasOwn(args, name) ? args[name] : undefined;
}

/**
 * True if `capability` permits `invocation`. Every constraint must hold; a constrained argument
 * that is absent or of the wrong type fails it (fail closed).
 */
export function capabilityAllows(capability: Capability, invocation: Invocation): boolean {
  if (capability.action !== invocation.action) return false;
  if (invocation.resource.length === 0 || invocation.resource.includes('*')) return false;
  if (!resourceCovers(capability.resource, invocation.resource)) return false;
  const { args } = invocation;
  if (capability.max !== undefined) {
    for (const [name, bound] of Object.entries(capability.max)) {
      const value = argOf(args, name);
      if (typeof value !== 'number' || !Number.isFinite(value) || !(value <= bound)) return false;
    }
  }
  if (capability.min !== undefined) {
    for (const [name, bound] of Object.entries(capability.min)) {
      const value = argOf(args, name);
      if (typeof value !== 'number' || !Number.isFinite(value) || !(value >= bound)) return false;
    }
  }
  if (capability.oneOf !== undefined) {
    for (const [name, allowed] of Object.entries(capability.oneOf)) {
      const value = argOf(args, name);
      if (typeof value === 'number' && !Number.isFinite(value)) return false;
      if (!scalarIn(value, allowed)) return false;
    }
  }
  if (capability.prefix !== undefined) {
    for (const [name, prefix] of Object.entries(capability.prefix)) {
      const value = argOf(args, name);
      if (typeof value !== 'string' || !value.startsWith(prefix)) return false;
    }
  }
  return true;
}

/** True if some capability of the set permits `invocation`. */
export function allows(capabilities: readonly Capability[], invocation: Invocation): boolean {
  for (const capability of capabilities) if (capabilityAllows(capability, invocation)) return true;
  return false;
}
