import { z } from 'zod';

/**
 * What people are told, and where (README "Notifications"): an issue's notices — a reminder,
 * an escalation, an approval needed, a question asked — go to the organization's channels, an
 * outbound webhook signed like the ERP's callbacks and a Slack-compatible incoming webhook,
 * each notice once per channel.
 */

export const NOTIFICATION_KINDS = ['reminder', 'escalation', 'approval_needed', 'question_asked'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_CHANNELS = ['webhook', 'slack'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** The event name a notice is sent (and logged) under: `notification.reminder`, … */
export const notificationEvent = (kind: NotificationKind) => `notification.${kind}` as const;
export const NOTIFICATION_EVENTS = NOTIFICATION_KINDS.map(notificationEvent);

/**
 * A URL of the right shape; whether it may be sent to (https, a public address) is the
 * outbound policy's to say when it is set (settingsProblems) and when it is used.
 */
const channelUrl = z
  .string()
  .max(2000)
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL');

/** Kinds a channel takes; absent: all four. */
const kinds = z.array(z.enum(NOTIFICATION_KINDS)).min(1).max(NOTIFICATION_KINDS.length).optional();

export const notificationSettingsSchema = z.object({
  /** Our signed POST (X-Signature, as the ERP's callbacks) of every notice, as JSON. */
  webhook: z
    .object({
      url: channelUrl,
      /** HMAC-SHA256 key of X-Signature. Never shown again once set. */
      secret: z.string().min(16).max(500),
      kinds,
    })
    .optional(),
  /** A Slack (or compatible) incoming webhook: the URL is its secret, and never shown again once set. */
  slack: z
    .object({
      webhookUrl: channelUrl,
      kinds,
    })
    .optional(),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** The channels that take `kind`, as configured. */
export function channelsFor(settings: NotificationSettings, kind: NotificationKind): NotificationChannel[] {
  const takes = (channel: { kinds?: NotificationKind[] | undefined } | undefined) => channel !== undefined && (channel.kinds ?? NOTIFICATION_KINDS).includes(kind);
  return NOTIFICATION_CHANNELS.filter((name) => takes(settings[name]));
}

/** The URL a channel is sent to. */
export function channelUrlOf(settings: NotificationSettings, channel: NotificationChannel): string | undefined {
  return channel === 'webhook' ? settings.webhook?.url : settings.slack?.webhookUrl;
}
