import { Hono } from 'hono';
import { notificationChannelsPatchSchema, type NotificationSettingsService } from '../../notifications/settings';
import type { AccessService } from '../../identity/service';
import { auditRoute } from '../acting';
import { type AuthVariables, requireScope } from '../auth';
import { validate } from '../validation';

/**
 * The organization's notification channels (admin): read them — secrets never included — and
 * change them (audited: which channels changed, never their values).
 */
export function notificationSettingsRoutes(settings: NotificationSettingsService, access: AccessService) {
  const admin = requireScope('admin');
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', admin, async (c) => c.json(await settings.get(c.get('organization').id)))
    .patch('/', auditRoute(access, 'settings.notifications', 'organization'), admin, validate('json', notificationChannelsPatchSchema), async (c) => {
      const { channels, changed } = await settings.patch(c.get('organization').id, c.req.valid('json'));
      c.set('auditDetails', { channels: changed });
      return c.json(channels);
    });
}
