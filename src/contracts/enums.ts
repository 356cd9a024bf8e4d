import { z } from 'zod';

/**
 * An enum accepted in any letter case (and with surrounding spaces): `BUG`, `Bug` and `bug`
 * all yield `bug`. What callers send is matched the way the documentation promises; what we
 * store and answer is always the lower-case value.
 */
export function caseInsensitiveEnum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value), z.enum(values));
}
