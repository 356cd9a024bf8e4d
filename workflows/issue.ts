/**
 * IssueWorkflow: one durable run per issue, classify → triage → research → code → review.
 *
 * DETERMINISTIC ZONE. Values come only from @temporalio/workflow and ./; everything else is
 * `import type`. All I/O (Claude, Postgres) happens in activities, which are retried by
 * Temporal; this file decides only what runs next.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { IssueStatus, Stage } from '../src/contracts/issue';
import type { ClassifySummary, StageActivityInput, TriageRoute } from '../src/contracts/stages';
import {
  type IssueOutcome,
  type IssueProgress,
  type IssueWorkflowInput,
  type ModelTier,
  searchAttributes,
  statusQuery,
} from './definitions';

/** Review may send the change back to code at most this many times. */
export const MAX_REVIEW_ROUNDS = 2;

const STAGE_COUNT = 5;

// Model calls: transient upstream errors (429/5xx/overloaded) are retried here, honouring
// `retry-after` through the failure's nextRetryDelay; 4xx and invalid output are
// non-retryable failures raised by the activity.
const stages = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
});

// Bookkeeping in Postgres: short, idempotent, retried until the database is back.
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/** Triage's complexity picks the model tier for the expensive stages. */
export function tierForComplexity(complexity: number): ModelTier {
  if (complexity <= 3) return 'small';
  if (complexity <= 7) return 'medium';
  return 'large';
}

export async function issueWorkflow(input: IssueWorkflowInput): Promise<IssueOutcome> {
  const progress: IssueProgress = {
    issueId: input.issueId,
    status: 'processing',
    stage: null,
    progress: 0,
    currentStep: 'starting',
    stagesCompleted: [],
    route: null,
    error: null,
    updatedAt: new Date().toISOString(),
  };
  setHandler(statusQuery, () => progress);

  const stageInput = (round: number, modelTier: ModelTier): StageActivityInput => ({
    issueId: input.issueId,
    organizationId: input.organizationId,
    round,
    modelTier,
  });

  function enter(stage: Stage, step: string): void {
    progress.stage = stage;
    progress.currentStep = step;
    progress.updatedAt = new Date().toISOString();
    upsertSearchAttributes([{ key: searchAttributes.issueStage, value: stage }]);
    setCurrentDetails(describe(progress, input));
  }

  function complete(stage: Stage): void {
    if (!progress.stagesCompleted.includes(stage)) progress.stagesCompleted.push(stage);
    progress.progress = Math.round((progress.stagesCompleted.length / STAGE_COUNT) * 100);
    progress.updatedAt = new Date().toISOString();
  }

  async function finish(status: IssueStatus, summary: string, error: string | null): Promise<void> {
    // Postgres first: once the status query says the issue ended, the database says so too.
    await bookkeeping.finishIssue({
      issueId: input.issueId,
      organizationId: input.organizationId,
      status,
      summary,
      error,
    });
    progress.status = status;
    progress.currentStep = status;
    progress.error = error;
    if (status === 'completed') progress.progress = 100;
    progress.updatedAt = new Date().toISOString();
    upsertSearchAttributes([{ key: searchAttributes.issueStage, value: status }]);
    setCurrentDetails(describe(progress, input));
  }

  type PipelineResult = { status: 'completed' | 'rejected' | 'failed'; route: TriageRoute; summary: string };

  async function pipeline(): Promise<PipelineResult> {
    enter('classify', 'classifying the issue');
    const classification: ClassifySummary = await stages.classifyIssue(stageInput(0, 'small'));
    complete('classify');
    upsertSearchAttributes([
      { key: searchAttributes.issueType, value: classification.type },
      { key: searchAttributes.issuePriority, value: classification.priority },
      ...(classification.module ? [{ key: searchAttributes.issueModule, value: classification.module }] : []),
    ]);
    const tier = tierForComplexity(classification.complexity);

    enter('triage', 'deciding how to handle the issue');
    const triage = await stages.triageIssue(stageInput(0, 'small'));
    complete('triage');
    progress.route = triage.route;
    if (triage.route === 'reject') return { status: 'rejected', route: triage.route, summary: triage.reason };
    if (triage.route === 'answer') return { status: 'completed', route: triage.route, summary: triage.reason };

    enter('research', 'investigating the root cause');
    const research = await stages.researchIssue(stageInput(0, tier));
    complete('research');
    // `research` and `escalate` end with the analysis for a person to act on.
    if (triage.route !== 'research_and_code') {
      return { status: 'completed', route: triage.route, summary: research.rootCause };
    }

    for (let round = 0; round <= MAX_REVIEW_ROUNDS; round++) {
      enter('code', round === 0 ? 'writing the change' : `revising the change (round ${round + 1})`);
      const change = await stages.proposeChange(stageInput(round, tier));
      complete('code');

      enter('review', `reviewing the change (round ${round + 1})`);
      const review = await stages.reviewChange(stageInput(round, tier));
      complete('review');
      if (review.verdict === 'approve') {
        return { status: 'completed', route: triage.route, summary: `${change.summary}\n\nReview: ${review.summary}` };
      }
    }
    return {
      status: 'failed',
      route: triage.route,
      summary: `review requested changes in all ${MAX_REVIEW_ROUNDS + 1} rounds`,
    };
  }

  let result: PipelineResult;
  try {
    result = await pipeline();
    await finish(result.status, result.summary, result.status === 'failed' ? result.summary : null);
  } catch (err) {
    if (isCancellation(err)) {
      // Cleanup must run although the workflow is being cancelled.
      await CancellationScope.nonCancellable(() => finish('cancelled', 'cancelled', null));
      throw err;
    }
    const reason = `${progress.stage ?? 'pipeline'} failed: ${failureMessage(err)}`;
    await finish('failed', reason, reason);
    throw ApplicationFailure.nonRetryable(reason, 'IssueFailed');
  }
  // Failing the execution (not just the issue row) makes failed issues stand out in the Web UI.
  if (result.status === 'failed') throw ApplicationFailure.nonRetryable(result.summary, 'IssueFailed');
  return { issueId: input.issueId, status: result.status, route: result.route, summary: result.summary };
}

/**
 * The message of the failure an activity raised (our ApplicationFailure), not of its
 * deepest cause: that is the SDK's raw error, for stack traces rather than people.
 */
function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** Markdown shown as "current details" on the workflow page of the Web UI. */
function describe(progress: IssueProgress, input: IssueWorkflowInput): string {
  const lines = [
    `**${input.title}**`,
    '',
    `- status: \`${progress.status}\``,
    `- stage: \`${progress.stage ?? '—'}\` (${progress.progress}%)`,
    `- step: ${progress.currentStep}`,
    `- organization: \`${input.organizationId}\``,
    `- issue: \`${input.issueId}\``,
    `- run: \`${workflowInfo().runId}\``,
  ];
  if (progress.route) lines.push(`- route: \`${progress.route}\``);
  if (progress.error) lines.push('', `> ${progress.error}`);
  return lines.join('\n');
}
