import { settingsOf } from '../contracts/policy';
import { type IssueStatus, toErpIssueStatus } from '../contracts/issue';
import type { Database } from '../db/client';
import { getIssue } from '../db/issues';
import { getOrganization } from '../db/organizations';
import { getInvocation } from '../db/skills';
import { type Attempt, type DeliveryResult, sendAndRecord } from '../outbound/send';
import type { OutboundPolicy } from '../outbound/url-policy';
import { signedHeaders } from './signature';

export type { Attempt, DeliveryResult } from '../outbound/send';

/**
 * The events we send to an organization's `settings.erp.callbackUrl`, signed like the ERP's
 * webhooks to us. One attempt here (src/outbound/send.ts, shared with the notification
 * channels); who retries decides around it: Temporal, for the events a workflow sends
 * (activities/erp.ts), or a person, through POST /api/webhook-deliveries/:id/redeliver.
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

/** POSTs one signed event to the callback URL and records the attempt (src/outbound/send.ts). */
export async function deliverCallback(db: Database, input: StatusCallbackInput, attempt: Attempt, policy: OutboundPolicy): Promise<DeliveryResult> {
  const organization = await getOrganization(db, input.organizationId);
  const erp = settingsOf(organization?.settings).erp;
  if (!erp.callbackUrl) return { outcome: 'skipped' };
  const body = JSON.stringify(await eventBody(db, input, attempt.occurredAt ?? new Date().toISOString()));
  return sendAndRecord(
    db,
    { ...input, channel: 'erp' },
    {
      url: erp.callbackUrl,
      headers: { 'content-type': 'application/json', ...signedHeaders(erp.webhookSecret, input.deliveryId, input.event, body) },
      body,
      receiver: 'callback',
      setting: 'settings.erp.callbackUrl',
    },
    attempt,
    policy,
  );
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
