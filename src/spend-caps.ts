import { spendCaps } from './contracts/policy';
import type { Database } from './db/client';
import { organizationWithSpend } from './db/llm-calls';
import { AppError } from './errors';

/**
 * Per-organization spend caps (issues and skills together), checked before every model call
 * and every submission. Over a cap is RATE_LIMITED and retryable with the time the cap resets
 * (the next UTC day or month): a running issue's model call is retried by Temporal then — a
 * durable wait, no job of ours — and an API request gets 429 with Retry-After.
 */
export async function assertUnderSpendCaps(db: Database, organizationId: string, now = new Date()): Promise<void> {
  const spent = await organizationWithSpend(db, organizationId);
  if (!spent) return;
  const caps = spendCaps(spent.tier, spent.settings);
  const over =
    spent.today >= caps.daily
      ? { cap: caps.daily, spent: spent.today, window: 'day', resetsAt: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) }
      : spent.month >= caps.monthly
        ? { cap: caps.monthly, spent: spent.month, window: 'month', resetsAt: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) }
        : undefined;
  if (!over) return;
  throw new AppError(
    'RATE_LIMITED',
    `this organization has spent $${over.spent.toFixed(2)} on models this ${over.window}; its cap is $${over.cap} (settings limits.${over.window === 'day' ? 'dailySpendUsd' : 'monthlySpendUsd'}); it resets at ${new Date(over.resetsAt).toISOString()}`,
    { retryable: true, retryAfterMs: Math.max(1000, over.resetsAt - now.getTime()), details: { cap: over.cap, spent: over.spent, window: over.window, resetsAt: new Date(over.resetsAt).toISOString() } },
  );
}
