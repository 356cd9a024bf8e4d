import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { AgentControls } from '../src/contracts/controls';
import type { Database } from '../src/db/client';
import { liveIssueWorkflows, liveSkillRunWorkflows, readControls } from '../src/db/controls';
import { AppError } from '../src/errors';
import { controlsChangedSignal } from '../workflows/definitions';
import { toActivityFailure } from './failures';

/** Signals sent at once: one batch, after which the heartbeat records how far it got. */
const BATCH = 16;

/**
 * Tells running issues and skill runs that the kill switch or a stage flag changed: every issue
 * and skill run of the scope (one organization, or all for the installation's controls) not yet
 * ended gets its
 * organization's controls as they apply *now* (read here, so a retried or late broadcast never
 * sends a stale state). They go in workflow-id order, a batch at a time; the heartbeat keeps
 * the last id of the last batch sent, and a retry resumes after it.
 */
export function createControlsActivities(deps: { db: Database; temporal?: Client }) {
  return {
    async broadcastAgentControls(input: { organizationId: string | null; since?: string }): Promise<{ signalled: number; notRunning: number }> {
      const temporal = deps.temporal;
      if (!temporal) throw toActivityFailure(new AppError('INTERNAL', 'the controls broadcast needs a Temporal client in the activity dependencies'));
      const context = Context.current();
      const resumeAfter = typeof context.info.heartbeatDetails === 'string' ? context.info.heartbeatDetails : '';
      const [liveIssues, liveSkillRuns] = await Promise.all([liveIssueWorkflows(deps.db, input.organizationId, input.since), liveSkillRunWorkflows(deps.db, input.organizationId, input.since)]);
      const targets = [...liveIssues, ...liveSkillRuns]
        .filter((target) => target.workflowId > resumeAfter)
        .sort((a, b) => (a.workflowId < b.workflowId ? -1 : 1));
      const controlsOf = new Map<string, Promise<AgentControls>>();
      const controlsFor = (organizationId: string) =>
        controlsOf.get(organizationId) ?? controlsOf.set(organizationId, readControls(deps.db, organizationId).then((state) => state.effective)).get(organizationId)!;
      let signalled = 0;
      let notRunning = 0;
      const send = async (target: (typeof targets)[number]) => {
        try {
          await temporal.workflow.getHandle(target.workflowId).signal(controlsChangedSignal, await controlsFor(target.organizationId));
          signalled += 1;
        } catch (error) {
          // Not started yet (it will start with the controls of its start) or just ended.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          notRunning += 1;
        }
      };
      for (let start = 0; start < targets.length; start += BATCH) {
        const batch = targets.slice(start, start + BATCH);
        await Promise.all(batch.map(send));
        context.heartbeat(batch.at(-1)!.workflowId);
      }
      return { signalled, notRunning };
    },
  };
}
