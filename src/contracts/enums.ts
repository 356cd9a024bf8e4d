import { z } from 'zod';

/**
 * An enum accepted in any letter case (and with surrounding spaces): `BUG`, `Bug` and `bug`
 * all yield `bug`. What callers send is matched the way the documentation promises; what we
 * store and answer is always the value as the enum spells it (lower case for ours, upper case
 * for the ERP's, e.g. feedback outcomes).
 */
export function caseInsensitiveEnum<const T extends readonly [string, ...string[]]>(values: T) {
  const canonical = new Map(values.map((value) => [value.toLowerCase(), value]));
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const folded = value.trim().toLowerCase();
    return canonical.get(folded) ?? folded;
  }, z.enum(values));
}
