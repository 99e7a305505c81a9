import type { Capability, Scalar } from './capability.js';

/**
 * Attenuation: a delegated capability may only narrow what its parent grants. `isWithin(child,
 * parent)` holds iff every invocation the child allows, the parent allows too (property-tested):
 *
 * - same action;
 * - the child's resource is covered by the parent's (equal, or inside the parent's `*` prefix);
 * - for every constraint of the parent, the child has one of the same kind at least as strict
 *   (max ≤, min ≥, oneOf ⊆, prefix extending the parent's). Extra child constraints only narrow.
 *
 * Constraints of different kinds are never compared with each other (a parent `max` is not
 * satisfied by a child `oneOf`): that refuses a few sound attenuations and never admits an unsound one.
 */

/** True if resource pattern `parent` covers everything `child` names (both exact or `*`-prefixes). */
export function resourceCovers(parent: string, child: string): boolean {
  if (parent.endsWith('*')) return child.startsWith(parent.slice(0, -1));
  return child === parent;
}

function stricterMax(child: Capability['max'], parent: Capability['max']): boolean {
  if (parent === undefined) return true;
  for (const [arg, bound] of Object.entries(parent)) {
    const c = child !== undefined && Object.hasOwn(child, arg) ? child[arg] : undefined;
    if (c === undefined || !(c <= bound)) return false;
  }
  return true;
}

function stricterMin(child: Capability['min'], parent: Capability['min']): boolean {
  if (parent === undefined) return true;
  for (const [arg, bound] of Object.entries(parent)) {
    const c = child !== undefined && Object.hasOwn(child, arg) ? child[arg] : undefined;
    if (c === undefined || !(c >= bound)) return false;
  }
  return true;
}

/** Scalar membership with the same equality `allows` uses (===: type and value). */
export function scalarIn(value: unknown, set: readonly Scalar[]): boolean {
  for (const item of set) if (item === value) return true;
  return false;
}

function stricterOneOf(child: Capability['oneOf'], parent: Capability['oneOf']): boolean {
  if (parent === undefined) return true;
  for (const [arg, allowed] of Object.entries(parent)) {
    const c = child !== undefined && Object.hasOwn(child, arg) ? child[arg] : undefined;
    if (c === undefined) return false;
    for (const value of c) if (!scalarIn(value, allowed)) return false;
  }
  return true;
}

function stricterPrefix(child: Capability['prefix'], parent: Capability['prefix']): boolean {
  if (parent === undefined) return true;
  for (const [arg, prefix] of Object.entries(parent)) {
    const c = child !== undefined && Object.hasOwn(child, arg) ? child[arg] : undefined;
    if (c === undefined || !c.startsWith(prefix)) return false;
  }
  return true;
}

/** True if `child` grants nothing that `parent` does not. */
export function isWithin(child: Capability, parent: Capability): boolean {
  return (
    child.action === parent.action &&
    resourceCovers(parent.resource, child.resource) &&
    stricterMax(child.max, parent.max) &&
    stricterMin(child.min, parent.min) &&
    stricterOneOf(child.oneOf, parent.oneOf) &&
    stricterPrefix(child.prefix, parent.prefix)
  );
}

/**
 * The first capability of `child` that is within none of `parent` (its index), or -1 if every
 * one is within some parent capability: the attenuation rule for a whole link.
 */
export function firstExceeding(child: readonly Capability[], parent: readonly Capability[]): number {
  for (let i = 0; i < child.length; i++) {
    const capability = child[i] as Capability;
    if (!parent.some((p) => isWithin(capability, p))) return i;
  }
  return -1;
}

/** True if every capability of `child` is within some capability of `parent`. */
export function attenuates(child: readonly Capability[], parent: readonly Capability[]): boolean {
  return firstExceeding(child, parent) === -1;
}
