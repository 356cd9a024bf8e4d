import http from 'node:http';
import https from 'node:https';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { callbackDeliveries } from '../db/schema';
import { errorMessage } from '../errors';
import { retryAfterMs } from '../llm/anthropic';
import { redactUrls } from '../erp/urls';
import { guardedLookup, literalAddressRefusal, type OutboundPolicy, RefusedAddressError } from './url-policy';
import { ATTR, recordHttpStatus, serverAttributes, withClientSpan } from '../telemetry/spans';

/**
 * One attempt at one outbound event, recorded in the organization's delivery log
 * (callback_deliveries): the ERP's status callbacks (src/erp/callbacks.ts) and the
 * notifications sent to the organization's channels (src/notifications/deliver.ts) both go
 * through here, so they share the rules — a timeout, no redirect followed, no non-public
 * address (url-policy.ts), 5xx / 408 / 429 / network errors retryable and other answers
 * final, errors stored without the URL's secrets — and the log. Who retries decides around
 * it: Temporal, for events a workflow sends, or a person (POST …/redeliver).
 */

/** Where an event goes: the ERP's callback URL, or one of the organization's notification channels. */
export const DELIVERY_CHANNELS = ['erp', 'webhook', 'slack'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export interface Attempt {
  /** 1-based, across retries and redeliveries: recorded. */
  number: number;
  /** When the event happened, for a redelivery (its first attempt's time); now otherwise. */
  occurredAt?: string;
  /** The last there will be: a retryable failure is recorded failed, not pending. */
  final: boolean;
  signal?: AbortSignal;
  /**
   * A workflow's attempt (not a person's redelivery): an event the log already shows
   * delivered is not sent again — a retried activity whose first try got through, but whose
   * result was lost, must not deliver twice.
   */
  onlyIfNotDelivered?: boolean;
}

export type DeliveryResult =
  | { outcome: 'delivered'; statusCode: number; /** It had been delivered before: nothing sent now. */ already?: boolean }
  /** Nowhere to send it (the URL or channel was removed since): nothing sent, nothing recorded. */
  | { outcome: 'skipped' }
  | { outcome: 'failed'; retryable: boolean; statusCode: number | null; message: string; retryAfterMs?: number | undefined };

/** What the log says about the event, whatever the attempt. */
export interface DeliveryLogEntry {
  organizationId: string;
  channel: DeliveryChannel;
  issueId?: string | undefined;
  invocationId?: string | undefined;
  notificationId?: string | undefined;
  /** Stable across retries and redeliveries: receivers deduplicate on it. */
  deliveryId: string;
  event: string;
  payload: Record<string, unknown>;
}

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Who answers, in messages: "callback", "webhook", "Slack". */
  receiver: string;
  /** The setting naming the URL, for the message a redirect gets. */
  setting: string;
}

const TIMEOUT_MS = 10_000;
/** What we read of an answer: enough for Slack's one-word errors; the rest is dropped. */
const ANSWER_BYTES_KEPT = 2048;

