import { Hono } from 'hono';
import { z } from 'zod';
import { listDeliveriesQuerySchema, type DeliveryLogService } from '../../erp/delivery-log';
import type { AccessService } from '../../identity/service';
import { auditRoute } from '../acting';
import { type AuthVariables, requireScope } from '../auth';
import { validate } from '../validation';

const idParam = z.object({ id: z.string().min(1).max(100) });

/** The organization's outbound event log (admin), and redelivery of one event (audited). */
export function webhookDeliveryRoutes(deliveries: DeliveryLogService, access: AccessService) {
  const admin = requireScope('admin');
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', admin, validate('query', listDeliveriesQuerySchema), async (c) => c.json(await deliveries.list(c.get('organization').id, c.req.valid('query'))))
    .post('/:id/redeliver', auditRoute(access, 'webhook.redeliver', 'webhook_delivery', 'id'), admin, validate('param', idParam), async (c) =>
      c.json(await deliveries.redeliver(c.get('organization').id, c.req.valid('param').id)),
    );
}
