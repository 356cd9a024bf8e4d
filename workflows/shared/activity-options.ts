/**
 * Timeouts and retries shared by the workflows' activity proxies. DETERMINISTIC ZONE: only
 * types from outside.
 */
import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';

/**
 * Model calls: transient upstream errors (429/5xx/overloaded) retry here, after the API's
 * retry-after (nextRetryDelay); 4xx and invalid output fail without retrying.
 */
export const MODEL_RETRY: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 };

/** Agent tool calls: a tool call runs at most once (the ledger), so retrying is safe. */
export const TOOL_RETRY: RetryPolicy = { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 };

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
