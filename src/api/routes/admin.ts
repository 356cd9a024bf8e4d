import { type Context, Hono } from 'hono';
import { type ControlsChange, controlsChangeSchema } from '../../contracts/controls';
import type { ControlsService } from '../../controls/service';
import type { AccessService } from '../../identity/service';
import { auditRoute } from '../acting';
import { type AuthVariables, requireScope } from '../auth';
import { validate } from '../validation';

/**
 * The organization's kill switch and stage flags (admin): what holds its issues now, and
 * pause / resume — everything, or only some stages (`{ "stages": ["code"] }`). Both audited.
 * The installation-wide switch is the operator's (`npm run admin -- pause`), shown here too.
 */
export function adminRoutes(controls: ControlsService, access: AccessService) {
  const admin = requireScope('admin');
  const change = async (c: Context<{ Variables: AuthVariables }>, action: 'pause' | 'resume', body: ControlsChange) => {
    const organizationId = c.get('organization').id;
    const key = c.get('principal').key;
    c.set('auditDetails', { ...(body.stages ? { stages: body.stages } : {}), ...(body.reason ? { reason: body.reason } : {}) });
    const { broadcast } = await controls.change(organizationId, action, body, key.reviewerUserId ?? `key ${key.name}`);
    return c.json({ ...(await controls.state(organizationId)), broadcastWorkflowId: broadcast });
  };
  return new Hono<{ Variables: AuthVariables }>()
    .get('/state', admin, async (c) => c.json(await controls.state(c.get('organization').id)))
    .post('/pause', auditRoute(access, 'agents.pause', 'agent_controls'), admin, validate('json', controlsChangeSchema), (c) => change(c, 'pause', c.req.valid('json')))
    .post('/resume', auditRoute(access, 'agents.resume', 'agent_controls'), admin, validate('json', controlsChangeSchema), (c) => change(c, 'resume', c.req.valid('json')));
}
