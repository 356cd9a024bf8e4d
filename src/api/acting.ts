import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ACTING_USER_HEADER, type ActionOrigin, assertPersonMay, assertPersonMayAny, type Person } from '../identity/acting';
import { keyHasScope, type PersonAction } from '../identity/scopes';
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
    const who = auditSubject(c);
    const claimed = c.get('claimedActor');
    await access.record({
      ...who,
      action,
      targetType,
      targetId: targetParam ? (c.req.param(targetParam) ?? null) : null,
      outcome,
      reason,
      details: { ...(c.get('auditDetails') ?? {}), ...(claimed && claimed !== who.actor ? { claimedActor: claimed } : {}) },
    });
  });
}

/**
 * Who an audit entry of this request names: the organization, the key, the person once known
 * (else the key's own reviewer), and the request id. Shared by the API's routes and the console.
 */
export function auditSubject(c: ApiContext) {
  const key = c.get('principal').key;
  return {
    organizationId: c.get('organization').id,
    actor: c.get('actor') ?? key.reviewerUserId ?? null,
    actorRole: c.get('actorRole') ?? null,
    channel: 'api_key' as const,
    channelRef: key.id,
    channelName: key.name,
    requestId: c.get('requestId'),
  };
}

/** Where an action came from, carried into the workflow with it. */
export function originOf(c: ApiContext): ActionOrigin {
  const key = c.get('principal').key;
  return { channel: 'api_key', ref: key.id, name: key.name, requestId: c.get('requestId') };
}

/**
 * The person this request acts for (src/identity/acting.ts), or a 403. `claimed` is the
 * person the body names, if any. A refused claim is kept in the audit's details, not as actor.
 */
export async function actingPerson(c: ApiContext, access: AccessService, claimed?: string, may?: PersonAction | PersonAction[]): Promise<Person> {
  const header = c.req.header(ACTING_USER_HEADER);
  c.set('claimedActor', header?.trim() || claimed);
  const person = await access.resolvePerson(c.get('principal'), { header, body: claimed });
  c.set('actor', person.userId);
  c.set('actorRole', person.role);
  // The API's check of the role; the workflow checks again when the action arrives (for a
  // gate decision, against the gate that is actually open).
  if (may) assertPersonMayAny(c.get('organization'), person, Array.isArray(may) ? may : [may]);
  return person;
}

/** Whether the request names a person (a personal key, or X-Acting-User). */
export function namesPerson(c: ApiContext): boolean {
  return Boolean(c.get('principal').key.reviewerUserId || c.req.header(ACTING_USER_HEADER)?.trim());
}

/**
 * Who may cancel: a person whose role may (named as for any person's action); an admin key;
 * or, without a person, only the key that submitted the work (`submitScope` holders withdraw
 * their own requests, not anyone's). Returns the condition for the service to check.
 */
export async function cancelRule(c: ApiContext, access: AccessService, submitScope: 'issues:write' | 'skills:run'): Promise<{ onlyIfSubmittedBy?: string }> {
  const key = c.get('principal').key;
  if (namesPerson(c) || !keyHasScope(key.scopes, submitScope)) {
    assertPersonMay(c.get('organization'), await actingPerson(c, access), 'cancel');
    return {};
  }
  return keyHasScope(key.scopes, 'admin') ? {} : { onlyIfSubmittedBy: key.id };
}
