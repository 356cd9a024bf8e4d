import { ApplicationFailure } from '@temporalio/common';
import { isAppError } from '../src/errors';

/**
 * Turns an adapter's AppError into the Temporal failure that makes retries right:
 * retryable → the activity retries (after `retry-after` when the upstream gave one);
 * not retryable → the activity fails now and the workflow sees `failure.type === code`.
 * Errors we do not know are left as they are, so Temporal's retry policy applies.
 */
export function toActivityFailure(error: unknown): unknown {
  if (!isAppError(error)) return error;
  return ApplicationFailure.create({
    message: error.message,
    type: error.code,
    nonRetryable: !error.retryable,
    nextRetryDelay: error.retryable && error.retryAfterMs !== undefined ? error.retryAfterMs : undefined,
    details: error.details === undefined ? undefined : [error.details],
    cause: error.cause instanceof Error ? error.cause : undefined,
  });
}

