import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { createIssueRequestSchema, issuePrioritySchema, issueSourceSchema } from '../contracts/issue';
import { settingsOf } from '../contracts/policy';
import type { Database } from '../db/client';
import { appendLog } from '../db/logs';
import { getOrganization, type Organization } from '../db/organizations';
import { issues, webhookDeliveries } from '../db/schema';
import { AppError } from '../errors';
import { audited } from '../identity/audit';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../erp/signature';
import { contextUpdatedSignal } from '../../workflows/definitions';
import type { IssueService } from './service';
import type { WorkflowRuns } from '../temporal/runs';

/**
 * POST /api/webhooks/erp: events the ERP pushes, signed with the organization's secret.
 * issue.created submits; issue.updated merges the new context and tells the running
 * workflow; issue.comment answers the pending question it references. Each delivery id
 * is processed once.
 */

const issueRef = z.object({ externalId: z.string().min(1).max(200), source: issueSourceSchema.default('erp') });

export const erpWebhookSchema = z.discriminatedUnion('event', [
  // From the ERP, so `source` defaults to erp (the updates and comments that follow look it up that way).
  z.object({ event: z.literal('issue.created'), data: createIssueRequestSchema.extend({ source: issueSourceSchema.default('erp') }) }),
  z.object({
    event: z.literal('issue.updated'),
    data: issueRef.extend({
      description: z.string().max(50_000).optional(),
      priority: issuePrioritySchema.optional(),
      context: z.record(z.string(), z.unknown()).optional(),
      updatedBy: z.string().max(200).default('erp'),
    }),
  }),
  z.object({
    event: z.literal('issue.comment'),
    data: issueRef.extend({ body: z.string().min(1).max(20_000), author: z.string().min(1).max(200), questionId: z.string().max(100).optional() }),
  }),
]);
export type ErpWebhook = z.infer<typeof erpWebhookSchema>;

export interface ErpWebhookHeaders {
  organizationId: string | undefined;
  signature: string | undefined;
  timestamp: string | undefined;
  deliveryId: string | undefined;
}

export const ERP_WEBHOOK_HEADERS = { organization: 'x-organization-id', signature: SIGNATURE_HEADER, timestamp: TIMESTAMP_HEADER, delivery: DELIVERY_HEADER };

