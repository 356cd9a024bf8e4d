import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How both directions with the ERP are signed (and the notifications we send to an
 * organization's webhook): HMAC-SHA256 over
 * `${timestamp}.${deliveryId}.${body}` with the organization's secret, sent as
 * `X-Signature: sha256=<hex>` next to `X-Timestamp` (unix seconds) and `X-Delivery-Id`.
 * The timestamp bounds replays to a window; the signed delivery id makes each delivery count
 * once inside it (a captured request cannot be replayed under a new id).
 */
export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-timestamp';
export const DELIVERY_HEADER = 'x-delivery-id';
export const REPLAY_WINDOW_SECONDS = 300;

export function sign(secret: string, timestamp: number, deliveryId: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${deliveryId}.${body}`).digest('hex')}`;
}

/**
 * The headers of a signed outbound event: its delivery id (the same on every retry, for the
 * receiver to deduplicate on), the time, the event, and — with a secret — the signature.
 */
export function signedHeaders(secret: string | undefined, deliveryId: string, event: string, body: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    [DELIVERY_HEADER]: deliveryId,
    [TIMESTAMP_HEADER]: String(nowSeconds),
    'x-event': event,
    ...(secret ? { [SIGNATURE_HEADER]: sign(secret, nowSeconds, deliveryId, body) } : {}),
  };
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export function verify(input: {
  secret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  deliveryId: string | undefined;
  nowSeconds?: number;
  windowSeconds?: number;
}): VerifyResult {
  if (!input.signature || !input.timestamp || !input.deliveryId) return { ok: false, reason: 'missing signature, timestamp or delivery id' };
  const timestamp = Number(input.timestamp);
  if (!Number.isInteger(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (input.windowSeconds ?? REPLAY_WINDOW_SECONDS)) {
    return { ok: false, reason: 'timestamp outside the replay window' };
  }
  const expected = Buffer.from(sign(input.secret, timestamp, input.deliveryId, input.body));
  const given = Buffer.from(input.signature);
  // Constant time: the comparison takes as long whatever prefix matches.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true };
}
