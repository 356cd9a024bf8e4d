import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { AppError } from '../errors';

/**
 * What a refused workflow update means to the API caller: the workflow's `Forbidden` failure
 * (the person may not do this) is a 403; any other refusal (wrong state, already decided) a
 * 409; a workflow that has ended a 409 saying so. Anything else is not a refusal: rethrown.
 */
export function updateRefusal(error: unknown, ended: string): AppError {
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    const message = cause?.message ?? error.message;
    return new AppError(cause instanceof ApplicationFailure && cause.type === 'Forbidden' ? 'FORBIDDEN' : 'CONFLICT', message);
  }
  if (error instanceof WorkflowNotFoundError) return new AppError('CONFLICT', ended);
  throw error;
}
