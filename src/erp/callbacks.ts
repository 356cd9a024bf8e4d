import { sql } from 'drizzle-orm';
import { organizationSettingsSchema } from '../contracts/policy';
import { type IssueStatus, toErpIssueStatus } from '../contracts/issue';
import type { Database } from '../db/client';
import { getIssue } from '../db/issues';
import { getOrganization } from '../db/organizations';
import { callbackDeliveries } from '../db/schema';
import { getInvocation } from '../db/skills';
import { errorMessage } from '../errors';
import { retryAfterMs } from '../llm/anthropic';
import { DELIVERY_HEADER, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature';
import { redactUrls } from './urls';

/**
 * The events we send to an organization's `settings.erp.callbackUrl`, signed like the ERP's
 * webhooks to us. One attempt here; who retries decides around it: Temporal, for the events a
 * workflow sends (activities/erp.ts), or a person, through POST /api/webhook-deliveries/:id/redeliver.
 * Every attempt is recorded in callback_deliveries, the organization's delivery log.
 */

export const OUTBOUND_EVENTS = ['issue.status_changed', 'issue.pull_request_opened', 'invocation.finished'] as const;
export type OutboundEvent = (typeof OUTBOUND_EVENTS)[number];

export interface StatusCallbackInput {
  organizationId: string;
  /** What the event is about: an issue's events name it… */
  issueId?: string;
  /** …and invocation.finished its skill run. */
  invocationId?: string;
  /** Stable across retries (and redeliveries), so the receiver can deduplicate. */
  deliveryId: string;
  event: OutboundEvent;
  payload: Record<string, unknown>;
}

export interface Attempt {
  /** 1-based, across retries and redeliveries: recorded. */
  number: number;
  /** When the event happened, for a redelivery (its first attempt's time); now otherwise. */
  occurredAt?: string;
  /** The last there will be: a retryable failure is recorded failed, not pending. */
  final: boolean;
  signal?: AbortSignal;
}

export type DeliveryResult =
  | { outcome: 'delivered'; statusCode: number }
  /** No callback URL (any more): nothing sent, nothing recorded. */
  | { outcome: 'skipped' }
  | { outcome: 'failed'; retryable: boolean; statusCode: number | null; message: string; retryAfterMs?: number | undefined };

const TIMEOUT_MS = 10_000;

/** POSTs one signed event and records the attempt. 5xx, 408, 429 and network errors are retryable. */
export async function deliverCallback(db: Database, input: StatusCallbackInput, attempt: Attempt): Promise<DeliveryResult> {
  const organization = await getOrganization(db, input.organizationId);
  const erp = organizationSettingsSchema.parse(organization?.settings ?? {}).erp;
  if (!erp.callbackUrl) return { outcome: 'skipped' };
  const url = erp.callbackUrl;
  const body = JSON.stringify(await eventBody(db, input, attempt.occurredAt ?? new Date().toISOString()));
  const record = (status: 'pending' | 'delivered' | 'failed', statusCode: number | null, error: string | null) =>
    db
      .insert(callbackDeliveries)
      .values({
        organizationId: input.organizationId,
        issueId: input.issueId ?? null,
        invocationId: input.invocationId ?? null,
        deliveryId: input.deliveryId,
        event: input.event,
        url,
        status,
        attempts: attempt.number,
        lastStatusCode: statusCode,
        lastError: error,
        payload: input.payload,
      })
      .onConflictDoUpdate({
        target: callbackDeliveries.deliveryId,
        set: { status, url, attempts: attempt.number, lastStatusCode: statusCode, lastError: error, updatedAt: sql`now()` },
      });

  const timestamp = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [DELIVERY_HEADER]: input.deliveryId,
        [TIMESTAMP_HEADER]: String(timestamp),
        'x-event': input.event,
        ...(erp.webhookSecret ? { [SIGNATURE_HEADER]: sign(erp.webhookSecret, timestamp, input.deliveryId, body) } : {}),
      },
      body,
      signal: attempt.signal ? AbortSignal.any([attempt.signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS),
      // A redirect is an answer, not a new address to send the signed event to.
      redirect: 'manual',
    });
    await response.body?.cancel();
  } catch (error) {
    // A fetch error quotes the URL it failed on, credentials and token included: never stored as is.
    const message = `callback failed: ${redactUrls(errorMessage(error))}`;
    await record(attempt.final ? 'failed' : 'pending', null, message);
    return { outcome: 'failed', retryable: true, statusCode: null, message };
  }
  if (response.ok) {
    await record('delivered', response.status, null);
    return { outcome: 'delivered', statusCode: response.status };
  }
  const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
  const message = `callback answered ${response.status}${response.status >= 300 && response.status < 400 ? ' (a redirect: not followed; set settings.erp.callbackUrl to the final address)' : ''}`;
  await record(retryable && !attempt.final ? 'pending' : 'failed', response.status, message);
  return { outcome: 'failed', retryable, statusCode: response.status, message, retryAfterMs: retryAfterMs(response.headers) };
}

/** The body the receiver gets: in the ERP's names (its issue id is our externalId, its statuses upper-case). */
async function eventBody(db: Database, input: StatusCallbackInput, occurredAt: string): Promise<Record<string, unknown>> {
  const common = { event: input.event, deliveryId: input.deliveryId, organizationId: input.organizationId, occurredAt };
  if (input.invocationId) {
    const run = await getInvocation(db, input.organizationId, input.invocationId);
    return {
      ...input.payload,
      ...common,
      id: input.invocationId,
      skill: run?.skillSlug,
      version: run?.skillVersion ?? null,
      persona: run?.personaSlug,
      triggeredBy: run?.triggeredBy,
      entityType: run?.entityType ?? null,
      entityId: run?.entityId ?? null,
    };
  }
  const issue = input.issueId ? await getIssue(db, input.organizationId, input.issueId) : undefined;
  const internal = String(input.payload['status'] ?? issue?.status ?? 'processing') as IssueStatus;
  return {
    ...input.payload,
    ...common,
    id: input.issueId,
    externalId: issue?.externalId,
    source: issue?.source,
    status: toErpIssueStatus(internal),
    internalStatus: internal,
    pullRequestUrl: issue?.pullRequestUrl ?? input.payload['pullRequestUrl'] ?? undefined,
  };
}
