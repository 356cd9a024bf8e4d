import type { z } from 'zod';
import type { Stage } from '../src/contracts/issue';
import {
  type ClassifyOutput,
  type ClassifySummary,
  type StageActivityInput,
  SUMMARY_MAX_CHARS,
  type TriageOutput,
  type TriageSummary,
  stageOutputSchemas,
  stageToolNames,
} from '../src/contracts/stages';
import { saveArtifact } from '../src/db/artifacts';
import { listQuestions } from '../src/db/people';
import type { Database } from '../src/db/client';
import { type IssueRecord, recordIssueStage } from '../src/db/issues';
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

export const truncate = (text: string, max = SUMMARY_MAX_CHARS) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export const AGENT_TYPES: Record<Stage, string> = {
  classify: 'classifier',
  triage: 'triager',
  research: 'researcher',
  code: 'coder',
  review: 'reviewer',
};

const TOOL_DESCRIPTIONS: Record<'classify' | 'triage', string> = {
  classify: 'Submit the classification of the issue.',
  triage: 'Submit the triage decision for the issue.',
};

/**
 * The single-call stages, classify and triage, each one activity: load what the stage needs
 * from Postgres, make the model call (plus at most one repair turn), store the full result
 * (step row, artifact, transcript) and return a short summary for workflow history.
 * Research, code and review are agent loops (activities/agent.ts).
 *
 * Idempotent under retries: the step row is keyed by (issue, stage, round) and artifacts by
 * (step, name), so a retried attempt overwrites its own records.
 */
export function createStageActivities(deps: StageActivityDeps) {
  const { db } = deps;

  async function runStage<S extends 'classify' | 'triage', R>(
    stage: S,
    input: StageActivityInput,
    buildPrompt: (issue: IssueRecord) => Promise<string>,
    store: (output: z.infer<(typeof stageOutputSchemas)[S]>, ctx: { issue: IssueRecord; stepId: string }) => Promise<Omit<R, 'costUsd'>>,
  ): Promise<R> {
    const runtime = currentActivity();
    const model = deps.models[input.modelTier];
    const ref = { organizationId: input.organizationId, issueId: input.issueId };
    // Entering the stage reads the issue back: one statement, not a read and a write.
    const issue = await recordIssueStage(db, ref, { stage });
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
    await appendLog(db, {
      ...ref,
      stepId: step.id,
      level: 'INFO',
      message: `${stage} started (model ${model}, attempt ${runtime.attempt}, round ${input.round})`,
    });

    try {
      const prompt = loadPrompt(stage);
      const { output, costUsd } = await callForStructuredOutput({
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
      const result = { ...(await store(output, { issue, stepId: step.id })), costUsd } as R;
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
          const summary: Omit<ClassifySummary, 'costUsd'> = {
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
        async (issue) =>
          [
            describeIssue(issue),
            `## Classification\n${json(issue.result['classification'])}`,
            await describeClarifications(db, input.organizationId, input.issueId),
          ].join('\n\n'),
        async (output: TriageOutput, { stepId }) => {
          await recordIssueStage(db, input, { stage: 'triage', result: { triage: output } });
          if (output.route === 'answer' && output.answer) {
            await saveArtifact(db, { ...input, stepId, type: 'DOCUMENTATION', name: 'answer', content: output.answer });
          }
          return { route: output.route, reason: truncate(output.reason), question: output.question ? truncate(output.question, 2000) : null };
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

/** Questions asked so far and their answers, for the prompts that build on them. */
export async function describeClarifications(db: Database, organizationId: string, issueId: string): Promise<string> {
  const answered = (await listQuestions(db, organizationId, issueId)).filter((q) => q.answer);
  if (answered.length === 0) return '## Clarifications\n(none)';
  return ['## Clarifications', ...answered.map((q) => `Q (${q.stage}): ${q.question}\nA (${q.answeredBy}): ${q.answer}`)].join('\n\n');
}

export function json(value: unknown): string {
  return JSON.stringify(value ?? null, null, 2);
}

export function summaryOf(result: unknown): string {
  if (result && typeof result === 'object') {
    const record = result as Record<string, unknown>;
    for (const key of ['summary', 'rootCause', 'reason']) {
      if (typeof record[key] === 'string') return truncate(record[key]);
    }
  }
  return truncate(JSON.stringify(result));
}
