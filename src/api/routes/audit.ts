import { Hono } from 'hono';
import { listAuditQuerySchema } from '../../contracts/audit';
import type { AccessService } from '../../identity/service';
import { type AuthVariables, requireScope } from '../auth';
import { validate } from '../validation';

/** GET /api/audit (admin): the organization's audit trail, newest first. */
export function auditRoutes(access: AccessService) {
  return new Hono<{ Variables: AuthVariables }>().get('/', requireScope('admin'), validate('query', listAuditQuerySchema), async (c) => {
    const page = await access.listAudit(c.get('organization').id, c.req.valid('query'));
    return c.json({
      ...page,
      items: page.items.map(({ organizationId: _organization, ...event }) => ({ ...event, at: new Date(event.at).toISOString() })),
    });
  });
}
