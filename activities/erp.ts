import type { Database } from '../src/db/client';
import { AppError } from '../src/errors';
import { deliverCallback, type StatusCallbackInput } from '../src/erp/callbacks';
import type { Attempt, DeliveryResult } from '../src/outbound/send';
import { type OutboundPolicy, STRICT_OUTBOUND } from '../src/outbound/url-policy';
import { currentActivity } from './context';
import { toActivityFailure } from './failures';

export type { StatusCallbackInput } from '../src/erp/callbacks';

/**
 * POSTs one signed event to the organization's callback URL (src/erp/callbacks.ts). 5xx, 408,
 * 429 and network errors are retried by Temporal (after Retry-After when given); other 4xx
 * mean the receiver refuses it, and retrying would not help. Every attempt is recorded.
 */
export function createErpActivities(deps: { db: Database; outbound?: OutboundPolicy }) {
  const { db } = deps;
  const policy = deps.outbound ?? STRICT_OUTBOUND;
  return {
    async sendStatusCallback(input: StatusCallbackInput): Promise<{ statusCode: number }> {
      return deliveredOrThrow(await deliverCallback(db, input, workflowAttempt(), policy), 'ERP');
    },
  };
}

/** This activity attempt as an outbound delivery's attempt: its number, whether it is the last, its cancellation. */
export function workflowAttempt(): Attempt {
  const runtime = currentActivity();
  const final = runtime.maxAttempts !== undefined && runtime.attempt >= runtime.maxAttempts;
  return { number: runtime.attempt, final, signal: runtime.signal, onlyIfNotDelivered: true };
}

/**
 * A delivery's result as the activity's: delivered or skipped (nothing to send to any more)
 * return; a failure throws, retryable or not as the answer said (Retry-After honoured).
 */
export function deliveredOrThrow(result: DeliveryResult, receiver: string): { statusCode: number } {
  if (result.outcome === 'skipped') return { statusCode: 0 };
  if (result.outcome === 'delivered') return { statusCode: result.statusCode };
  throw toActivityFailure(
    new AppError(result.retryable ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_REJECTED', `${receiver} ${result.message}`, {
      retryable: result.retryable,
      ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
    }),
  );
}
