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
import { defaultWorkerType, writesChanges } from '../src/contracts/worker-types';
import { artifactWrite } from '../src/db/artifacts';
import { listQuestions, type QuestionRecord } from '../src/db/people';
import type { Database } from '../src/db/client';
import { type IssueRecord, issueStageWrite } from '../src/db/issues';
import { appendLog, logWrite } from '../src/db/logs';
import { enterStage, type IssueContext } from '../src/db/stage-entry';
import { completedStageStep, stepCompletedWrite, stepFailedWrite } from '../src/db/steps';
import { PendingWrites } from '../src/db/together';
import { AppError, errorMessage } from '../src/errors';
import { loadPrompt } from '../src/prompts';
import { currentActivity } from './context';
import { toActivityFailure } from './failures';
import type { ModelCallDeps } from './model-call';
import { callForStructuredOutput } from './structured-output';

/** `spend`: the worker's spend-cap check (see ModelCallDeps). */
export interface StageActivityDeps extends ModelCallDeps {
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

  /** Where each single-call stage keeps its model's answer in `issues.result`. */
  const STORED_RESULT_KEYS = { classify: 'classification', triage: 'triage' } as const;

  async function runStage<S extends 'classify' | 'triage', R>(
    stage: S,
    input: StageActivityInput,
    buildPrompt: (issue: IssueRecord, context: IssueContext) => string,
    store: (output: z.infer<(typeof stageOutputSchemas)[S]>, ctx: { issue: IssueRecord; stepId: string; writes: PendingWrites }) => Omit<R, 'costUsd'>,
  ): Promise<R> {
    const runtime = currentActivity();
    const model = deps.models[input.modelTier];
    const ref = { organizationId: input.organizationId, issueId: input.issueId };
    if (runtime.attempt > 1) {
      // An earlier attempt may have finished — its writes are one statement — and only its
      // completion been lost (the worker died first): return what it stored, with what it
      // cost, rather than paying for the call again. Agent turns do the same (agent-turn.ts).
      const done = await completedStageStep(db, ref, { stage, round: input.round });
      const stored = done?.issue.result[STORED_RESULT_KEYS[stage]];
      const parsed = stored === undefined ? undefined : stageOutputSchemas[stage].safeParse(stored);
      if (done && parsed?.success) {
        // The summary only: these writes were made by the attempt that finished, and are not sent again.
        const unsent = new PendingWrites(db);
        const summary = store(parsed.data as z.infer<(typeof stageOutputSchemas)[S]>, { issue: done.issue, stepId: done.stepId, writes: unsent });
        await appendLog(db, { ...ref, stepId: done.stepId, level: 'INFO', message: `${stage}: attempt ${runtime.attempt} reused the answer attempt before it stored (no new model call)` });
        return { ...summary, costUsd: done.costUsd } as R;
      }
    }
    // One statement in: the stage, its step and log line, the issue and its context read back.
    const entered = await enterStage(
      db,
      ref,
      {
        stage,
        round: input.round,
        agentType: AGENT_TYPES[stage],
        model,
        attempt: runtime.attempt,
        maxAttempts: runtime.maxAttempts,
        message: `${stage} started (model ${model}, attempt ${runtime.attempt}, round ${input.round})`,
      },
      { withContext: stage === 'triage' },
    );
    if (!entered) {
      throw toActivityFailure(
        new AppError('NOT_FOUND', `issue ${input.issueId} not found for ${input.organizationId}`),
      );
    }
    const { issue, stepId, context } = entered;
    // One statement out: the model calls' records, what the stage stored, the step and its log line.
    const writes = new PendingWrites(db);
    try {
      const prompt = loadPrompt(stage);
      const { output, costUsd } = await callForStructuredOutput({
        llm: deps.llm,
        db,
        ...(deps.spend ? { spend: deps.spend } : {}),
        runtime,
        model,
        maxTokens: deps.maxOutputTokens,
        system: prompt.text,
        promptId: prompt.id,
        userPrompt: buildPrompt(issue, context),
        tool: {
          name: stageToolNames[stage],
          description: TOOL_DESCRIPTIONS[stage],
          schema: stageOutputSchemas[stage] as unknown as z.ZodType<z.infer<(typeof stageOutputSchemas)[S]>>,
        },
        record: { ...ref, stepId, stage },
        writes,
      });
      const result = { ...store(output, { issue, stepId, writes }), costUsd } as R;
      const summary = summaryOf(result);
      writes.add(stepCompletedWrite(db, stepId, summary), logWrite(db, { ...ref, stepId, level: 'INFO', message: `${stage} completed: ${summary}` }));
      await writes.flush();
      return result;
    } catch (error) {
      // The calls that were answered are recorded whatever happens next; what the stage would have stored is not.
      writes.keepEssential();
      if (!runtime.signal.aborted) {
        const message = errorMessage(error);
        writes.add(stepFailedWrite(db, stepId, message), logWrite(db, { ...ref, stepId, level: 'ERROR', message: `${stage} failed: ${message}` }));
      }
      // The failure being reported matters more than these writes: if they fail, the call records go alone.
      await writes.flush().catch(() => writes.salvage());
      throw toActivityFailure(error);
    }
  }

  return {
    async classifyIssue(input: StageActivityInput): Promise<ClassifySummary> {
      return runStage(
        'classify',
        input,
        (issue) => describeIssue(issue),
        (output: ClassifyOutput, { issue, writes }) => {
          // The reporter's type, priority and module stand; the classification is advisory
          // and kept in `result.classification` (the module fills a gap).
          const summary: Omit<ClassifySummary, 'costUsd'> = {
            type: issue.type as ClassifySummary['type'],
            priority: issue.priority as ClassifySummary['priority'],
            module: issue.module ?? output.module,
            complexity: output.complexity,
            summary: truncate(output.summary),
            capabilities: output.capabilities.slice(0, 20).map((capability) => capability.slice(0, 40)),
          };
          writes.add(issueStageWrite(db, input, { stage: 'classify', module: output.module, result: { classification: output } }));
          return summary;
        },
      );
    },

    async triageIssue(input: StageActivityInput): Promise<TriageSummary> {
      return runStage(
        'triage',
        input,
        (issue, context) =>
          [describeIssue(issue), `## Classification\n${json(issue.result['classification'])}`, clarificationsOf(context.questions)].join('\n\n'),
        (output: TriageOutput, { issue, stepId, writes }) => {
          writes.add(issueStageWrite(db, input, { stage: 'triage', result: { triage: output } }));
          if (output.route === 'answer' && output.answer) {
            writes.add(artifactWrite(db, { ...input, stepId, type: 'DOCUMENTATION', name: 'answer', content: output.answer }));
          }
          const workerType = output.workerType ?? defaultWorkerType(issue.type);
          if (output.route === 'research_and_code' || output.route === 'escalate') {
            const why = output.workerType ? 'the triage' : `the default for a ${issue.type}`;
            writes.add(logWrite(db, { ...input, stepId, level: 'INFO', message: `worker type: ${workerType} (${why}); it decides what the code agent may write and run` }));
          }
          return {
            route: output.route,
            reason: truncate(output.reason),
            question: output.question ? truncate(output.question, 2000) : null,
            workerType,
            makesChange: writesChanges(workerType),
          };
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
  return clarificationsOf(await listQuestions(db, organizationId, issueId));
}

/** The answered questions among `questions`, as a prompt section. */
export function clarificationsOf(questions: QuestionRecord[]): string {
  const answered = questions.filter((q) => q.answer);
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
