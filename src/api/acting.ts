import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ACTING_USER_HEADER, type ActionOrigin, type Person } from '../identity/acting';
import type { AccessService } from '../identity/service';
import type { AuthVariables } from './auth';

type ApiContext = Context<{ Variables: AuthVariables }>;

/**
 * Audits the route it guards: after the handler (or whatever refused the request before it),
 * appends who — the key, and the person once known —, the action, its target and the outcome
 * (`ok` below 400, `refused` for 4xx with the message the caller got, `failed` for 5xx).
 * Put it before `requireScope` so a refused scope is recorded too.
 */
export function auditRoute(access: AccessService, action: string, targetType: string, targetParam?: string) {
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    await next();
    const status = c.res.status;
    const outcome = status < 400 ? 'ok' : status < 500 ? 'refused' : 'failed';
    let reason: string | null = null;
    if (outcome !== 'ok') {
      const body = (await c.res.clone().json().catch(() => null)) as { error?: { message?: string } } | null;
      reason = body?.error?.message ?? `HTTP ${status}`;
    }
    const key = c.get('principal').key;
    await access.record({
      organizationId: c.get('organization').id,
      actor: c.get('actor') ?? key.reviewerUserId ?? null,
      actorRole: c.get('actorRole') ?? null,
      channel: 'api_key',
      channelRef: key.id,
      channelName: key.name,
      action,
      targetType,
      targetId: targetParam ? (c.req.param(targetParam) ?? null) : null,
      outcome,
      reason,
      details: c.get('auditDetails') ?? {},
      requestId: c.get('requestId'),
    });
  });
}

/** Where an action came from, carried into the workflow with it. */
export function originOf(c: ApiContext): ActionOrigin {
  const key = c.get('principal').key;
  return { channel: 'api_key', ref: key.id, name: key.name, requestId: c.get('requestId') };
}

/**
 * The person this request acts for (src/identity/acting.ts), or a 403. `claimed` is the
 * person the body names, if any. The audit records the claim even when it is refused.
 */
export async function actingPerson(c: ApiContext, access: AccessService, claimed?: string): Promise<Person> {
  const header = c.req.header(ACTING_USER_HEADER);
  c.set('actor', c.get('principal').key.reviewerUserId ?? (header?.trim() || claimed));
  const person = await access.resolvePerson(c.get('principal'), { header, body: claimed });
  c.set('actor', person.userId);
  c.set('actorRole', person.role);
  return person;
}

/** Whether the request names a person (a personal key, or X-Acting-User). */
export function namesPerson(c: ApiContext): boolean {
  return Boolean(c.get('principal').key.reviewerUserId || c.req.header(ACTING_USER_HEADER)?.trim());
}
