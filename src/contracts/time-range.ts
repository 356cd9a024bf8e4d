import type { z } from 'zod';

/**
 * The checks every `from`/`to` query pair gets: `from` before `to`, and both in UTC within the
 * years 1–9999, as Postgres takes them (an offset can push 9999-12-31 past it, a 500 once).
 */
export function checkedTimeRange<T extends z.ZodType<{ from?: string | undefined; to?: string | undefined }>>(schema: T) {
  return schema
    .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] })
    .refine((q) => [q.from, q.to].every((at) => at === undefined || (Date.parse(at) >= Date.UTC(1, 0, 1) && Date.parse(at) < Date.UTC(10000, 0, 1))), {
      message: 'must be within the years 1 to 9999 in UTC',
      path: ['from'],
    });
}
