import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { caseInsensitiveEnum } from '../contracts/enums';
import { NOTIFICATION_KINDS, type NotificationSettings } from '../contracts/notifications';
import { organizationSettingsSchema } from '../contracts/policy';
import { mergeSettings, settingsProblems } from '../contracts/settings-edit';
import type { Database } from '../db/client';
import { getOrganization } from '../db/organizations';
import { organizations } from '../db/schema';
import { shownUrl } from '../erp/urls';
import { AppError } from '../errors';
import type { OutboundPolicy } from '../outbound/url-policy';

/**
 * An organization's notification channels over the API (GET / PATCH /api/admin/notifications,
 * admin): the same `settings.notifications` that `npm run admin -- settings:patch` edits, with
 * the same checks (settingsProblems: the schema, https, public addresses). Secrets go in and
 * never come out: the webhook's signing secret shows as `secretSet`, and URLs (a Slack
 * incoming webhook's URL is its secret) without their query string or token-like segments.
 */

const kinds = z.array(caseInsensitiveEnum(NOTIFICATION_KINDS)).min(1).max(NOTIFICATION_KINDS.length);

/** A change: a channel given is merged key by key into the one set (the secret may be left out to keep it); `null` removes. */
export const notificationChannelsPatchSchema = z.strictObject({
  webhook: z
    .strictObject({
      url: z.string().min(1).max(2000).optional().describe('https URL our signed POST goes to'),
      secret: z.string().min(16).max(500).optional().describe('HMAC-SHA256 key of X-Signature (at least 16 characters); write-only'),
      kinds: kinds.nullable().optional().describe('Kinds this channel takes; null or absent: all four'),
    })
    .nullable()
    .optional(),
  slack: z
    .strictObject({
      webhookUrl: z.string().min(1).max(2000).optional().describe('A Slack (or compatible) incoming webhook URL; write-only'),
      kinds: kinds.nullable().optional().describe('Kinds this channel takes; null or absent: all four'),
    })
    .nullable()
    .optional(),
});
export type NotificationChannelsPatch = z.infer<typeof notificationChannelsPatchSchema>;

export function channelsView(settings: NotificationSettings) {
  return {
    webhook: settings.webhook ? { url: shownUrl(settings.webhook.url), secretSet: true, kinds: settings.webhook.kinds ?? [...NOTIFICATION_KINDS] } : null,
    slack: settings.slack ? { webhookUrl: shownUrl(settings.slack.webhookUrl), kinds: settings.slack.kinds ?? [...NOTIFICATION_KINDS] } : null,
  };
}
export type NotificationChannelsView = ReturnType<typeof channelsView>;

export function createNotificationSettingsService(db: Database, deps: { outbound: OutboundPolicy }) {
  async function stored(organizationId: string): Promise<Record<string, unknown>> {
    const organization = await getOrganization(db, organizationId);
    if (!organization) throw new AppError('NOT_FOUND', `organization ${organizationId} not found`);
    return (organization.settings ?? {}) as Record<string, unknown>;
  }

  return {
    async get(organizationId: string): Promise<NotificationChannelsView> {
      return channelsView(organizationSettingsSchema.parse(await stored(organizationId)).notifications);
    },

    /** Merges `patch` into the channels, checks the result as the CLI does, and saves it. Answers the channels and what changed. */
    async patch(organizationId: string, patch: NotificationChannelsPatch): Promise<{ channels: NotificationChannelsView; changed: string[] }> {
      const before = await stored(organizationId);
      const after = mergeSettings(before, { notifications: patch as Record<string, unknown> });
      // Only the notifications' own problems: settings stored before a rule existed are not this request's to fix.
      const problems = settingsProblems(after, deps.outbound).filter((problem) => problem.startsWith('notifications'));
      if (problems.length > 0) {
        const details = problems.map((problem) => {
          const at = problem.indexOf(': ');
          return { path: problem.slice(0, at).replace(/^notifications\./, ''), message: problem.slice(at + 2) };
        });
        throw new AppError('VALIDATION_FAILED', `the notification channels are not valid (nothing saved): ${problems.join('; ')}`, { details });
      }
      const changed = Object.entries(patch)
        .filter(([, value]) => value !== undefined)
        .map(([channel]) => channel);
      await db.update(organizations).set({ settings: after }).where(eq(organizations.id, organizationId));
      return { channels: channelsView(organizationSettingsSchema.parse(after).notifications), changed };
    },
  };
}

export type NotificationSettingsService = ReturnType<typeof createNotificationSettingsService>;
