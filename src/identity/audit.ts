import type { Database } from '../db/client';
import { type NewAuditEvent, recordAuditEvent } from '../db/audit';
import { errorMessage, isAppError } from '../errors';

/** What to record about an action; its outcome is filled in from how it ends. */
export type AuditedAction = Omit<NewAuditEvent, 'outcome' | 'reason' | 'id' | 'at'>;

/** A rule said no (who, state, limits, input) rather than something breaking. */
const REFUSALS = new Set(['BAD_REQUEST', 'VALIDATION_FAILED', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED']);

/**
 * Runs an action and appends its outcome to the audit trail: `ok`, `refused` (a rule said no;
 * the reason is the message the caller sees) or `failed`. The error, if any, is rethrown.
 */
export async function audited<T>(db: Database, action: AuditedAction, run: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (error) {
    const outcome = isAppError(error) && REFUSALS.has(error.code) ? 'refused' : 'failed';
    await recordAuditEvent(db, { ...action, outcome, reason: errorMessage(error) });
    throw error;
  }
  await recordAuditEvent(db, { ...action, outcome: 'ok', reason: null });
  return result;
}
