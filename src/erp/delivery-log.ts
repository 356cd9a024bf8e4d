import { and, desc, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { isUuid } from '../contracts/ids';
import { caseInsensitiveEnum } from '../contracts/enums';
import { cursorSchema, pageOf } from '../contracts/pages';
import type { Database } from '../db/client';
import { newestFirstAfter } from '../db/keyset';
import { callbackDeliveries } from '../db/schema';
import { AppError } from '../errors';
import { toIso } from '../time';
import { deliverCallback, OUTBOUND_EVENTS, type OutboundEvent } from './callbacks';
import { shownUrl } from './urls';

/**
 * The organization's delivery log (GET /api/webhook-deliveries): every event we sent to its
 * callback URL, with its attempts and last answer; and redelivery of one (POST …/redeliver):
 * the same event under the same delivery id, one attempt now, recorded like the others.
 */

/**
 * Longer than a callback workflow retries (12 attempts, backoff to 5 minutes apart, 30 s each:
 * under 45 minutes): a delivery still pending after it has no workflow sending it any more.
 */
const RETRY_HORIZON_MS = 60 * 60 * 1000;

export const listDeliveriesQuerySchema = z.strictObject({
  status: caseInsensitiveEnum(['pending', 'delivered', 'failed']).optional(),
  event: caseInsensitiveEnum(OUTBOUND_EVENTS).optional(),
  issueId: z.uuid().optional(),
  invocationId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: cursorSchema.optional(),
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuerySchema>;

type DeliveryRecord = typeof callbackDeliveries.$inferSelect;

function deliveryView(row: DeliveryRecord) {
  return {
    id: row.id,
    deliveryId: row.deliveryId,
    event: row.event,
    issueId: row.issueId,
    invocationId: row.invocationId,
    url: shownUrl(row.url),
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    payload: row.payload,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

export function createDeliveryLogService(db: Database) {
  async function requireDelivery(organizationId: string, id: string): Promise<DeliveryRecord> {
    const [row] = isUuid(id) ? await db.select().from(callbackDeliveries).where(and(eq(callbackDeliveries.organizationId, organizationId), eq(callbackDeliveries.id, id))) : [];
    if (!row) throw new AppError('NOT_FOUND', `Webhook delivery ${id} not found`);
    return row;
  }

  return {
    async list(organizationId: string, query: ListDeliveriesQuery) {
      const filters: SQL[] = [eq(callbackDeliveries.organizationId, organizationId)];
      if (query.status) filters.push(eq(callbackDeliveries.status, query.status));
      if (query.event) filters.push(eq(callbackDeliveries.event, query.event));
      if (query.issueId) filters.push(eq(callbackDeliveries.issueId, query.issueId));
      if (query.invocationId) filters.push(eq(callbackDeliveries.invocationId, query.invocationId));
      const after = newestFirstAfter(callbackDeliveries.createdAt, callbackDeliveries.id, query.cursor, 'uuid');
      if (after) filters.push(after);
      const rows = await db
        .select()
        .from(callbackDeliveries)
        .where(and(...filters))
        .orderBy(desc(callbackDeliveries.createdAt), desc(callbackDeliveries.id))
        .limit(query.limit + 1);
      const page = pageOf(rows, query.limit, (row) => [row.createdAt, row.id]);
      return { ...page, items: page.items.map(deliveryView) };
    },

    /**
     * Sends the event again, now, once, to the callback URL as it is set today. A delivery its
     * workflow is still retrying (pending) is left to it (409).
     */
    async redeliver(organizationId: string, id: string): Promise<DeliveryView> {
      const row = await requireDelivery(organizationId, id);
      // Pending past every retry its workflow could make (its worker died on the last attempt,
      // or it was terminated): nobody else will send it, so it may be sent now.
      const abandoned = Date.now() - Date.parse(toIso(row.updatedAt)) > RETRY_HORIZON_MS;
      if (row.status === 'pending' && !abandoned) {
        throw new AppError('CONFLICT', 'this delivery is still being retried by its workflow; redeliver it once it has failed or been delivered (or after an hour without an attempt)');
      }
      const result = await deliverCallback(
        db,
        {
          organizationId,
          ...(row.issueId ? { issueId: row.issueId } : {}),
          ...(row.invocationId ? { invocationId: row.invocationId } : {}),
          deliveryId: row.deliveryId,
          event: row.event as OutboundEvent,
          payload: row.payload,
        },
        // The event as it happened: its time is its first attempt's, so a receiver can tell an
        // old status from a newer one.
        { number: row.attempts + 1, final: true, occurredAt: toIso(row.createdAt) },
      );
      if (result.outcome === 'skipped') throw new AppError('CONFLICT', 'the organization has no callback URL (settings.erp.callbackUrl): nothing to redeliver to');
      return deliveryView(await requireDelivery(organizationId, id));
    },
  };
}

export type DeliveryLogService = ReturnType<typeof createDeliveryLogService>;
