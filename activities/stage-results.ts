import type { AgentStage } from '../src/agents/tools';
import type { CodeSummary, ResearchSummary, ReviewSummary, StageOutput } from '../src/contracts/stages';
import { latestArtifact, saveArtifact } from '../src/db/artifacts';
import type { Database } from '../src/db/client';
import { type IssueRecord, recordIssueStage } from '../src/db/issues';
import { listDecisions } from '../src/db/people';
import { describeClarifications, describeIssue, json, truncate } from './stages';

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

export async function initialPrompt(db: Database, stage: AgentStage, issue: IssueRecord, ref: StageRef): Promise<string> {
  const parts = [describeIssue(issue), `## Classification\n${json(issue.result['classification'])}`];
  parts.push(`## Triage\n${json(issue.result['triage'])}`, await describeClarifications(db, ref.organizationId, ref.issueId));
  const decisions = await listDecisions(db, ref.organizationId, ref.issueId);
  const research = await latestArtifact(db, ref.organizationId, ref.issueId, 'ANALYSIS');

  if (stage === 'research') {
    const planChanges = decisions.filter((d) => d.gate === 'plan' && d.decision === 'request_changes').at(-1);
    if (planChanges) parts.push(`## The reviewer asked for a different plan\n${planChanges.comment ?? ''}`);
    if (research && planChanges) parts.push(`## Your previous analysis\n${research.content}`);
    return parts.join('\n\n');
  }

  parts.push(`## Research\nRoot cause: ${String(research?.metadata['rootCause'] ?? '(none)')}\n\n${research?.content ?? '(no research recorded)'}`);
  const change = await latestArtifact(db, ref.organizationId, ref.issueId, 'CODE_CHANGE');
  if (stage === 'code') {
    if (ref.round > 0) {
      const review = await latestArtifact(db, ref.organizationId, ref.issueId, 'RECOMMENDATION');
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

export async function storeStageOutput(
  db: Database,
  stage: AgentStage,
  output: StageOutput<AgentStage>,
  ctx: StageRef & { stepId: string },
): Promise<AgentStageSummary> {
  const base = { organizationId: ctx.organizationId, issueId: ctx.issueId, stepId: ctx.stepId };
  if (stage === 'research') {
    const research = output as StageOutput<'research'>;
    const artifactId = await saveArtifact(db, {
      ...base,
      type: 'ANALYSIS',
      name: 'root-cause-analysis',
      content: research.analysis,
      metadata: { rootCause: research.rootCause, filesInvolved: research.filesInvolved, round: ctx.round },
    });
    return { artifactId, rootCause: truncate(research.rootCause), filesInvolved: research.filesInvolved.slice(0, 20) };
  }
  if (stage === 'code') {
    const change = output as StageOutput<'code'>;
    const artifactId = await saveArtifact(db, {
      ...base,
      type: 'CODE_CHANGE',
      name: 'proposed-change',
      content: change.summary,
      diffPatch: change.diff,
      metadata: { filesChanged: change.filesChanged, round: ctx.round },
    });
    return { artifactId, summary: truncate(change.summary), filesChanged: change.filesChanged.slice(0, 50) };
  }
  const review = output as StageOutput<'review'>;
  await saveArtifact(db, {
    ...base,
    type: 'RECOMMENDATION',
    name: 'review',
    content: [review.summary, ...review.comments.map((comment) => `- ${comment}`)].join('\n'),
    metadata: { verdict: review.verdict, comments: review.comments, round: ctx.round },
  });
  await recordIssueStage(db, ctx, { stage: 'review', result: { review: { verdict: review.verdict, round: ctx.round } } });
  return { verdict: review.verdict, summary: truncate(review.summary), commentCount: review.comments.length };
}
