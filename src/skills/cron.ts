import { CronExpressionParser } from 'cron-parser';

/**
 * What a schedule may ask for. Every scheduled run is paid model time, so the spec is
 * checked before Temporal sees it: Temporal takes more than we allow (seconds fields,
 * `@every 1s`), and an interval is judged by the fire times it produces, not its text.
 * cron-parser (cron-parser on npm) computes those times.
 */

/** The shortest gap between two runs of one schedule. */
export const MIN_SCHEDULE_INTERVAL_SECONDS = 60;
/** Runs one backfill request may start. */
export const MAX_BACKFILL_ACTIONS = 100;

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
/**
 * Fire times looked at for the shortest gap. Five fields mean minute resolution, so any
 * expression we accept is at least 60 s apart; the sample guards the rule if a finer syntax
 * ever passes the field check, and stays cheap (a cron for 29 February walks years).
 */
const SAMPLED_FIRES = 10;

/** Why a cron expression is refused, or null. */
export function cronProblem(expression: string, timezone = 'UTC'): string | null {
  const text = expression.trim();
  if (text.startsWith('@')) {
    if (!MACROS.has(text)) return `${text} is not supported: use five fields or one of ${[...MACROS].join(', ')} (lower case)`;
  } else {
    const fields = text.split(/\s+/);
    if (fields.length !== 5) return `a cron expression has 5 fields (minute hour day-of-month month day-of-week), not ${fields.length}: seconds and years are not supported`;
  }
  let previous: number | undefined;
  try {
    const times = CronExpressionParser.parse(text, { tz: timezone, currentDate: new Date() });
    for (let i = 0; i < SAMPLED_FIRES; i++) {
      const next = times.next().getTime();
      if (previous !== undefined && next - previous < MIN_SCHEDULE_INTERVAL_SECONDS * 1000) {
        return `${text} runs ${Math.round((next - previous) / 1000)} s apart; at least ${MIN_SCHEDULE_INTERVAL_SECONDS} s between runs`;
      }
      previous = next;
    }
  } catch (error) {
    if (previous !== undefined) return null; // a spec with few future times (one date a year) ran out: fine
    return `not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

/**
 * How many runs a spec has in [start, end), counted up to `limit + 1` (enough to refuse).
 * Cron and interval specs both; intervals are aligned to the epoch, as Temporal aligns them.
 */
export function countFireTimes(spec: { cron?: string[]; intervalSeconds?: number; timezone?: string }, start: Date, end: Date, limit = MAX_BACKFILL_ACTIONS): number {
  const times = new Set<number>();
  if (spec.intervalSeconds) {
    const every = spec.intervalSeconds * 1000;
    for (let at = Math.ceil(start.getTime() / every) * every; at < end.getTime() && times.size <= limit; at += every) times.add(at);
  }
  for (const expression of spec.cron ?? []) {
    try {
      const iterator = CronExpressionParser.parse(expression, { tz: spec.timezone ?? 'UTC', currentDate: new Date(start.getTime() - 1), endDate: end });
      while (iterator.hasNext() && times.size <= limit) {
        const at = iterator.next().getTime();
        if (at >= end.getTime()) break;
        times.add(at);
      }
    } catch {
      // A spec that cannot be read was refused when it was saved.
    }
  }
  return times.size;
}