/** Sends one attempt of `entry` as `request` and records it in the delivery log. */
export async function sendAndRecord(db: Database, entry: DeliveryLogEntry, request: OutboundRequest, attempt: Attempt, policy: OutboundPolicy): Promise<DeliveryResult> {
  if (attempt.onlyIfNotDelivered) {
    const [logged] = await db
      .select({ status: callbackDeliveries.status, lastStatusCode: callbackDeliveries.lastStatusCode })
      .from(callbackDeliveries)
      .where(eq(callbackDeliveries.deliveryId, entry.deliveryId));
    if (logged?.status === 'delivered') return { outcome: 'delivered', statusCode: logged.lastStatusCode ?? 200, already: true };
  }
  const record = (status: 'pending' | 'delivered' | 'failed', statusCode: number | null, error: string | null) =>
    db
      .insert(callbackDeliveries)
      .values({
        organizationId: entry.organizationId,
        channel: entry.channel,
        issueId: entry.issueId ?? null,
        invocationId: entry.invocationId ?? null,
        notificationId: entry.notificationId ?? null,
        deliveryId: entry.deliveryId,
        event: entry.event,
        url: request.url,
        status,
        attempts: attempt.number,
        lastStatusCode: statusCode,
        lastError: error,
        payload: entry.payload,
      })
      .onConflictDoUpdate({
        target: callbackDeliveries.deliveryId,
        set: { status, url: request.url, attempts: attempt.number, lastStatusCode: statusCode, lastError: error, updatedAt: sql`now()` },
      });

  let answer: Answer;
  try {
    // A CLIENT span (tracing on): the receiver's host, never its URL — a Slack webhook URL is itself a credential.
    const attributes = () => ({
      ...serverAttributes(request.url),
      [ATTR.httpMethod]: 'POST',
      [ATTR.channel]: entry.channel,
      [ATTR.event]: entry.event,
      [ATTR.attempt]: attempt.number,
      [ATTR.organization]: entry.organizationId,
      ...(entry.issueId ? { [ATTR.issue]: entry.issueId } : {}),
      ...(entry.invocationId ? { [ATTR.invocation]: entry.invocationId } : {}),
    });
    answer = await withClientSpan(`POST ${request.receiver}`, attributes, async (span) => {
      const answered = await postOnce(request, policy, attempt.signal);
      recordHttpStatus(span, answered.status);
      return answered;
    });
  } catch (error) {
    // A refused address is the URL's fault, not the network's: retrying cannot help.
    const refused = error instanceof RefusedAddressError;
    // A connection error may quote the URL it failed on, credentials and token included: never stored as is.
    const message = `${request.receiver} failed: ${redactUrls(errorMessage(error))}`;
    await record(refused || attempt.final ? 'failed' : 'pending', null, message);
    return { outcome: 'failed', retryable: !refused, statusCode: null, message };
  }
  if (answer.status >= 200 && answer.status < 300) {
    await record('delivered', answer.status, null);
    return { outcome: 'delivered', statusCode: answer.status };
  }
  const retryable = answer.status >= 500 || answer.status === 408 || answer.status === 429;
  const redirect = answer.status >= 300 && answer.status < 400 ? ` (a redirect: not followed; set ${request.setting} to the final address)` : '';
  const said = answer.text.trim() ? `: ${redactUrls(answer.text.trim().slice(0, 200))}` : '';
  const message = `${request.receiver} answered ${answer.status}${redirect}${redirect ? '' : said}`;
  await record(retryable && !attempt.final ? 'pending' : 'failed', answer.status, message);
  return { outcome: 'failed', retryable, statusCode: answer.status, message, retryAfterMs: retryAfterMs(answer.headers) };
}

interface Answer {
  status: number;
  headers: Headers;
  /** The start of the body (ANSWER_BYTES_KEPT). */
  text: string;
}

/**
 * POSTs once: no redirect followed (a 3xx is an answer), TIMEOUT_MS for the whole exchange,
 * and the connection made only to an address the policy allows.
 */
export function postOnce(request: OutboundRequest, policy: OutboundPolicy, signal?: AbortSignal): Promise<Answer> {
  const url = new URL(request.url);
  const refusal = literalAddressRefusal(url, policy);
  if (refusal) return Promise.reject(new RefusedAddressError(refusal));
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.reject(new RefusedAddressError(`${url.protocol} URLs are not sent to`));
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const lookup = guardedLookup(policy);
  return new Promise<Answer>((resolve, reject) => {
    const body = Buffer.from(request.body, 'utf8');
    const send = url.protocol === 'https:' ? https.request : http.request;
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(body.length) },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        ...(lookup ? { lookup } : {}),
        // A fresh connection each time: a kept-alive socket would skip the address check.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < ANSWER_BYTES_KEPT) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') headers.set(name, value);
            else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
          }
          resolve({ status: response.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8').slice(0, ANSWER_BYTES_KEPT) });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', (error) => reject(timeout.aborted && !signal?.aborted ? new Error(`no answer within ${TIMEOUT_MS / 1000} s`) : error));
    outgoing.end(body);
  });
}
