import { createHash } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { canonicalJson } from '../canonical-json';
import type { Database } from '../db/client';
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from '../db/idempotency';
import type { AuthVariables } from './auth';
import { errorBody } from './errors';
import { ACTING_USER_HEADER } from '../identity/acting';

/**
 * `Idempotency-Key` on every POST under /api (as Stripe does it): the first request with a key
 * runs and its outcome is stored; a retry with the same key and the same request gets that
 * outcome again (header `Idempotent-Replayed: true`) without running anything; the same key
 * with a different request is refused with 422 IDEMPOTENCY_MISMATCH; a retry while the first
 * still runs gets 409 and `Retry-After`. Keys are per organization and live 24 hours.
 *
 * What is stored is a success (2xx). A request refused (4xx: before it ran, for the state it
 * found, or for what it named — a 404 kept would let any key of the organization squat a key
 * on a route nobody serves) or that failed (5xx) frees its key, so the corrected or later
 * retry runs. If the outcome cannot be stored, the answer still goes out.
 */

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';
const MAX_KEY_LENGTH = 255;
/** Longer than any request of ours may run (Temporal calls have deadlines well under this). */
const ABANDONED_AFTER_SECONDS = 120;

const STORED_STATUSES = (status: number) => status >= 200 && status < 300;

export function idempotency(db: Database, logError: (error: unknown, requestId: string) => void) {
  return createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_HEADER);
    if (c.req.method !== 'POST' || key === undefined) {
      await next();
      return undefined;
    }
    const problem = keyProblem(key);
    if (problem) {
      const details = [{ path: IDEMPOTENCY_HEADER, message: problem }];
      return c.json(errorBody(c, 'VALIDATION_FAILED', `the headers are not valid: ${IDEMPOTENCY_HEADER}: ${problem}`, details), 422);
    }
    const organizationId = c.get('organization').id;
    const claim = await claimIdempotencyKey(db, {
      organizationId,
      key,
      requestHash: requestHash([c.req.method, c.req.path, c.get('principal').key.id, c.req.header(ACTING_USER_HEADER) ?? '', canonicalBody(await c.req.text())]),
      method: c.req.method,
      path: c.req.path,
      abandonedAfterSeconds: ABANDONED_AFTER_SECONDS,
    });
    switch (claim.kind) {
      case 'mismatch':
        return c.json(
          errorBody(c, 'IDEMPOTENCY_MISMATCH', `${IDEMPOTENCY_HEADER} ${key} was used for a different request (another method, path, body or caller); use a new key for a new request`, [
            { path: IDEMPOTENCY_HEADER, message: 'already used for a different request' },
          ]),
          422,
        );
      case 'in_progress':
        c.header('Retry-After', '1');
        return c.json(errorBody(c, 'CONFLICT', `a request with ${IDEMPOTENCY_HEADER} ${key} is still running; retry it shortly`, []), 409);
      case 'replay':
        c.header(REPLAYED_HEADER, 'true');
        return claim.body === null ? c.body(null, claim.status as 204) : c.json(claim.body, claim.status as ContentfulStatusCode);
      case 'claimed':
        break;
    }
    const ref = { organizationId, key, claimedAt: claim.claimedAt };
    try {
      await next();
    } catch (error) {
      await releaseIdempotencyKey(db, ref).catch(() => undefined);
      throw error;
    }
    const status = c.res.status;
    const body = STORED_STATUSES(status) ? await storableBody(c.res) : undefined;
    // The request ran: its answer goes out even if its record cannot be written (the claim then
    // lapses after ABANDONED_AFTER_SECONDS, and the repeat detection of issues answers a retry).
    await (body === undefined ? releaseIdempotencyKey(db, ref) : completeIdempotencyKey(db, ref, status, body)).catch((error: unknown) => {
      logError(new Error(`Idempotency-Key ${key}: outcome not recorded: ${String(error)}`), c.get('requestId'));
    });
    return undefined;
  });
}

/** The response's JSON (null when empty); undefined when it is not JSON and so cannot be replayed. */
async function storableBody(response: Response): Promise<unknown> {
  const text = await response.clone().text();
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function keyProblem(key: string): string | undefined {
  if (key.trim().length === 0) return 'must not be empty';
  if (key.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters`;
  if (!/^[\x21-\x7e]+$/.test(key)) return 'must be printable ASCII without spaces (a UUID is a good key)';
  return undefined;
}

function requestHash(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The body as canonical JSON, so a retry that orders its keys differently is the same request. */
function canonicalBody(text: string): string {
  if (text.length === 0) return '';
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text;
  }
}
