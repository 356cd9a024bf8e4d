import type { SlidingWindow } from './db/windows';
import { AppError } from './errors';

/**
 * The one way a sliding-window limit is refused: 429 RATE_LIMITED with Retry-After (when
 * the oldest counted row leaves the window) and the figures, for issues and skill runs alike.
 * `adding` is how many rows the request would add (an ERP event may start several runs).
 */
export function assertWithinWindows(
  windows: { hour: SlidingWindow; day: SlidingWindow },
  limits: { perHour: number; perDay: number },
  what: { noun: string; /** The settings key prefix: `limits.<setting>PerHour` / `PerDay`. */ setting: string },
  adding = 1,
): void {
  const over = [
    { window: windows.hour, limit: limits.perHour, name: 'hour' },
    { window: windows.day, limit: limits.perDay, name: 'day' },
  ].find((entry) => entry.window.count + adding > entry.limit);
  if (!over) return;
  const leaves = over.window.oldestLeavesAt ? new Date(over.window.oldestLeavesAt).getTime() : Date.now() + 60_000;
  const setting = `limits.${what.setting}Per${over.name === 'hour' ? 'Hour' : 'Day'}`;
  throw new AppError('RATE_LIMITED', `at most ${over.limit} ${what.noun} per ${over.name} for this organization`, {
    retryable: true,
    retryAfterMs: Math.max(1000, leaves - Date.now()),
    details: [
      {
        path: setting,
        message: `${over.window.count} ${what.noun} in the last ${over.name}; the limit is ${over.limit} (the plan's, or settings ${setting})`,
        expected: `<= ${over.limit}`,
        received: String(over.window.count + adding),
      },
    ],
  });
}