export function createErpWebhookHandler(deps: { db: Database; runs: WorkflowRuns; issues: IssueService }) {
  const { db } = deps;

  /** Refuses anything not signed by the organization's secret, with one message for all causes. */
  async function authenticate(headers: ErpWebhookHeaders, rawBody: string): Promise<Organization> {
    const organization = headers.organizationId ? await getOrganization(db, headers.organizationId) : undefined;
    const secret = organization ? settingsOf(organization.settings).erp.webhookSecret : undefined;
    const result = secret ? verify({ secret, body: rawBody, signature: headers.signature, timestamp: headers.timestamp, deliveryId: headers.deliveryId }) : { ok: false as const, reason: 'unknown organization or no secret' };
    if (!result.ok || !organization) throw new AppError('UNAUTHORIZED', 'invalid webhook signature');
    return organization;
  }

  async function findIssue(organizationId: string, ref: z.infer<typeof issueRef>) {
    const [row] = await db
      .select()
      .from(issues)
      .where(and(eq(issues.organizationId, organizationId), eq(issues.source, ref.source), eq(issues.externalId, ref.externalId)));
    if (!row) throw new AppError('NOT_FOUND', `no issue ${ref.source}/${ref.externalId}`);
    return row;
  }

  return async function handle(headers: ErpWebhookHeaders, rawBody: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const organization = await authenticate(headers, rawBody);
    if (!headers.deliveryId || headers.deliveryId.length > 200) throw new AppError('BAD_REQUEST', `${DELIVERY_HEADER} is required`);
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      throw new AppError('BAD_REQUEST', 'body is not JSON');
    }
    const parsed = erpWebhookSchema.safeParse(json);
    if (!parsed.success) {
      throw new AppError('BAD_REQUEST', 'invalid webhook payload', {
        details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    }
    const claimed = await db
      .insert(webhookDeliveries)
      .values({ organizationId: organization.id, source: 'erp', deliveryId: headers.deliveryId, event: parsed.data.event })
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    if (claimed.length === 0) return { status: 200, body: { duplicate: true, deliveryId: headers.deliveryId } };

    const claimId = (claimed[0] as { id: string }).id;
    let outcome: Record<string, unknown>;
    try {
      outcome = await process(organization, headers.deliveryId, parsed.data);
    } catch (error) {
      // Not processed: give the delivery id back, so the ERP's retry is handled, not ignored.
      await db.delete(webhookDeliveries).where(eq(webhookDeliveries.id, claimId));
      throw error;
    }
    await db.update(webhookDeliveries).set({ outcome }).where(eq(webhookDeliveries.id, claimId));
    return { status: 202, body: { deliveryId: headers.deliveryId, ...outcome } };
  };

  async function process(organization: Organization, deliveryId: string, webhook: ErpWebhook): Promise<Record<string, unknown>> {
    switch (webhook.event) {
      case 'issue.created': {
        const { issue, created } = await deps.issues.submit(organization, webhook.data);
        return { issueId: issue.id, workflowId: issue.workflowId, created };
      }
      case 'issue.updated': {
        const row = await findIssue(organization.id, webhook.data);
        const fields = Object.keys(webhook.data).filter((key) => ['description', 'priority', 'context'].includes(key));
        await db
          .update(issues)
          .set({
            ...(webhook.data.description !== undefined ? { description: webhook.data.description } : {}),
            ...(webhook.data.priority ? { priority: webhook.data.priority } : {}),
            ...(webhook.data.context ? { context: sql`${issues.context} || ${JSON.stringify(webhook.data.context)}::jsonb` } : {}),
            updatedAt: sql`now()`,
          })
          .where(eq(issues.id, row.id));
        await appendLog(db, { organizationId: organization.id, issueId: row.id, level: 'INFO', message: `updated by the ERP (${fields.join(', ') || 'no fields'})` });
        // Ended: the update is stored anyway.
        // A running agent gets what changed as a message at its next turn (README "Steering a running agent").
        const signalled = (await deps.runs.signal(row.workflowId, contextUpdatedSignal, { updatedBy: webhook.data.updatedBy, fields, changes: describeErpUpdate(webhook.data) })) === 'sent';
        return { issueId: row.id, updated: fields, signalled };
      }
      case 'issue.comment': {
        const row = await findIssue(organization.id, webhook.data);
        await appendLog(db, { organizationId: organization.id, issueId: row.id, level: 'INFO', message: `ERP comment by ${webhook.data.author}: ${webhook.data.body.slice(0, 500)}` });
        if (!webhook.data.questionId) return { issueId: row.id, answered: false };
        // A comment that references the pending question answers it (same validation as the API).
        // The ERP signed it, so it speaks for its user (like an act-as key); the workflow still
        // checks that the author is a reviewer whose role may answer.
        const questionId = webhook.data.questionId;
        const audit = {
          organizationId: organization.id,
          actor: webhook.data.author,
          channel: 'erp_webhook' as const,
          channelRef: deliveryId,
          action: 'issue.answer',
          targetType: 'issue',
          targetId: row.id,
          details: { questionId },
        };
        const view = await audited(db, audit, () =>
          deps.issues.answer(organization.id, row.id, {
            questionId,
            answer: webhook.data.body,
            answeredBy: webhook.data.author,
            origin: { channel: 'erp_webhook', ref: deliveryId },
          }),
        );
        return { issueId: row.id, answered: true, status: view.status };
      }
    }
  }
}

/** What an ERP update changed, worded for the agent (capped like any message to it). */
export function describeErpUpdate(update: { description?: string | undefined; priority?: string | undefined; context?: Record<string, unknown> | undefined }): string {
  const parts: string[] = ['The issue was updated in the ERP.'];
  if (update.priority) parts.push(`Priority is now ${update.priority}.`);
  if (update.description !== undefined) parts.push(`The description now reads:\n${update.description}`);
  if (update.context) parts.push(`Context changed: ${JSON.stringify(update.context)}`);
  const text = parts.join('\n\n');
  return text.length > 4_000 ? `${text.slice(0, 3_990)}… (cut)` : text;
}
