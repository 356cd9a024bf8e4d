import type { z } from 'zod';
import type { Stage } from '../src/contracts/issue';
import {
  type ClassifyOutput,
  type ClassifySummary,
  type CodeSummary,
  type ResearchSummary,
  type ReviewSummary,
  type StageActivityInput,
  SUMMARY_MAX_CHARS,
  type TriageOutput,
  type TriageSummary,
  stageOutputSchemas,
  stageToolNames,
} from '../src/contracts/stages';
import { latestArtifact, saveArtifact } from '../src/db/artifacts';
import type { Database } from '../src/db/client';
import { getIssue, type IssueRecord, recordIssueStage } from '../src/db/issues';
import { appendLog } from '../src/db/logs';
import { completeStep, failStep, startStep } from '../src/db/steps';
import { AppError, errorMessage } from '../src/errors';
import type { LlmClient } from '../src/llm/client';
import { loadPrompt } from '../src/prompts';
import { currentActivity } from './context';
import { toActivityFailure } from './failures';
import { callForStructuredOutput } from './structured-output';

export interface StageActivityDeps {
  db: Database;
  llm: LlmClient;
  models: { small: string; medium: string; large: string };
  maxOutputTokens: number;
}

const truncate = (text: string, max = SUMMARY_MAX_CHARS) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const AGENT_TYPES: Record<Stage, string> = {
  classify: 'classifier',
  triage: 'triager',
  research: 'researcher',
  code: 'coder',
  review: 'reviewer',
};

const TOOL_DESCRIPTIONS: Record<Stage, string> = {
  classify: 'Submit the classification of the issue.',
  triage: 'Submit the triage decision for the issue.',
  research: 'Submit the root-cause analysis.',
  code: 'Submit the proposed change as a unified diff.',
  review: 'Submit the review verdict for the proposed change.',
};

/**
 * The five pipeline stages, each one activity: load what the stage needs from Postgres,
 * make the model call(s), store the full result (step row, artifact, transcript) and return
 * a short summary for workflow history.
 *
 * Idempotent under retries: the step row is keyed by (issue, stage, round) and artifacts by
 * (step, name), so a retried attempt overwrites its own records.
 */
