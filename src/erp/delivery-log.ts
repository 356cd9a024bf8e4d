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
import { NOTIFICATION_CHANNELS, NOTIFICATION_EVENTS, type NotificationChannel } from '../contracts/notifications';
import { deliverNotification } from '../notifications/deliver';
import { DELIVERY_CHANNELS, type DeliveryResult } from '../outbound/send';
import { type OutboundPolicy, STRICT_OUTBOUND } from '../outbound/url-policy';
import { deliverCallback, OUTBOUND_EVENTS, type OutboundEvent } from './callbacks';
import { shownUrl } from './urls';

/**
 * The organization's delivery log (GET /api/webhook-deliveries): every event we sent — status
 * events to its ERP callback URL, notices to its notification channels — with its attempts and
 * last answer; and redelivery of one (POST …/redeliver): the same event under the same delivery
 * id, one attempt now, recorded like the others.
 */

/**
 * Longer than a callback workflow retries (12 attempts, backoff to 5 minutes apart, 30 s each:
 * under 45 minutes): a delivery still pending after it has no workflow sending it any more.
 */
const RETRY_HORIZON_MS = 60 * 60 * 1000;

export const listDeliveriesQuerySchema = z.strictObject({
  status: caseInsensitiveEnum(['pending', 'delivered', 'failed']).optional(),
  event: caseInsensitiveEnum([...OUTBOUND_EVENTS, ...NOTIFICATION_EVENTS]).optional(),
  /** erp: status events to the callback URL; webhook, slack: notices to that channel. */
  channel: caseInsensitiveEnum(DELIVERY_CHANNELS).optional(),
  issueId: z.uuid().optional(),
  invocationId: z.uuid().optional(),
  /** One notice's deliveries (one per channel). */
  notificationId: z.uuid().optional(),
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
    channel: row.channel,
    issueId: row.issueId,
    invocationId: row.invocationId,
    notificationId: row.notificationId,
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

export function createDeliveryLogService(db: Database, deps: { publicBaseUrl: string; outbound?: OutboundPolicy }) {
  const policy = deps.outbound ?? STRICT_OUTBOUND;
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
      if (query.channel) filters.push(eq(callbackDeliveries.channel, query.channel));
      if (query.notificationId) filters.push(eq(callbackDeliveries.notificationId, query.notificationId));
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
     * Sends the event again, now, once, to the callback URL (or channel) as it is set today. A delivery its
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
      // The event as it happened: its time is its first attempt's, so a receiver can tell an
      // old status from a newer one.
      const attempt = { number: row.attempts + 1, final: true, occurredAt: toIso(row.createdAt) };
      let result: DeliveryResult;
      if (row.notificationId && (NOTIFICATION_CHANNELS as readonly string[]).includes(row.channel)) {
        const channel = row.channel as NotificationChannel;
        result = await deliverNotification(db, { organizationId, notificationId: row.notificationId, channel }, attempt, { publicBaseUrl: deps.publicBaseUrl, policy });
        if (result.outcome === 'skipped') throw new AppError('CONFLICT', `the ${channel} channel is not set (or no longer takes this kind of notice) in settings.notifications: nothing to redeliver to`);
      } else {
        result = await deliverCallback(
          db,
          {
            organizationId,
            ...(row.issueId ? { issueId: row.issueId } : {}),
            ...(row.invocationId ? { invocationId: row.invocationId } : {}),
            deliveryId: row.deliveryId,
            event: row.event as OutboundEvent,
            payload: row.payload,
          },
          attempt,
          policy,
        );
        if (result.outcome === 'skipped') throw new AppError('CONFLICT', 'the organization has no callback URL (settings.erp.callbackUrl): nothing to redeliver to');
      }
      return deliveryView(await requireDelivery(organizationId, id));
    },
  };
}

export type DeliveryLogService = ReturnType<typeof createDeliveryLogService>;
