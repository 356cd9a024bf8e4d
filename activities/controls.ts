import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { AgentControls } from '../src/contracts/controls';
import type { Database } from '../src/db/client';
import { liveIssueWorkflows, readControls } from '../src/db/controls';
import { AppError } from '../src/errors';
import { controlsChangedSignal } from '../workflows/definitions';
import { toActivityFailure } from './failures';

/** Signals sent at once. */
const CONCURRENCY = 16;

/**
 * Tells running issues that the kill switch or a stage flag changed: every issue of the scope
 * (one organization, or all for the installation's controls) not yet ended gets its
 * organization's controls as they apply *now* (read here, so a retried or late broadcast never
 * sends a stale state). A retry resumes after the workflows its heartbeat says were done.
 */
export function createControlsActivities(deps: { db: Database; temporal?: Client }) {
  return {
    async broadcastAgentControls(input: { organizationId: string | null; since?: string }): Promise<{ signalled: number; notRunning: number }> {
      const temporal = deps.temporal;
      if (!temporal) throw toActivityFailure(new AppError('INTERNAL', 'the controls broadcast needs a Temporal client in the activity dependencies'));
      const context = Context.current();
      const targets = await liveIssueWorkflows(deps.db, input.organizationId, input.since);
      const done = new Set<string>((context.info.heartbeatDetails as string[] | undefined) ?? []);
      const controlsOf = new Map<string, Promise<AgentControls>>();
      const controlsFor = (organizationId: string) =>
        controlsOf.get(organizationId) ?? controlsOf.set(organizationId, readControls(deps.db, organizationId).then((state) => state.effective)).get(organizationId)!;
      let signalled = 0;
      let notRunning = 0;
      let next = 0;
      const sendNext = async () => {
        while (next < targets.length) {
          const target = targets[next++]!;
          if (done.has(target.workflowId)) continue;
          try {
            await temporal.workflow.getHandle(target.workflowId).signal(controlsChangedSignal, await controlsFor(target.organizationId));
            signalled += 1;
          } catch (error) {
            // Not started yet (it will start with the controls of its start) or just ended.
            if (!(error instanceof WorkflowNotFoundError)) throw error;
            notRunning += 1;
          }
          done.add(target.workflowId);
          context.heartbeat([...done]);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, sendNext));
      return { signalled, notRunning };
    },
  };
}
