import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { isUuid } from '../contracts/ids';
import { decodeCursor } from '../contracts/pages';

/** A timestamp as Postgres prints it (or ISO 8601): what our cursors carry. */
const TIMESTAMP = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?(?:Z|[+-](\d\d)(?::?(\d\d))?)$/;

/**
 * Whether Postgres can take `text` as a timestamptz: the shape, and every part in range
 * (month, the day of that month, hours, offset) — a cast that fails would abort the query.
 */
export function isPostgresTimestamp(text: string): boolean {
  const match = TIMESTAMP.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours = '0', offsetMinutes = '0'] = match.slice(1).map((part) => Number(part ?? 0));
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return year! >= 1 && month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour! < 24 && minute! < 60 && second! < 60 && Number(offsetHours) <= 15 && Number(offsetMinutes) < 60;
}

/**
 * The keyset condition of a newest-first list ordered by (time desc, id desc): rows strictly
 * after the cursor's position. Undefined without a cursor (the first page).
 */
export function newestFirstAfter(time: AnyColumn, id: AnyColumn, cursor: string | undefined, idType: 'uuid' | 'bigint'): SQL | undefined {
  if (!cursor) return undefined;
  const position = decodeCursor(cursor);
  if (!position || position.length !== 2) return sql`false`;
  const [at, key] = position;
  // A cursor we made names a real time and id; anything else matches nothing (never a SQL error).
  if (typeof at !== 'string' || !isPostgresTimestamp(at)) return sql`false`;
  if (idType === 'uuid' ? !isUuid(String(key)) : !Number.isSafeInteger(key)) return sql`false`;
  return idType === 'uuid'
    ? sql`(${time}, ${id}) < (${String(at)}::timestamptz, ${String(key)}::uuid)`
    : sql`(${time}, ${id}) < (${String(at)}::timestamptz, ${Number(key)}::bigint)`;
}
