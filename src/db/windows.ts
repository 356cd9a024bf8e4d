import { and, eq, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database } from './client';

/**
 * Sliding-window counts for submission limits, from the rows themselves (issues, skill
 * runs): no counter table to drift, and a repeat that created no row is never counted.
 */

export interface SlidingWindow {
  count: number;
  /** When the oldest row in the window leaves it (ISO), if any. */
  oldestLeavesAt: string | null;
}

export interface CountedRows {
  table: PgTable;
  organizationId: PgColumn;
  createdAt: PgColumn;
}

/** Rows of one organization created in the sliding last hour and last day. */
export async function slidingWindows(db: Database, rows: CountedRows, organizationId: string): Promise<{ hour: SlidingWindow; day: SlidingWindow }> {
  const { createdAt } = rows;
  const [row] = await db
    .select({
      hour: sql<number>`count(*) filter (where ${createdAt} > now() - interval '1 hour')::int`,
      day: sql<number>`count(*)::int`,
      hourOldest: sql<string | null>`(min(${createdAt}) filter (where ${createdAt} > now() - interval '1 hour') + interval '1 hour')::text`,
      dayOldest: sql<string | null>`(min(${createdAt}) + interval '1 day')::text`,
    })
    .from(rows.table)
    .where(and(eq(rows.organizationId, organizationId), sql`${createdAt} > now() - interval '1 day'`));
  return {
    hour: { count: row?.hour ?? 0, oldestLeavesAt: row?.hourOldest ?? null },
    day: { count: row?.day ?? 0, oldestLeavesAt: row?.dayOldest ?? null },
  };
}
