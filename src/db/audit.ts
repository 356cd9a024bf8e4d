import { and, count, desc, eq, gte, like, lt, type SQL } from 'drizzle-orm';
import type { ListAuditQuery } from '../contracts/audit';
import { type Page, pageOf } from '../contracts/pages';
import type { Database } from './client';
import { newestFirstAfter } from './keyset';
import { auditEvents } from './schema';

export type AuditEventRecord = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;

/** Longest reason kept: enough for any refusal message, bounded against hostile input. */
const MAX_REASON = 2000;

/** Longest identifier kept (actor, target, channel reference): they come from requests. */
const MAX_REF = 300;

/**
 * Postgres text and jsonb hold neither NUL nor a lone UTF-16 surrogate, and requests can carry
 * both (`/api/x/%00`, `"\ud800"` in a JSON body): an entry that failed to insert would be a
 * refused attempt missing from the trail. Both become U+FFFD.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '\uFFFD');
const clean = (text: string | null | undefined, max: number) => (text ? wellFormed(text).slice(0, max) : (text ?? null));
const MAX_DETAIL_DEPTH = 8;
function cleanDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return wellFormed(value).slice(0, MAX_REASON);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DETAIL_DEPTH) return '…';
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => cleanDetails(item, depth + 1));
  return Object.fromEntries(Object.entries(value).slice(0, 100).map(([key, item]) => [wellFormed(key).slice(0, MAX_REF), cleanDetails(item, depth + 1)]));
}

/** Appends one entry. The table refuses updates and deletes (migration 0006). */
export async function recordAuditEvent(db: Database, event: NewAuditEvent): Promise<void> {
  await auditEventWrite(db, event);
}

/** The insert of one entry, unsent (for writeTogether: an entry written with what it records). */
export function auditEventWrite(db: Database, event: NewAuditEvent) {
  return db.insert(auditEvents).values({
    ...event,
    actor: clean(event.actor, MAX_REF),
    targetId: clean(event.targetId, MAX_REF),
    channelRef: clean(event.channelRef, MAX_REF),
    channelName: clean(event.channelName, MAX_REF),
    reason: clean(event.reason, MAX_REASON),
    requestId: clean(event.requestId, MAX_REF),
    details: cleanDetails(event.details ?? {}) as Record<string, unknown>,
  });
}

export async function listAuditEvents(
  db: Database,
  organizationId: string,
  query: ListAuditQuery,
): Promise<Page<AuditEventRecord> & { total: number; limit: number; offset: number }> {
  const filters: SQL[] = [eq(auditEvents.organizationId, organizationId)];
  if (query.actor) filters.push(eq(auditEvents.actor, query.actor));
  if (query.action) {
    filters.push(query.action.endsWith('.') ? like(auditEvents.action, `${escapeLike(query.action)}%`) : eq(auditEvents.action, query.action));
  }
  if (query.targetType) filters.push(eq(auditEvents.targetType, query.targetType));
  if (query.targetId) filters.push(eq(auditEvents.targetId, query.targetId));
  if (query.outcome) filters.push(eq(auditEvents.outcome, query.outcome));
  if (query.channel) filters.push(eq(auditEvents.channel, query.channel));
  if (query.from) filters.push(gte(auditEvents.at, new Date(query.from).toISOString()));
  if (query.to) filters.push(lt(auditEvents.at, new Date(query.to).toISOString()));
  const where = and(...filters);
  const after = newestFirstAfter(auditEvents.at, auditEvents.id, query.cursor, 'bigint');
  const [rows, [totals]] = await Promise.all([
    db
      .select()
      .from(auditEvents)
      .where(after ? and(where, after) : where)
      .orderBy(desc(auditEvents.at), desc(auditEvents.id))
      .limit(query.limit + 1)
      .offset(query.offset),
    db.select({ total: count() }).from(auditEvents).where(where),
  ]);
  const page = pageOf(rows, query.limit, (row) => [row.at, row.id]);
  return { ...page, total: totals?.total ?? 0, limit: query.limit, offset: query.offset };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
