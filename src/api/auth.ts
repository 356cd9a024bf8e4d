import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Organization, Principal } from '../db/organizations';
import { type ApiKeyScope, keyHasScope } from '../identity/scopes';
import { addLogContext } from '../logger';
import { errorBody } from './errors';

export type Authenticate = (apiKey: string) => Promise<Principal | undefined>;

export interface AuthVariables {
  principal: Principal;
  organization: Organization;
  requestId: string;
  /** Set by a person's action once the person is known: what the audit records as the actor. */
  actor: string | undefined;
  /** The person a request named before it was checked (kept in the audit's details when refused). */
  claimedActor: string | undefined;
  actorRole: string | undefined;
  auditDetails: Record<string, unknown> | undefined;
}

/**
 * `Authorization: Bearer <api key>` → the key's principal (its organization, which scopes
 * everything the request can see, and its scopes). Unknown, revoked and missing keys are all
 * 401 with the same message.
 */
export function requireApiKey(authenticate: Authenticate) {
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const key = bearerKey(c.req.header('authorization'));
    const principal = key ? await authenticate(key) : undefined;
    if (!principal) return unauthorized(c);
    c.set('principal', principal);
    c.set('organization', principal.organization);
    addLogContext({ organizationId: principal.organization.id, actor: principal.key.id });
    await next();
    return undefined;
  });
}

/** The key in `Authorization: Bearer <key>`; undefined when the header is absent or malformed. */
export function bearerKey(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

/** The one 401 every unknown, revoked or missing key gets. */
export function unauthorized(c: Context) {
  c.header('WWW-Authenticate', 'Bearer');
  return c.json(errorBody(c, 'UNAUTHORIZED', 'A valid API key is required (Authorization: Bearer <key>).'), 401);
}

/** 403 unless the key has one of `scopes` (`admin` stands for every scope but `act-as`). */
export function requireScope(...scopes: ApiKeyScope[]) {
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const held = c.get('principal').key.scopes;
    if (!scopes.some((scope) => keyHasScope(held, scope))) {
      const wanted = scopes.length === 1 ? `the ${scopes[0]} scope` : `one of the scopes ${scopes.join(', ')}`;
      return c.json(errorBody(c, 'FORBIDDEN', `This key lacks ${wanted} (it has ${held.join(', ') || 'none'}).`), 403);
    }
    await next();
    return undefined;
  });
}
