import { type NotificationChannel, type NotificationKind, NOTIFICATION_KINDS, channelsFor, notificationEvent } from '../contracts/notifications';
import { settingsOf } from '../contracts/policy';
import type { Database } from '../db/client';
import { getIssue } from '../db/issues';
import { getOrganization } from '../db/organizations';
import { getNotification } from '../db/people';
import { signedHeaders } from '../erp/signature';
import { issueTrackingUrl } from '../issues/view';
import { type Attempt, type DeliveryResult, sendAndRecord } from '../outbound/send';
import type { OutboundPolicy } from '../outbound/url-policy';
import { toIso } from '../time';
import { type Notice, type NoticeDetails, slackMessage, webhookBody } from './messages';

/**
 * One notice to one of the organization's channels, one attempt, through the same sender and
 * delivery log as the ERP's status callbacks (src/outbound/send.ts). The delivery id is the
 * notice's id and the channel: the same on every retry and redelivery, so the log keeps one
 * row per notice and channel, a workflow's retry never sends what the log shows delivered,
 * and a receiver can deduplicate on X-Delivery-Id (or on X-Event-Id, the notice, across channels).
 */

export interface NotificationDeliveryInput {
  organizationId: string;
  notificationId: string;
  channel: NotificationChannel;
}

export const EVENT_ID_HEADER = 'x-event-id';

export function notificationDeliveryId(notificationId: string, channel: NotificationChannel): string {
  return `notification:${notificationId}:${channel}`;
}

/** The organization's channels that take `kind` now (what the issue workflow hands a delivery). */
export async function channelsTaking(db: Database, organizationId: string, kind: NotificationKind): Promise<NotificationChannel[]> {
  const organization = await getOrganization(db, organizationId);
  return channelsFor(settingsOf(organization?.settings).notifications, kind);
}

export async function deliverNotification(
  db: Database,
  input: NotificationDeliveryInput,
  attempt: Attempt,
  deps: { publicBaseUrl: string; policy: OutboundPolicy },
): Promise<DeliveryResult> {
  const row = await getNotification(db, input.organizationId, input.notificationId);
  if (!row || !(NOTIFICATION_KINDS as readonly string[]).includes(row.kind)) return { outcome: 'skipped' };
  const kind = row.kind as NotificationKind;
  const organization = await getOrganization(db, input.organizationId);
  const settings = settingsOf(organization?.settings).notifications;
  // The channel as set now: removed since, or no longer taking this kind, it gets nothing.
  if (!channelsFor(settings, kind).includes(input.channel)) return { outcome: 'skipped' };
  const issue = await getIssue(db, input.organizationId, row.issueId);
  const notice: Notice = {
    id: row.id,
    organizationId: row.organizationId,
    kind,
    message: row.message,
    recipients: row.recipients,
    details: row.details as NoticeDetails,
    createdAt: toIso(row.createdAt),
    issue: {
      id: row.issueId,
      externalId: issue?.externalId ?? null,
      source: issue?.source ?? null,
      title: issue?.title ?? '(issue not found)',
      priority: issue?.priority ?? null,
      status: issue?.status ?? null,
      trackingUrl: issueTrackingUrl(deps.publicBaseUrl, row.issueId),
    },
  };
  const deliveryId = notificationDeliveryId(row.id, input.channel);
  const event = notificationEvent(kind);
  const entry = {
    organizationId: input.organizationId,
    channel: input.channel,
    issueId: row.issueId,
    notificationId: row.id,
    deliveryId,
    event,
    payload: { kind, message: row.message, ...row.details },
  };
  if (input.channel === 'webhook' && settings.webhook) {
    const body = JSON.stringify(webhookBody(notice, deliveryId));
    const headers = { 'content-type': 'application/json', [EVENT_ID_HEADER]: row.id, ...signedHeaders(settings.webhook.secret, deliveryId, event, body) };
    return sendAndRecord(db, entry, { url: settings.webhook.url, headers, body, receiver: 'webhook', setting: 'settings.notifications.webhook.url' }, attempt, deps.policy);
  }
  if (input.channel === 'slack' && settings.slack) {
    const body = JSON.stringify(slackMessage(notice));
    return sendAndRecord(
      db,
      entry,
      { url: settings.slack.webhookUrl, headers: { 'content-type': 'application/json' }, body, receiver: 'Slack', setting: 'settings.notifications.slack.webhookUrl' },
      attempt,
      deps.policy,
    );
  }
  return { outcome: 'skipped' };
}
