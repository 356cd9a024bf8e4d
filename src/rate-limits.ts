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
  noun: string,
  adding = 1,
): void {
  const over = [
    { window: windows.hour, limit: limits.perHour, name: 'hour' },
    { window: windows.day, limit: limits.perDay, name: 'day' },
  ].find((entry) => entry.window.count + adding > entry.limit);
  if (!over) return;
  const leaves = over.window.oldestLeavesAt ? new Date(over.window.oldestLeavesAt).getTime() : Date.now() + 60_000;
  throw new AppError('RATE_LIMITED', `at most ${over.limit} ${noun} per ${over.name} for this organization`, {
    retryable: true,
    retryAfterMs: Math.max(1000, leaves - Date.now()),
    details: { limit: over.limit, window: over.name, used: over.window.count },
  });
}
