import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { ISSUE_PRIORITIES, type IssuePriority } from '../src/contracts/issue';
import type { Database } from '../src/db/client';
import { issues } from '../src/db/schema';
import { AppError } from '../src/errors';
import { acquireSlotSignal, type LimiterName, limiterWorkflowId, releaseSlotSignal, type SlotRequest } from '../workflows/limiter';
import { toActivityFailure } from './failures';

/**
 * The issue side of the concurrency limiter (workflows/limiter.ts): ask for a slot with
 * signal-with-start (the limiter starts on first use, on the issue's own task queue) and
 * give it back. Both are idempotent: the limiter ignores a repeated request and a release
 * of a slot it does not know.
 */
export function createLimiterActivities(deps: { temporal?: Client; db?: Database }) {
  const client = () => {
    if (!deps.temporal) throw toActivityFailure(new AppError('INTERNAL', 'the concurrency limiter needs a Temporal client in the activity dependencies'));
    return deps.temporal;
  };
  return {
    /** The issue's priority as the database has it now (reported, or raised by an escalation) orders the queue. */
    async requestSlot(request: SlotRequest): Promise<void> {
      if (deps.db && request.priority === undefined && request.limiter !== 'skill-runs') {
        const [row] = await deps.db.select({ priority: issues.priority }).from(issues).where(eq(issues.workflowId, request.workflowId));
        if (row && isIssuePriority(row.priority)) request = { ...request, priority: row.priority };
      }
      await client().workflow.signalWithStart('concurrencyLimiterWorkflow', {
        workflowId: limiterWorkflowId(request.limiter),
        taskQueue: Context.current().info.taskQueue,
        args: [],
        signal: acquireSlotSignal,
        signalArgs: [request],
      });
    },
    async releaseSlot(input: { workflowId: string; limiter?: LimiterName }): Promise<void> {
      try {
        await client().workflow.getHandle(limiterWorkflowId(input.limiter)).signal(releaseSlotSignal, { workflowId: input.workflowId });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error; // no limiter, nothing held
      }
    },
  };
}

function isIssuePriority(value: string): value is IssuePriority {
  return (ISSUE_PRIORITIES as readonly string[]).includes(value);
}
