/**
 * Timeouts and retries shared by the workflows' activity proxies. DETERMINISTIC ZONE: only
 * types from outside.
 */
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';

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
