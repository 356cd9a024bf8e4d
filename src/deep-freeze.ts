/**
 * Freezes `value` and everything reachable from it, for results computed once and shared
 * between callers (parsed settings, converted JSON Schemas): nobody may change them. Returns it.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
