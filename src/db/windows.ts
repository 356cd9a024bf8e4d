import { and, eq, type Placeholder, sql } from 'drizzle-orm';
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

export interface Windows {
  hour: SlidingWindow;
  day: SlidingWindow;
}

/** The rows one organization created in the last day: what the windows are counted over. */
export const inLastDay = (rows: CountedRows, organizationId: string | Placeholder) => and(eq(rows.organizationId, organizationId), sql`${rows.createdAt} > now() - interval '1 day'`);

/** The aggregates the windows are made of, over rows already limited to the last day. */
export function windowAggregates(createdAt: PgColumn) {
  return {
    hour: sql<number>`count(*) filter (where ${createdAt} > now() - interval '1 hour')::int`.as('hour'),
    day: sql<number>`count(*)::int`.as('day'),
    hourOldest: sql<string | null>`(min(${createdAt}) filter (where ${createdAt} > now() - interval '1 hour') + interval '1 hour')::text`.as('hour_oldest'),
    dayOldest: sql<string | null>`(min(${createdAt}) + interval '1 day')::text`.as('day_oldest'),
  };
}

/** The windows from those aggregates (absent: no rows). */
export function windowsOf(row: { hour: number; day: number; hourOldest: string | null; dayOldest: string | null } | undefined): Windows {
  return {
    hour: { count: Number(row?.hour ?? 0), oldestLeavesAt: row?.hourOldest ?? null },
    day: { count: Number(row?.day ?? 0), oldestLeavesAt: row?.dayOldest ?? null },
  };
}

/** Rows of one organization created in the sliding last hour and last day. */
export async function slidingWindows(db: Database, rows: CountedRows, organizationId: string): Promise<Windows> {
  const [row] = await db.select(windowAggregates(rows.createdAt)).from(rows.table).where(inLastDay(rows, organizationId));
  return windowsOf(row);
}
