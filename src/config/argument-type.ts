import type { ArgumentType } from './schema.js';

/**
 * Whether a JSON value has a declared argument type. Cedar's Long is a signed 64-bit integer, so
 * numbers must be safe integers; anything else (fractions, beyond 2^53) is refused.
 */
export function hasArgumentType(value: unknown, type: ArgumentType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
  }
}
