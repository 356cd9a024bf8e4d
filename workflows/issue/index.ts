/**
 * IssueWorkflow: one durable run per issue.
 *
 *   classify → triage (may ask) → research agent → [plan approval] → code agent
 *   → review agent (request changes: back to code, next model tier) → final approval
 *
 * The parts, each taking the one `IssueRun` (run.ts):
 *   people.ts     every handler: the query, decisions, answers, budget raises, the limiter, the ERP
 *   phases.ts     one function per phase: state → next phase or outcome
 *   agents.ts     the research/code/review agents on the shared agent loop
 *   waits.ts      waiting for people (reminder, escalation, expiry) and for a slot
 *   visibility.ts progress, Web UI details, search attributes, ERP callbacks
 *
 * DETERMINISTIC ZONE. Values come only from @temporalio/workflow and ./; everything else is
 * `import type`. All I/O happens in activities.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  setWorkflowOptions,
  workflowInfo,
} from '@temporalio/workflow';
import type { IssueStatus } from '../../src/contracts/issue';
import { type IssueOutcome, type IssueWorkflowInput, searchAttributes } from '../definitions';
import { registerHandlers } from './people';
import { PHASES, STAGE_OF_PHASE } from './phases';
import { failureMessage, type IssueRun, PipelineEnd, startIssueRun } from './run';
import { notifyErp, show, touch } from './visibility';
import { holdWhile, waitForSlot } from './waits';
import { holdReason } from '../shared/controls';
import { closePooledWorkspace } from './workspace-pool';
import { pinnedWhenVersioned } from '../shared/versioning';

export async function issueWorkflow(input: IssueWorkflowInput): Promise<IssueOutcome> {
  const run = startIssueRun(input);
  registerHandlers(run);

  let result: { status: IssueOutcome['status'] | 'failed'; summary: string };
  try {
    try {
      result = await pipeline(run);
    } catch (err) {
      if (!(err instanceof PipelineEnd)) throw err;
      result = { status: err.status, summary: err.summary };
    }
    await finish(run, result.status, result.summary, result.status === 'failed' ? result.summary : null);
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err; // not a failure: the next run takes over
    if (isCancellation(err)) {
      // Cleanup must run although the workflow is being cancelled.
      await CancellationScope.nonCancellable(() => finish(run, 'cancelled', 'cancelled', null));
      throw err;
    }
    const reason = `${run.progress.stage ?? 'pipeline'} failed: ${failureMessage(err)}`;
    await finish(run, 'failed', reason, reason);
    throw ApplicationFailure.nonRetryable(reason, 'IssueFailed');
  }
  // Failing the execution (not just the issue row) makes failed issues stand out in the Web UI.
  if (result.status === 'failed') throw ApplicationFailure.nonRetryable(result.summary, 'IssueFailed');
  return { issueId: input.issueId, status: result.status, route: run.progress.route, summary: result.summary };
}

/** The one loop: run the current phase, move to the next, until one ends the issue. */
async function pipeline(run: IssueRun): Promise<{ status: IssueOutcome['status']; summary: string }> {
  const { state, policy } = run;
  if (policy.concurrency) await waitForSlot(run);
  for (;;) {
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= policy.historyEventThreshold) {
      // Compact state only: transcripts and artifacts stay in Postgres.
      await condition(allHandlersFinished);
      await run.people.flush();
      await continueAsNew<typeof issueWorkflow>({ ...run.input, resume: state });
    }
    // The kill switch and stage flags hold a phase before it starts (see holdWhile).
    const stage = STAGE_OF_PHASE[state.phase];
    if (stage && holdReason(state.controls, stage)) await holdWhile(run, stage);
    const result = await PHASES[state.phase](run);
    if ('end' in result) return result.end;
    state.phase = result.next;
  }
}

async function finish(run: IssueRun, status: IssueStatus, summary: string, error: string | null): Promise<void> {
  const { progress, policy } = run;
  // Postgres first: once the status query says the issue ended, the database says so too.
  await run.activities.bookkeeping.finishIssue({ ...run.ref, status, summary, error });
  // The workspace pool's host removes the workspace (a run without one records nothing here).
  await closePooledWorkspace(run);
  // Give the slot back (or leave the queue) so the next issue can start.
  if (policy.concurrency) await run.activities.bookkeeping.releaseSlot({ workflowId: workflowInfo().workflowId });
  progress.status = status;
  progress.currentStep = status;
  progress.error = error;
  progress.pending = null;
  if (status === 'completed') progress.progress = 100;
  show(run, [
    { key: searchAttributes.issueStage, value: status },
    { key: searchAttributes.awaitingHuman, value: false },
  ]);
  touch(run);
  if (policy.statusCallbacks) await notifyErp(run, 'issue.status_changed', { status, summary: summary.slice(0, 500), error });
  await run.people.flush();
}

// Under Worker Versioning a run finishes on the build it started on (workflows/shared/versioning.ts).
setWorkflowOptions(pinnedWhenVersioned, issueWorkflow);
