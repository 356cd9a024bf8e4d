/**
 * Timeouts and retries shared by the workflows' activity proxies. DETERMINISTIC ZONE: only
 * types from outside.
 */
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';

/*
 * Every policy outlasts a realistic outage of what the activity needs — Postgres restarting,
 * Claude overloaded, the network — for about ten minutes of backoff: an issue never fails
 * because a dependency was briefly down. Errors that retrying can't fix are classified
 * non-retryable where they arise (AppError.retryable, activities/failures.ts) and fail at once.
 * Retry policies are not part of the replayed commands: changing them is safe for runs in flight.
 */

/**
 * Model calls: transient upstream errors (429/5xx/overloaded) and our own database's outages
 * retry here, after the API's retry-after (nextRetryDelay) when it gave one; 4xx and invalid
 * output fail without retrying. 1 s doubling to 2 min, 12 attempts: about 11 minutes.
 */
export const MODEL_RETRY: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 12 };

/**
 * Agent tool calls: a tool call runs at most once (the ledger), so retrying is safe.
 * 1 s doubling to 1 min, 15 attempts: about 10 minutes (it was 5 attempts, 15 s, and a 30 s
 * database restart failed the issue).
 */
export const TOOL_RETRY: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 15 };

/** Postgres bookkeeping: short, idempotent, retried until the database is back. */
export const BOOKKEEPING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
};

/**
 * The one-statement bookkeeping on the path from a person's action to the next step (the
 * reviewer check, recording a decision, the status) as local activities: run by the
 * worker that runs the workflow task, recorded as a marker, no round trip through the server's
 * task queue. Retried like other bookkeeping; a longer backoff becomes a durable timer.
 */
export const LOCAL_BOOKKEEPING_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
};

/** patched() id: that bookkeeping runs as local activities (issue 13). */
export const LOCAL_BOOKKEEPING = 'local-bookkeeping';
