/**
 * The one error model of the service.
 *
 * Adapters (Claude, GitHub, Postgres) throw AppError; the API maps `code` to an HTTP status
 * in one switch (src/api/errors.ts); activities map `retryable` to Temporal's retry
 * behaviour (activities/failures.ts). Nothing else decides either.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  /** Well-formed but breaks a rule: a skill file that does not compile, an input that does not match. */
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** An Idempotency-Key reused for a different request. */
  | 'IDEMPOTENCY_MISMATCH'
  | 'RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_REJECTED'
  | 'INVALID_MODEL_OUTPUT'
  | 'INTERNAL';

export interface AppErrorOptions {
  retryable?: boolean;
  /** For retryable errors: how long the upstream asked us to wait (from `retry-after`). */
  retryAfterMs?: number;
  details?: unknown;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A readable one-line message for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