export function createStageActivities(deps: StageActivityDeps) {
  const { db } = deps;

  async function runStage<S extends Stage, R>(
    stage: S,
    input: StageActivityInput,
    buildPrompt: (issue: IssueRecord) => Promise<string>,
    store: (output: z.infer<(typeof stageOutputSchemas)[S]>, ctx: { issue: IssueRecord; stepId: string }) => Promise<R>,
  ): Promise<R> {
    const runtime = currentActivity();
    const model = deps.models[input.modelTier];
    const ref = { organizationId: input.organizationId, issueId: input.issueId };
    const issue = await getIssue(db, input.organizationId, input.issueId);
    if (!issue) {
      throw toActivityFailure(
        new AppError('NOT_FOUND', `issue ${input.issueId} not found for ${input.organizationId}`),
      );
    }
    const step = await startStep(db, {
      ...ref,
      stage,
      round: input.round,
      agentType: AGENT_TYPES[stage],
      model,
      attempt: runtime.attempt,
      maxAttempts: runtime.maxAttempts,
    });
    await recordIssueStage(db, ref, { stage });
    await appendLog(db, {
      ...ref,
      stepId: step.id,
      level: 'INFO',
      message: `${stage} started (model ${model}, attempt ${runtime.attempt}, round ${input.round})`,
    });

    try {
      const prompt = loadPrompt(stage);
      const { output } = await callForStructuredOutput({
        llm: deps.llm,
        db,
        runtime,
        model,
        maxTokens: deps.maxOutputTokens,
        system: prompt.text,
        promptId: prompt.id,
        userPrompt: await buildPrompt(issue),
        tool: {
          name: stageToolNames[stage],
          description: TOOL_DESCRIPTIONS[stage],
          schema: stageOutputSchemas[stage] as unknown as z.ZodType<z.infer<(typeof stageOutputSchemas)[S]>>,
        },
        record: { ...ref, stepId: step.id, stage },
      });
      const result = await store(output, { issue, stepId: step.id });
      const summary = summaryOf(result);
      await completeStep(db, step.id, summary);
      await appendLog(db, { ...ref, stepId: step.id, level: 'INFO', message: `${stage} completed: ${summary}` });
      return result;
    } catch (error) {
      if (!runtime.signal.aborted) {
        const message = errorMessage(error);
        await failStep(db, step.id, message);
        await appendLog(db, { ...ref, stepId: step.id, level: 'ERROR', message: `${stage} failed: ${message}` });
      }
      throw toActivityFailure(error);
    }
  }

  return {
    async classifyIssue(input: StageActivityInput): Promise<ClassifySummary> {
      return runStage(
        'classify',
        input,
        async (issue) => describeIssue(issue),
        async (output: ClassifyOutput, { issue }) => {
          // The reporter's type, priority and module stand; the classification is advisory
          // and kept in `result.classification` (the module fills a gap).
          const summary: ClassifySummary = {
            type: issue.type as ClassifySummary['type'],
            priority: issue.priority as ClassifySummary['priority'],
            module: issue.module ?? output.module,
            complexity: output.complexity,
            summary: truncate(output.summary),
          };
          await recordIssueStage(db, input, {
            stage: 'classify',
            module: output.module,
            result: { classification: output },
          });
          return summary;
        },
      );
    },

    async triageIssue(input: StageActivityInput): Promise<TriageSummary> {
      return runStage(
        'triage',
        input,
        async (issue) => `${describeIssue(issue)}\n\n## Classification\n${json(issue.result['classification'])}`,
        async (output: TriageOutput, { stepId }) => {
          await recordIssueStage(db, input, { stage: 'triage', result: { triage: output } });
          if (output.route === 'answer' && output.answer) {
            await saveArtifact(db, { ...input, stepId, type: 'DOCUMENTATION', name: 'answer', content: output.answer });
          }
          return { route: output.route, reason: truncate(output.reason) };
        },
      );
    },

    async researchIssue(input: StageActivityInput): Promise<ResearchSummary> {
      return runStage(
        'research',
        input,
        async (issue) =>
          `${describeIssue(issue)}\n\n## Classification\n${json(issue.result['classification'])}\n\n## Triage\n${json(issue.result['triage'])}`,
        async (output, { stepId }) => {
          const artifactId = await saveArtifact(db, {
            ...input,
            stepId,
            type: 'ANALYSIS',
            name: 'root-cause-analysis',
            content: output.analysis,
            metadata: { rootCause: output.rootCause, filesInvolved: output.filesInvolved },
          });
          return { artifactId, rootCause: truncate(output.rootCause), filesInvolved: output.filesInvolved.slice(0, 20) };
        },
      );
    },

    async proposeChange(input: StageActivityInput): Promise<CodeSummary> {
      return runStage(
        'code',
        input,
        async (issue) => {
          const research = await latestArtifact(db, input.organizationId, input.issueId, 'ANALYSIS');
          const review = input.round > 0 ? await latestArtifact(db, input.organizationId, input.issueId, 'RECOMMENDATION') : undefined;
          return [
            describeIssue(issue),
            `## Research\n${json(research?.metadata ?? {})}\n\n${research?.content ?? '(no research recorded)'}`,
            review ? `## Review comments from round ${input.round} to address\n${review.content}` : '',
          ].join('\n\n');
        },
        async (output, { stepId }) => {
          const artifactId = await saveArtifact(db, {
            ...input,
            stepId,
            type: 'CODE_CHANGE',
            name: 'proposed-change',
            content: output.summary,
            diffPatch: output.diff,
            metadata: { filesChanged: output.filesChanged, round: input.round },
          });
          return { artifactId, summary: truncate(output.summary), filesChanged: output.filesChanged.slice(0, 50) };
        },
      );
    },

    async reviewChange(input: StageActivityInput): Promise<ReviewSummary> {
      return runStage(
        'review',
        input,
        async (issue) => {
          const research = await latestArtifact(db, input.organizationId, input.issueId, 'ANALYSIS');
          const change = await latestArtifact(db, input.organizationId, input.issueId, 'CODE_CHANGE');
          if (!change) throw new AppError('CONFLICT', 'review ran before any change was proposed');
          return [
            describeIssue(issue),
            `## Research\n${research?.content ?? '(none)'}`,
            `## Proposed change\n${change.content}\n\n\`\`\`diff\n${change.diffPatch ?? ''}\n\`\`\``,
          ].join('\n\n');
        },
        async (output, { stepId }) => {
          await saveArtifact(db, {
            ...input,
            stepId,
            type: 'RECOMMENDATION',
            name: 'review',
            content: [output.summary, ...output.comments.map((comment) => `- ${comment}`)].join('\n'),
            metadata: { verdict: output.verdict, comments: output.comments, round: input.round },
          });
          await recordIssueStage(db, input, { stage: 'review', result: { review: { verdict: output.verdict, round: input.round } } });
          return { verdict: output.verdict, summary: truncate(output.summary), commentCount: output.comments.length };
        },
      );
    },
  };
}

/** The issue as the model sees it. The title line is parsed by the recorded demo replies. */
export function describeIssue(issue: IssueRecord): string {
  return [
    `Title: ${issue.title}`,
    `Type (as reported): ${issue.type}`,
    `Priority (as reported): ${issue.priority}`,
    `Module: ${issue.module ?? 'unknown'}`,
    `Source: ${issue.source} (${issue.externalId})`,
    '',
    '## Description',
    issue.description || '(empty)',
    '',
    '## Context',
    json(issue.context),
  ].join('\n');
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null, null, 2);
}

function summaryOf(result: unknown): string {
  if (result && typeof result === 'object') {
    const record = result as Record<string, unknown>;
    for (const key of ['summary', 'rootCause', 'reason']) {
      if (typeof record[key] === 'string') return truncate(record[key]);
    }
  }
  return truncate(JSON.stringify(result));
}
