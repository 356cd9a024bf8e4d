import { Hono } from 'hono';
import type { InboxService } from '../../inbox/service';
import { keyHasScope } from '../../identity/scopes';
import { ACTING_USER_HEADER } from '../../identity/acting';
import { type AuthVariables, requireScope } from '../auth';

/**
 * GET /api/inbox: what waits for the person the key acts for (a personal key's reviewer, or
 * the X-Acting-User of an act-as key), limited to what their role may settle; a service key
 * sees every wait of its organization.
 */
export function inboxRoutes(inbox: InboxService) {
  return new Hono<{ Variables: AuthVariables }>().get('/', requireScope('review'), async (c) => {
    const key = c.get('principal').key;
    const person = key.reviewerUserId ?? (keyHasScope(key.scopes, 'act-as') ? (c.req.header(ACTING_USER_HEADER) ?? null) : null);
    return c.json(await inbox.inbox(c.get('organization'), person));
  });
}
