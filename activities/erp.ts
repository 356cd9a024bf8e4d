import type { Database } from '../src/db/client';
import { AppError } from '../src/errors';
import { deliverCallback, type StatusCallbackInput } from '../src/erp/callbacks';
import { currentActivity } from './context';
import { toActivityFailure } from './failures';

export type { StatusCallbackInput } from '../src/erp/callbacks';

/**
 * POSTs one signed event to the organization's callback URL (src/erp/callbacks.ts). 5xx, 408,
 * 429 and network errors are retried by Temporal (after Retry-After when given); other 4xx
 * mean the receiver refuses it, and retrying would not help. Every attempt is recorded.
 */
export function createErpActivities(deps: { db: Database }) {
  const { db } = deps;
  return {
    async sendStatusCallback(input: StatusCallbackInput): Promise<{ statusCode: number }> {
      const runtime = currentActivity();
      const final = runtime.maxAttempts !== undefined && runtime.attempt >= runtime.maxAttempts;
      const result = await deliverCallback(db, input, { number: runtime.attempt, final, signal: runtime.signal });
      if (result.outcome === 'skipped') return { statusCode: 0 }; // callbacks were switched off since
      if (result.outcome === 'delivered') return { statusCode: result.statusCode };
      throw toActivityFailure(
        new AppError(result.retryable ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_REJECTED', `ERP ${result.message}`, {
          retryable: result.retryable,
          ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}),
        }),
      );
    },
  };
}
