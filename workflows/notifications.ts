/**
 * Delivers one notice (a reminder, an escalation, an approval needed, a question asked) to
 * each of the organization's channels that takes it, durably and apart from the issue, as
 * callbacks.ts does for the ERP's status events: the issue starts it as a child with
 * ParentClosePolicy ABANDON and does not wait, so a dead channel never blocks or fails the
 * issue. Channels are sent to side by side, each with its own retries: one failing channel
 * does not hold up the other.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow.
 */
import { log, proxyActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '../activities';
import type { NotificationChannel } from '../src/contracts/notifications';

export interface NotificationDeliveryRequest {
  organizationId: string;
  issueId: string;
  notificationId: string;
  /** The channels that took the notice's kind when it was recorded. */
  channels: NotificationChannel[];
}

const { sendNotification } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

export async function notificationDeliveryWorkflow(request: NotificationDeliveryRequest): Promise<Record<string, 'delivered' | 'failed'>> {
  const outcomes = await Promise.all(
    request.channels.map(async (channel): Promise<[NotificationChannel, 'delivered' | 'failed']> => {
      try {
        await sendNotification({ organizationId: request.organizationId, notificationId: request.notificationId, channel });
        return [channel, 'delivered'];
      } catch (error) {
        // Recorded in the delivery log; nothing more a retry policy can do.
        log.warn('notification not delivered', { notificationId: request.notificationId, channel, error: String(error) });
        return [channel, 'failed'];
      }
    }),
  );
  return Object.fromEntries(outcomes);
}

/** The child's workflow id: one delivery per notice, whatever retries or replays the issue makes. */
export function notificationWorkflowId(notificationId: string): string {
  return `notification:${notificationId}`;
}

// Under Worker Versioning it follows the current build (shared/versioning.ts), as the status
// callback does: activity calls only, and a delivery retrying for an hour should not keep an
// old build alive.
