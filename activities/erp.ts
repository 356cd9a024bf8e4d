import { sql } from 'drizzle-orm';
import { organizationSettingsSchema } from '../src/contracts/policy';
import type { Database } from '../src/db/client';
import { getIssue } from '../src/db/issues';
import { getOrganization } from '../src/db/organizations';
import { type IssueStatus, toErpIssueStatus } from '../src/contracts/issue';
import { callbackDeliveries } from '../src/db/schema';
import { AppError, errorMessage } from '../src/errors';
import { DELIVERY_HEADER, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../src/erp/signature';
import { retryAfterMs } from '../src/llm/anthropic';
import { currentActivity } from './context';
import { toActivityFailure } from './failures';

/** A status event for the ERP (its vocabulary: PENDING … CANCELLED). */
export interface StatusCallbackInput {
  organizationId: string;
  issueId: string;
  /** Stable across retries, so the ERP can deduplicate: `{issueId}:{runId}:{sequence}`. */
  deliveryId: string;
  event: 'issue.status_changed' | 'issue.pull_request_opened';
  payload: Record<string, unknown>;
}

const TIMEOUT_MS = 10_000;

/**
 * POSTs one signed status event to the organization's callback URL. 5xx, 408, 429 and
 * network errors are retried by Temporal (after Retry-After when given); other 4xx mean the
 * ERP refuses it, and retrying would not help. Every attempt is recorded.
 */
export function createErpActivities(deps: { db: Database }) {
  const { db } = deps;
  return {
    async sendStatusCallback(input: StatusCallbackInput): Promise<{ statusCode: number }> {
      const runtime = currentActivity();
      const organization = await getOrganization(db, input.organizationId);
      const erp = organizationSettingsSchema.parse(organization?.settings ?? {}).erp;
      if (!erp.callbackUrl) return { statusCode: 0 }; // callbacks were switched off since
      const issue = await getIssue(db, input.organizationId, input.issueId);
      const internal = String(input.payload['status'] ?? issue?.status ?? 'processing') as IssueStatus;
      // The ERP's names: its issue id is our externalId, its statuses are upper-case.
      const body = JSON.stringify({
        ...input.payload,
        event: input.event,
        deliveryId: input.deliveryId,
        id: input.issueId,
        externalId: issue?.externalId,
        source: issue?.source,
        organizationId: input.organizationId,
        status: toErpIssueStatus(internal),
        internalStatus: internal,
        pullRequestUrl: issue?.pullRequestUrl ?? input.payload['pullRequestUrl'] ?? undefined,
        occurredAt: new Date().toISOString(),
      });
      const record = async (status: 'pending' | 'delivered' | 'failed', statusCode: number | null, error: string | null) =>
        db
          .insert(callbackDeliveries)
          .values({
            organizationId: input.organizationId,
            issueId: input.issueId,
            deliveryId: input.deliveryId,
            event: input.event,
            url: erp.callbackUrl as string,
            status,
            attempts: runtime.attempt,
            lastStatusCode: statusCode,
            lastError: error,
            payload: input.payload,
          })
          .onConflictDoUpdate({
            target: callbackDeliveries.deliveryId,
            set: { status, attempts: runtime.attempt, lastStatusCode: statusCode, lastError: error, updatedAt: sql`now()` },
          });

      const timestamp = Math.floor(Date.now() / 1000);
      let response: Response;
      try {
        response = await fetch(erp.callbackUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [DELIVERY_HEADER]: input.deliveryId,
            [TIMESTAMP_HEADER]: String(timestamp),
            'x-event': input.event,
            ...(erp.webhookSecret ? { [SIGNATURE_HEADER]: sign(erp.webhookSecret, timestamp, input.deliveryId, body) } : {}),
          },
          body,
          signal: AbortSignal.any([runtime.signal, AbortSignal.timeout(TIMEOUT_MS)]),
          // A redirect is an answer, not a new address to send the signed event to.
          redirect: 'manual',
        });
        await response.body?.cancel();
      } catch (error) {
        await record('pending', null, errorMessage(error));
        throw toActivityFailure(new AppError('UPSTREAM_UNAVAILABLE', `ERP callback failed: ${errorMessage(error)}`, { retryable: true }));
      }
      if (response.ok) {
        await record('delivered', response.status, null);
        return { statusCode: response.status };
      }
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      const message = `ERP callback answered ${response.status}${response.status >= 300 && response.status < 400 ? ' (a redirect: not followed; set settings.erp.callbackUrl to the final address)' : ''}`;
      const last = runtime.maxAttempts !== undefined && runtime.attempt >= runtime.maxAttempts;
      await record(retryable && !last ? 'pending' : 'failed', response.status, message);
      throw toActivityFailure(
        new AppError(retryable ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_REJECTED', message, {
          retryable,
          retryAfterMs: retryAfterMs(response.headers),
        }),
      );
    },
  };
}
