import { AppError } from '../errors';

/**
 * Which failures mean "a dependency is unreachable right now" rather than "this request is
 * wrong" or "we have a bug": the API answers them 503 UPSTREAM_UNAVAILABLE with Retry-After
 * (src/api/errors.ts), never 500, and never after a long hang — the clients are given short
 * deadlines (src/db/client.ts connect timeout, src/temporal/runs.ts deadlines).
 */

/** How long a caller is told to wait before retrying after a dependency outage. */
export const OUTAGE_RETRY_AFTER_MS = 5_000;

/** Errors and their causes, outermost first (drizzle and the Temporal client wrap the real one). */
function* causes(error: unknown): Generator<Record<string, unknown>> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth += 1) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

/** postgres.js's own connection codes, node's socket codes, and SQLSTATEs of a server going away. */
const DATABASE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
  '53300', // too_many_connections
]);

/** PostgreSQL (or the path to it) is unreachable, restarting or refusing connections. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const link of causes(error)) {
    const code = link['code'];
    if (typeof code === 'string' && (DATABASE_DOWN_CODES.has(code) || code.startsWith('08'))) return true; // class 08: connection exception
  }
  return false;
}

/** gRPC status codes of a Temporal server that can't be reached in time. */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** The Temporal frontend is unreachable or did not answer within the call's deadline. */
export function isTemporalUnavailable(error: unknown): boolean {
  for (const link of causes(error)) {
    const code = link['code'];
    if ((code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) && ('details' in link || 'metadata' in link)) return true;
    if (link['name'] === 'ConnectionError' || link['name'] === 'TransportError') return true;
    // A frontend that can't read its own database answers "namespace not found" for the namespace
    // it serves (seen with Temporal's PostgreSQL down); a namespace that really is missing is a
    // setup error that a 503 names just as well.
    if (link['name'] === 'NamespaceNotFoundError') return true;
  }
  return false;
}

/** The error the API answers when `error` is a dependency outage; undefined otherwise. */
export function outageError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error.code === 'UPSTREAM_UNAVAILABLE' ? error : undefined;
  const which = isDatabaseUnavailable(error) ? 'PostgreSQL' : isTemporalUnavailable(error) ? 'Temporal' : undefined;
  if (!which) return undefined;
  return new AppError('UPSTREAM_UNAVAILABLE', `${which} is unreachable right now. Retry after the Retry-After delay: repeating the same request (the same Idempotency-Key, the same decision or answer) is safe.`, {
    retryable: true,
    retryAfterMs: OUTAGE_RETRY_AFTER_MS,
    cause: error,
  });
}
