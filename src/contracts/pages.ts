import { z } from 'zod';

/**
 * Every list answers one shape: `{ items, hasMore, nextCursor }`. Pass `nextCursor` back as
 * `cursor` for the next page; a cursor is opaque (base64url of the last item's sort key), stays
 * valid while items are added before it, and is refused (422) if it was not made by this API.
 */

export interface Page<T> {
  items: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

/** A list's sort position: the sort key values of its last item (time, id, or a name). */
export type CursorPosition = ReadonlyArray<string | number>;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition | undefined {
  try {
    const position: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(position) && position.length > 0 && position.every((part) => typeof part === 'string' || typeof part === 'number')) return position;
  } catch {
    // not ours
  }
  return undefined;
}

export const cursorSchema = z
  .string()
  .max(1000)
  .refine((cursor) => decodeCursor(cursor) !== undefined, 'is not a cursor this API gave out (pass nextCursor back unchanged)');

export interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

/** `limit` and `cursor`, for lists with no filters of their own. */
export function pageQuerySchema(options: { defaultLimit: number; maxLimit: number }) {
  return z.strictObject({
    limit: z.coerce.number().int().min(1).max(options.maxLimit).default(options.defaultLimit),
    cursor: cursorSchema.optional(),
  });
}

/**
 * A page from `limit + 1` rows fetched after the cursor: the extra row only says there is more.
 * `positionOf` gives an item's sort key (what the next page's query continues after).
 */
export function pageOf<T>(rows: T[], limit: number, positionOf: (item: T) => CursorPosition): Page<T> {
  const items = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  const last = items.at(-1);
  return { items, hasMore, nextCursor: hasMore && last !== undefined ? encodeCursor(positionOf(last)) : null };
}

/**
 * The same page over a list held in memory (personas, skills, schedules, artifacts: a few per
 * organization), sorted by `keyOf` ascending, unique.
 */
export function pageInMemory<T>(all: T[], query: PageQuery, keyOf: (item: T) => string): Page<T> {
  const sorted = [...all].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const after = query.cursor ? String(decodeCursor(query.cursor)?.[0] ?? '') : undefined;
  const rest = after === undefined ? sorted : sorted.filter((item) => keyOf(item) > after);
  return pageOf(rest.slice(0, query.limit + 1), query.limit, (item) => [keyOf(item)]);
}
