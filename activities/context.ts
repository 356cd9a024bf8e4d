import { Context } from '@temporalio/activity';

export interface ActivityRuntime {
  attempt: number;
  maxAttempts: number | undefined;
  /** Aborted when Temporal cancels the activity (or its heartbeat times out). */
  signal: AbortSignal;
  heartbeat(details?: unknown): void;
}

/** The parts of Temporal's activity context our activities use, in one small interface. */
export function currentActivity(): ActivityRuntime {
  const context = Context.current();
  return {
    attempt: context.info.attempt,
    maxAttempts: context.info.retryPolicy?.maximumAttempts || undefined,
    signal: context.cancellationSignal,
    heartbeat: (details) => context.heartbeat(details),
  };
}

/**
 * Heartbeats every `intervalMs` while `work` runs, so a long model call neither times out
 * its heartbeat nor misses a cancellation request.
 *
 * The first beat comes after one interval, not at once: the SDK sends an activity's first
 * heartbeat to the server immediately, and the server persists it, so a beat at the start cost
 * every call a write on the Temporal side although most calls end well inside a second
 * (issue 13). A cancellation is still seen within `intervalMs`.
 */
export async function withHeartbeat<T>(runtime: ActivityRuntime, work: Promise<T>, intervalMs = 1_000): Promise<T> {
  const timer = setInterval(() => runtime.heartbeat(), intervalMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
