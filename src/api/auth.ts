import { createMiddleware } from 'hono/factory';
import type { Organization } from '../db/organizations';
import { errorBody } from './errors';

export type Authenticate = (apiKey: string) => Promise<Organization | undefined>;

export interface AuthVariables {
  organization: Organization;
  requestId: string;
}

/**
 * `Authorization: Bearer <api key>` → the key's organization, which scopes everything the
 * request can see. Unknown, revoked and missing keys are all 401 with the same message.
 */
export function requireApiKey(authenticate: Authenticate) {
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const organization = match?.[1] ? await authenticate(match[1]) : undefined;
    if (!organization) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json(errorBody(c, 'UNAUTHORIZED', 'A valid API key is required (Authorization: Bearer <key>).'), 401);
    }
    c.set('organization', organization);
    await next();
    return undefined;
  });
}
