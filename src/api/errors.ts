import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorCode } from '../errors';
import { outageError } from '../upstream/unavailable';

/** The one `code → HTTP status` mapping. Exhaustive: a new code fails to compile here. */
export function statusForCode(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case 'BAD_REQUEST':
      return 400;
    case 'VALIDATION_FAILED':
    case 'IDEMPOTENCY_MISMATCH':
      return 422;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'RATE_LIMITED':
      return 429;
    case 'UPSTREAM_UNAVAILABLE':
      return 503;
    case 'UPSTREAM_REJECTED':
    case 'INVALID_MODEL_OUTPUT':
      return 502;
    case 'INTERNAL':
      return 500;
  }
}

/** Every error code the API answers, with its status and what it means (rendered on /docs#errors). */
export const ERROR_CATALOG: Record<ErrorCode | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE', [status: number, meaning: string]> = {
  BAD_REQUEST: [400, 'The request is malformed (JSON that does not parse). Fix the syntax.'],
  UNAUTHORIZED: [401, 'No API key, or an unknown or revoked one. Send Authorization: Bearer <key>.'],
  FORBIDDEN: [403, 'The key lacks the scope, or the person may not do this. The message names what is missing.'],
  NOT_FOUND: [404, 'No such route, or nothing with this id in your organization.'],
  CONFLICT: [409, 'The thing is not in a state that allows this (already ended, nothing pending, name taken), or a request with the same Idempotency-Key is still running (Retry-After).'],
  PAYLOAD_TOO_LARGE: [413, 'The body is over the limit (1 MiB; 2 MiB for the GitHub webhook).'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Send JSON with Content-Type: application/json.'],
  VALIDATION_FAILED: [422, 'A field, query parameter, path parameter or header breaks its rule; details name each one, with what was expected and what was received.'],
  IDEMPOTENCY_MISMATCH: [422, 'The Idempotency-Key was already used for a different request. Use a new key for a new request.'],
  RATE_LIMITED: [429, "Over the organization's rate limit or spend cap. Retry-After says when to try again; details name the setting."],
  INTERNAL: [500, 'Our fault. Quote the requestId when reporting it.'],
  UPSTREAM_REJECTED: [502, 'A service we call (Claude, GitHub, the ERP) refused the request.'],
  INVALID_MODEL_OUTPUT: [502, 'The model answered something we could not use.'],
  UPSTREAM_UNAVAILABLE: [503, 'A service we depend on (Temporal, Postgres, Claude, GitHub, the ERP) is unreachable. Retry-After says when to try again; repeating the same request is safe.'],
};

export interface ErrorDetail {
  path: string;
  message: string;
  expected?: string;
  received?: string;
  [more: string]: unknown;
}

/**
 * The one error envelope: `code` (stable, documented), `message` (what to fix), `details`
 * (always an array of `{ path, message, expected?, received? }`, empty when there is nothing
 * field-shaped to say), and `docs` (the code's entry in the API reference).
 */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[]; docs: string };
  requestId: string;
}

export function errorBody(c: Context, code: string, message: string, details?: unknown): ErrorBody {
  return {
    error: { code, message, details: asDetails(details), docs: `${new URL(c.req.url).origin}/docs#error-${code.toLowerCase().replaceAll('_', '-')}` },
    requestId: (c.get('requestId' as never) as string | undefined) ?? 'unknown',
  };
}

/** Details as the envelope's array; a stray object (an adapter's context) becomes one entry per key. */
function asDetails(details: unknown): ErrorDetail[] {
  if (details === undefined || details === null) return [];
  if (Array.isArray(details)) return details as ErrorDetail[];
  if (typeof details === 'object') {
    return Object.entries(details).map(([path, value]) => ({ path, message: typeof value === 'string' ? value : JSON.stringify(value) }));
  }
  return [{ path: '', message: String(details) }];
}

const PART_NAMES: Record<string, string> = { json: 'the request body', query: 'the query string', param: 'the path', header: 'the headers', form: 'the form' };

/**
 * The message of a validation error: which part of the request, and its first problems with
 * where they are ("the request body: title: Required; type: …"). `details` has them all.
 */
export function validationMessage(part: string, details: Array<{ path: string; message: string }>): string {
  const shown = details.slice(0, 3).map((detail) => (detail.path ? `${detail.path}: ${detail.message}` : detail.message));
  const more = details.length > 3 ? ` (and ${details.length - 3} more in details)` : '';
  return `${PART_NAMES[part] ?? part} is not valid: ${shown.join('; ')}${more}`;
}

/** Hono's onError: known errors get their status; anything else is a 500 without internals. */
export function handleError(thrown: Error, c: Context, log: (error: unknown, requestId: string) => void): Response {
  // A dependency that is down (Postgres, Temporal) is a 503 the caller may retry, not a 500.
  const error = outageError(thrown) ?? thrown;
  if (error instanceof AppError) {
    const status = statusForCode(error.code);
    // An outage is reported by /health and by every request it refuses; logging each one's
    // stack would bury the log (a prober or a retrying ERP sends many).
    if (status >= 500 && error.code !== 'UPSTREAM_UNAVAILABLE') log(error, String(c.get('requestId' as never)));
    if ((error.code === 'RATE_LIMITED' || error.code === 'UPSTREAM_UNAVAILABLE') && error.retryAfterMs !== undefined) {
      c.header('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
    }
    return c.json(errorBody(c, error.code, error.message, error.details), status);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code =
      status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
    return c.json(errorBody(c, code, error.message || 'Bad request'), status);
  }
  log(error, String(c.get('requestId' as never)));
  return c.json(errorBody(c, 'INTERNAL', 'Internal error; quote the requestId when reporting it.'), 500);
}
