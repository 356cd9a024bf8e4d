import type { AgentStage } from '../src/agents/tools';
import type { CodeSummary, ResearchSummary, ReviewSummary, StageOutput } from '../src/contracts/stages';
import { artifactWrite } from '../src/db/artifacts';
import type { Database } from '../src/db/client';
import { type IssueRecord, issueStageWrite } from '../src/db/issues';
import { type IssueContext, latestOf } from '../src/db/stage-entry';
import type { PendingWrites } from '../src/db/together';
import { clarificationsOf, describeIssue, json, truncate } from './stages';

/**
 * What each agent stage starts from (its first user message) and what it leaves behind
 * (artifacts, issue result) once its final tool passed validation.
 */

export type AgentStageSummary = ResearchSummary | CodeSummary | ReviewSummary;

interface StageRef {
  organizationId: string;
  issueId: string;
  round: number;
}

/** The first message of a stage's agent: the issue, what earlier stages found, what people said. */
export function initialPrompt(stage: AgentStage, issue: IssueRecord, context: IssueContext, ref: StageRef): string {
  const parts = [describeIssue(issue), `## Classification\n${json(issue.result['classification'])}`];
  parts.push(`## Triage\n${json(issue.result['triage'])}`, clarificationsOf(context.questions));
  const { decisions } = context;
  const research = latestOf(context, 'ANALYSIS');

  if (stage === 'research') {
    const planChanges = decisions.filter((d) => d.gate === 'plan' && d.decision === 'request_changes').at(-1);
    if (planChanges) parts.push(`## The reviewer asked for a different plan\n${planChanges.comment ?? ''}`);
    if (research && planChanges) parts.push(`## Your previous analysis\n${research.content}`);
    return parts.join('\n\n');
  }

  parts.push(`## Research\nRoot cause: ${String(research?.metadata['rootCause'] ?? '(none)')}\n\n${research?.content ?? '(no research recorded)'}`);
  const change = latestOf(context, 'CODE_CHANGE');
  if (stage === 'code') {
    if (ref.round > 0) {
      const review = latestOf(context, 'RECOMMENDATION');
      const finalChanges = decisions.filter((d) => d.gate === 'final' && d.decision === 'request_changes').at(-1);
      if (change) parts.push(`## Your previous change\n${change.content}\n\n\`\`\`diff\n${change.diffPatch ?? ''}\n\`\`\``);
      if (review && review.metadata['verdict'] === 'request_changes') parts.push(`## Review comments to address\n${review.content}`);
      if (finalChanges) parts.push(`## Changes a reviewer requested\n${finalChanges.comment ?? ''}`);
    }
    return parts.join('\n\n');
  }
  if (!change) throw new Error('review started before any change was proposed');
  parts.push(`## Proposed change (round ${ref.round + 1})\n${change.content}\n\n\`\`\`diff\n${change.diffPatch ?? ''}\n\`\`\``);
  return parts.join('\n\n');
}

/**
 * What a stage's final answer stores: its artifact (research analysis, proposed change,
 * review) and, for the review, the verdict on the issue. The writes join `writes`; the
 * summary for workflow history needs the artifact's id, known once they are sent.
 */
export function storeStageOutput(
  db: Database,
  stage: AgentStage,
  output: StageOutput<AgentStage>,
  ctx: StageRef & { stepId: string },
  writes: PendingWrites,
): { artifact: ReturnType<typeof artifactWrite>; summarize(artifactId: string): AgentStageSummary } {
  const base = { organizationId: ctx.organizationId, issueId: ctx.issueId, stepId: ctx.stepId };
  if (stage === 'research') {
    const research = output as StageOutput<'research'>;
    return {
      artifact: artifactWrite(db, {
        ...base,
        type: 'ANALYSIS',
        name: 'root-cause-analysis',
        content: research.analysis,
        metadata: { rootCause: research.rootCause, filesInvolved: research.filesInvolved, round: ctx.round },
      }),
      summarize: (artifactId) => ({ artifactId, rootCause: truncate(research.rootCause), filesInvolved: research.filesInvolved.slice(0, 20) }),
    };
  }
  if (stage === 'code') {
    const change = output as StageOutput<'code'>;
    return {
      artifact: artifactWrite(db, {
        ...base,
        type: 'CODE_CHANGE',
        name: 'proposed-change',
        content: change.summary,
        diffPatch: change.diff,
        metadata: { filesChanged: change.filesChanged, round: ctx.round },
      }),
      summarize: (artifactId) => ({ artifactId, summary: truncate(change.summary), filesChanged: change.filesChanged.slice(0, 50) }),
    };
  }
  const review = output as StageOutput<'review'>;
  writes.add(issueStageWrite(db, ctx, { stage: 'review', result: { review: { verdict: review.verdict, round: ctx.round } } }));
  return {
    artifact: artifactWrite(db, {
      ...base,
      type: 'RECOMMENDATION',
      name: 'review',
      content: [review.summary, ...review.comments.map((comment) => `- ${comment}`)].join('\n'),
      metadata: { verdict: review.verdict, comments: review.comments, round: ctx.round },
    }),
    summarize: () => ({ verdict: review.verdict, summary: truncate(review.summary), commentCount: review.comments.length }),
  };
}
