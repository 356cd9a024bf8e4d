import { spendCaps } from './contracts/policy';
import type { Database } from './db/client';
import { organizationWithSpend } from './db/llm-calls';
import { AppError } from './errors';

type OrganizationSpend = NonNullable<Awaited<ReturnType<typeof organizationWithSpend>>>;

/**
 * Per-organization spend caps (issues and skills together), checked before every model call
 * and every submission. Over a cap is RATE_LIMITED and retryable with the time the cap resets
 * (the next UTC day or month): a running issue's model call is retried by Temporal then — a
 * durable wait, no job of ours — and an API request gets 429 with Retry-After.
 */
export async function assertUnderSpendCaps(db: Database, organizationId: string, now = new Date()): Promise<void> {
  const spent = await organizationWithSpend(db, organizationId);
  if (spent) throwIfOverCap(spent, spendCaps(spent.tier, spent.settings), now);
}

/** The same check on figures already read (a submission reads them with its other checks). */
export function assertSpentUnderCaps(organization: { tier: 'free' | 'pro' | 'enterprise'; settings: unknown }, spent: { today: number; month: number }, now = new Date()): void {
  throwIfOverCap(spent, spendCaps(organization.tier, organization.settings), now);
}

function throwIfOverCap(spent: Pick<OrganizationSpend, 'today' | 'month'>, caps: { daily: number; monthly: number }, now: Date): void {
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
    { retryable: true, retryAfterMs: Math.max(1000, over.resetsAt - now.getTime()), details: [
        {
          path: `limits.${over.window === 'day' ? 'dailySpendUsd' : 'monthlySpendUsd'}`,
          message: `spent $${over.spent.toFixed(2)} this ${over.window}; resets at ${new Date(over.resetsAt).toISOString()}`,
          expected: `< ${over.cap}`,
          received: over.spent.toFixed(4),
        },
      ],
    },
  );
}

/** How long a worker trusts what it read of an organization's spend and settings. */
export const SPEND_READ_MAX_AGE_MS = 2_000;

/**
 * The spend-cap check of a worker's model calls: an organization's spend and caps are read at
 * most once per `maxAgeMs`, and the calls this process paid for since are added to what was
 * read. So a busy pipeline does not send a read before every call; the price is that other
 * processes' calls (and a changed cap) are seen up to `maxAgeMs` late — at most what the
 * organization's other workers spend in that time goes over a cap. A call of this process is
 * counted from its answer on; a re-read before its record is written (the end of its step)
 * misses it until then. Submissions through the API keep the exact check (assertUnderSpendCaps).
 */
export function createSpendGuard(db: Database, options: { maxAgeMs?: number; clock?: () => number } = {}) {
  const maxAgeMs = options.maxAgeMs ?? SPEND_READ_MAX_AGE_MS;
  const clock = options.clock ?? Date.now;
  /** What was read, with the caps its settings give (worked out once per read). */
  const known = new Map<string, { readAt: number; spent: (OrganizationSpend & { caps: { daily: number; monthly: number } }) | undefined }>();
  /** Costs added while a read of the organization is in flight: the read may not include them. */
  const addedDuringRead = new Map<string, number>();

  async function current(organizationId: string) {
    const entry = known.get(organizationId);
    if (entry && clock() - entry.readAt < maxAgeMs) return entry.spent;
    const readAt = clock();
    addedDuringRead.set(organizationId, 0);
    let spent: (OrganizationSpend & { caps: { daily: number; monthly: number } }) | undefined;
    try {
      const read = await organizationWithSpend(db, organizationId);
      spent = read ? { ...read, caps: spendCaps(read.tier, read.settings) } : undefined;
    } finally {
      const during = addedDuringRead.get(organizationId) ?? 0;
      addedDuringRead.delete(organizationId);
      if (spent) {
        spent.today += during;
        spent.month += during;
      }
    }
    if (known.size > 10_000) for (const [id, old] of known) if (clock() - old.readAt >= maxAgeMs) known.delete(id);
    known.set(organizationId, { readAt, spent });
    return spent;
  }

  return {
    /** Throws RATE_LIMITED (retryable until the reset) when the organization is over a cap. */
    async check(organizationId: string, now = new Date(clock())): Promise<void> {
      const spent = await current(organizationId);
      if (spent) throwIfOverCap(spent, spent.caps, now);
    },
    /** A model call this process paid for: counted until the next read includes it. */
    add(organizationId: string, costUsd: number): void {
      if (!(costUsd > 0)) return;
      const during = addedDuringRead.get(organizationId);
      if (during !== undefined) addedDuringRead.set(organizationId, during + costUsd);
      const spent = known.get(organizationId)?.spent;
      if (!spent) return;
      spent.today += costUsd;
      spent.month += costUsd;
    },
  };
}

export type SpendGuard = ReturnType<typeof createSpendGuard>;
