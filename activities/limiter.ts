import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { AppError } from '../src/errors';
import { acquireSlotSignal, LIMITER_WORKFLOW_ID, releaseSlotSignal, type SlotRequest } from '../workflows/limiter';
import { toActivityFailure } from './failures';

/**
 * The issue side of the concurrency limiter (workflows/limiter.ts): ask for a slot with
 * signal-with-start (the limiter starts on first use, on the issue's own task queue) and
 * give it back. Both are idempotent: the limiter ignores a repeated request and a release
 * of a slot it does not know.
 */
export function createLimiterActivities(deps: { temporal?: Client }) {
  const client = () => {
    if (!deps.temporal) throw toActivityFailure(new AppError('INTERNAL', 'the concurrency limiter needs a Temporal client in the activity dependencies'));
    return deps.temporal;
  };
  return {
    async requestSlot(request: SlotRequest): Promise<void> {
      await client().workflow.signalWithStart('concurrencyLimiterWorkflow', {
        workflowId: LIMITER_WORKFLOW_ID,
        taskQueue: Context.current().info.taskQueue,
        args: [],
        signal: acquireSlotSignal,
        signalArgs: [request],
      });
    },
    async releaseSlot(input: { workflowId: string }): Promise<void> {
      try {
        await client().workflow.getHandle(LIMITER_WORKFLOW_ID).signal(releaseSlotSignal, input);
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error; // no limiter, nothing held
      }
    },
  };
}
