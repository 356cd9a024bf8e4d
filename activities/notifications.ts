import type { Database } from '../src/db/client';
import { deliverNotification, type NotificationDeliveryInput } from '../src/notifications/deliver';
import { type OutboundPolicy, STRICT_OUTBOUND } from '../src/outbound/url-policy';
import { deliveredOrThrow, workflowAttempt } from './erp';

export type { NotificationDeliveryInput } from '../src/notifications/deliver';

/**
 * Sends one notice to one of the organization's channels (src/notifications/deliver.ts), as
 * sendStatusCallback sends an ERP event: 5xx, 408, 429 and network errors are retried by
 * Temporal, other answers are final, every attempt is in the delivery log, and a notice the
 * log shows delivered to the channel is not sent again.
 */
export function createNotificationActivities(deps: { db: Database; publicBaseUrl: string; outbound?: OutboundPolicy }) {
  const { db, publicBaseUrl } = deps;
  const policy = deps.outbound ?? STRICT_OUTBOUND;
  return {
    async sendNotification(input: NotificationDeliveryInput): Promise<{ statusCode: number }> {
      return deliveredOrThrow(await deliverNotification(db, input, workflowAttempt(), { publicBaseUrl, policy }), input.channel === 'slack' ? 'Slack' : 'notification');
    },
  };
}
