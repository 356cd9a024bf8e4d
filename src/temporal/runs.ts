import type { Client } from '@temporalio/client';

/**
 * How the API reads a running workflow: a query or a describe that gives up after a deadline
 * (default 3 s), so a request never waits on a workflow no worker is serving — the caller
 * falls back to what Postgres recorded. The one deadline rule for issues, skill runs and
 * schedules.
 */
export const DEFAULT_READ_DEADLINE_MS = 3_000;

export function withReadDeadline<T>(temporal: Client, read: () => Promise<T>, timeoutMs: number = DEFAULT_READ_DEADLINE_MS): Promise<T> {
  return temporal.connection.withDeadline(Date.now() + timeoutMs, read);
}
