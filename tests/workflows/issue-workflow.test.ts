import { Context } from '@temporalio/activity';
import { type WorkflowHandle, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import type { FinishIssueInput } from '../../activities/bookkeeping';
import type { StageActivityInput } from '../../src/contracts/stages';
import {
  ISSUE_WORKFLOW_TYPE,
  type IssueOutcome,
  type IssueWorkflowInput,
  searchAttributes,
  statusQuery,
} from '../../workflows/definitions';
import { MAX_REVIEW_ROUNDS } from '../../workflows/issue';
import {
  connectTemporal,
  createTestWorker,
  eventually,
  recordHistoryIfAsked,
  type TemporalHarness,
  uniqueId,
} from '../support/harness';

/**
 * IssueWorkflow on the real Temporal dev server with fake activities: the orchestration
 * alone — order, routing, rounds, tiers, failure and cancel handling, visibility.
 */

type Recorder = { calls: string[]; finished: FinishIssueInput[] };

function fakeActivities(overrides: Partial<Activities> = {}): Activities & Recorder {
  const calls: string[] = [];
  const finished: FinishIssueInput[] = [];
  const mark = (stage: string, input: StageActivityInput) => calls.push(`${stage}:${input.round}:${input.modelTier}`);
  const base: Activities = {
    classifyIssue: async (input) => {
      mark('classify', input);
      return { type: 'bug', priority: 'high', module: 'billing', complexity: 8, summary: 'a bug' };
    },
    triageIssue: async (input) => {
      mark('triage', input);
      return { route: 'research_and_code', reason: 'needs a fix' };
    },
    researchIssue: async (input) => {
      mark('research', input);
      return { artifactId: 'artifact-research', rootCause: 'off by one', filesInvolved: ['src/a.ts'] };
    },
    proposeChange: async (input) => {
      mark('code', input);
      return { artifactId: `artifact-code-${input.round}`, summary: 'fixed', filesChanged: ['src/a.ts'] };
    },
    reviewChange: async (input) => {
      mark('review', input);
      return { verdict: 'approve', summary: 'looks right', commentCount: 0 };
    },
    finishIssue: async (input) => {
      finished.push(input);
    },
  };
  const activities = { ...base, ...overrides };
  return Object.assign(activities, { calls, finished });
}

describe('IssueWorkflow (fake activities, real server)', () => {
  let temporal: TemporalHarness;
  beforeAll(async () => {
    temporal = await connectTemporal();
  });
  afterAll(async () => {
    await temporal.close();
  });

  async function run(
    activities: Activities & Recorder,
    during?: (handle: WorkflowHandle) => Promise<void>,
    historyName?: string,
  ) {
    const { worker, taskQueue } = await createTestWorker(temporal, activities);
    const organizationId = uniqueId('org');
    const input: IssueWorkflowInput = { issueId: uniqueId('issue'), organizationId, title: 'Totals off by one' };
    const workflowId = uniqueId('wf');
    return worker.runUntil(async () => {
      const handle = await temporal.client.workflow.start(ISSUE_WORKFLOW_TYPE, {
        taskQueue,
        workflowId,
        args: [input],
        typedSearchAttributes: [{ key: searchAttributes.organizationId, value: organizationId }],
      });
      await during?.(handle);
      let outcome: IssueOutcome | undefined;
      let failure: unknown;
      try {
        outcome = (await handle.result()) as IssueOutcome;
      } catch (error) {
        failure = error;
      }
      const description = await handle.describe();
      const progress = await handle.query(statusQuery);
      if (historyName) await recordHistoryIfAsked(temporal.client, workflowId, historyName);
      return { outcome, failure, description, progress, input };
    });
  }

  it('runs the five stages in order, on the tier the complexity picks, and completes', async () => {
    const activities = fakeActivities();
    const { outcome, description, progress } = await run(activities);

    expect(activities.calls).toEqual([
      'classify:0:small',
      'triage:0:small',
      'research:0:large',
      'code:0:large',
      'review:0:large',
    ]);
    expect(outcome).toMatchObject({ status: 'completed', route: 'research_and_code' });
    expect(activities.finished).toHaveLength(1);
    expect(activities.finished[0]).toMatchObject({ status: 'completed', error: null });
    expect(progress).toMatchObject({
      status: 'completed',
      progress: 100,
      stagesCompleted: ['classify', 'triage', 'research', 'code', 'review'],
    });
    const attributes = description.typedSearchAttributes;
    expect(attributes.get(searchAttributes.issueStage)).toBe('completed');
    expect(attributes.get(searchAttributes.issueModule)).toBe('billing');
    expect(attributes.get(searchAttributes.issueType)).toBe('bug');
    expect(attributes.get(searchAttributes.issuePriority)).toBe('high');
  });

  it('stops after triage when the issue is rejected', async () => {
    const activities = fakeActivities({
      triageIssue: async () => ({ route: 'reject', reason: 'duplicate of ERP-7' }),
    });
    const { outcome } = await run(activities, undefined, 'issue-rejected');
    expect(outcome).toMatchObject({ status: 'rejected', route: 'reject', summary: 'duplicate of ERP-7' });
    expect(activities.calls).toEqual(['classify:0:small']);
    expect(activities.finished[0]).toMatchObject({ status: 'rejected' });
  });

  it('ends with the analysis when triage asks for research only', async () => {
    const activities = fakeActivities({
      classifyIssue: async () => ({ type: 'question', priority: 'low', module: null, complexity: 2, summary: 'q' }),
      triageIssue: async () => ({ route: 'research', reason: 'explain, do not change' }),
    });
    const { outcome } = await run(activities);
    expect(outcome).toMatchObject({ status: 'completed', route: 'research', summary: 'off by one' });
    expect(activities.calls).toEqual(['research:0:small']);
  });

  it('sends requested changes back to code, one round each, until review approves', async () => {
    const verdicts = ['request_changes', 'request_changes', 'approve'] as const;
    const activities = fakeActivities({
      reviewChange: async (input) => {
        activities.calls.push(`review:${input.round}:${input.modelTier}`);
        return { verdict: verdicts[input.round] ?? 'approve', summary: 'r', commentCount: 1 };
      },
    });
    const { outcome } = await run(activities, undefined, 'issue-review-rounds');
    expect(outcome?.status).toBe('completed');
    expect(activities.calls.filter((call) => call.startsWith('code') || call.startsWith('review'))).toEqual([
      'code:0:large',
      'review:0:large',
      'code:1:large',
      'review:1:large',
      'code:2:large',
      'review:2:large',
    ]);
  });

  it(`fails the issue when review still requests changes after ${MAX_REVIEW_ROUNDS} extra rounds`, async () => {
    const activities = fakeActivities({
      reviewChange: async () => ({ verdict: 'request_changes', summary: 'no', commentCount: 2 }),
    });
    const { failure, progress } = await run(activities);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(((failure as WorkflowFailedError).cause as ApplicationFailure).type).toBe('IssueFailed');
    expect(activities.finished[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('3 rounds') });
    expect(progress.status).toBe('failed');
  });

  it('fails the issue with a readable reason when a stage fails for good', async () => {
    const activities = fakeActivities({
      researchIssue: async () => {
        throw ApplicationFailure.nonRetryable('Claude API 400: prompt is too long', 'UPSTREAM_REJECTED');
      },
    });
    const { failure, description } = await run(activities);
    expect((failure as WorkflowFailedError).cause?.message).toBe('research failed: Claude API 400: prompt is too long');
    expect(activities.finished[0]).toMatchObject({
      status: 'failed',
      error: 'research failed: Claude API 400: prompt is too long',
    });
    expect(description.typedSearchAttributes.get(searchAttributes.issueStage)).toBe('failed');
  });

  it('records the cancellation, in a non-cancellable scope, when the workflow is cancelled mid-stage', async () => {
    let codeStarted = false;
    const activities = fakeActivities({
      proposeChange: async () => {
        codeStarted = true;
        const context = Context.current();
        const beat = setInterval(() => context.heartbeat(), 100);
        try {
          await context.cancelled;
        } finally {
          clearInterval(beat);
        }
        throw new Error('unreachable: cancelled');
      },
    });
    const { failure, progress } = await run(activities, async (handle) => {
      await eventually(async () => codeStarted, Boolean);
      await handle.cancel();
    }, 'issue-cancelled');
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(activities.finished).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect(progress.status).toBe('cancelled');
  });
});
