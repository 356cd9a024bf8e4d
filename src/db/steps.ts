import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database } from './client';
import { compiledWrite } from './compiled';
import { writeTogether } from './together';
import type { IssueRecord } from './issues';
import { decodedJson, executedRows, rowFromJson } from './json-rows';
import { issues, issueSteps, llmCalls } from './schema';

export type StepRecord = typeof issueSteps.$inferSelect;

/**
 * Marks a stage run as running and counts the attempt. Keyed by (issue, stage, round), so a
 * retried activity updates its own row instead of adding one; the first start time is kept.
 */
export async function startStep(
  db: Database,
  step: { organizationId: string; issueId: string; stage: string; round: number; agentType: string; model: string; attempt: number; maxAttempts?: number },
): Promise<StepRecord> {
  const [row] = await db
    .insert(issueSteps)
    .values({
      organizationId: step.organizationId,
      issueId: step.issueId,
      stage: step.stage,
      round: step.round,
      agentType: step.agentType,
      model: step.model,
      status: 'running',
      attempts: step.attempt,
      maxAttempts: step.maxAttempts,
    })
    .onConflictDoUpdate({
      target: [issueSteps.issueId, issueSteps.stage, issueSteps.round],
      set: {
        status: 'running',
        model: step.model,
        attempts: sql`greatest(${issueSteps.attempts}, ${step.attempt})`,
        error: null,
        completedAt: null,
      },
    })
    .returning();
  if (!row) throw new Error('step upsert returned no row');
  return row;
}

export async function completeStep(db: Database, stepId: string, summary: string): Promise<void> {
  await writeTogether(db, [stepCompletedWrite(db, stepId, summary)]);
}

export async function failStep(db: Database, stepId: string, error: string): Promise<void> {
  await stepFailedWrite(db, stepId, error);
}

/** The step's completion, unsent: for PendingWrites (together.ts). */
export function stepCompletedWrite(db: Database, stepId: string, summary: string) {
  return stepCompletion(db, { stepId, summary });
}

const stepCompletion = compiledWrite<{ stepId: string; summary: string }>((value, db) =>
  db.update(issueSteps).set({ status: 'completed', summary: sql`${value('summary')}`, error: null, completedAt: sql`now()` }).where(eq(issueSteps.id, value('stepId'))),
);

/** The step's failure, unsent: for PendingWrites (together.ts). */
export function stepFailedWrite(db: Database, stepId: string, error: string) {
  return db.update(issueSteps).set({ status: 'failed', error, completedAt: sql`now()` }).where(eq(issueSteps.id, stepId));
}

export async function listSteps(db: Database, organizationId: string, issueId: string): Promise<StepRecord[]> {
  return db
    .select()
    .from(issueSteps)
    .where(and(eq(issueSteps.organizationId, organizationId), eq(issueSteps.issueId, issueId)))
    .orderBy(asc(issueSteps.startedAt), asc(issueSteps.round));
}

/**
 * A stage step that already completed — its writes (the model calls' records, what the stage
 * stored, the completion) went out together — with the issue as it stands and what the step's
 * model calls cost. For a retried single-call stage whose first attempt finished but whose
 * completion never reached Temporal (the worker died after the write): the retry returns what
 * is stored instead of calling the model again. Undefined when there is no such step.
 */
export async function completedStageStep(
  db: Database,
  ref: { organizationId: string; issueId: string },
  step: { stage: string; round: number },
): Promise<{ stepId: string; costUsd: number; issue: IssueRecord } | undefined> {
  const result = await db.execute(sql`
    select s.id as step_id,
      (select coalesce(sum(c.cost_usd), 0) from ${llmCalls} c where c.step_id = s.id) as cost_usd,
      (select row_to_json(i) from ${issues} i where i.organization_id = s.organization_id and i.id = s.issue_id) as issue
    from ${issueSteps} s
    where s.organization_id = ${ref.organizationId} and s.issue_id = ${ref.issueId}
      and s.stage = ${step.stage} and s.round = ${step.round} and s.status = 'completed'`);
  const [row] = executedRows(result);
  if (!row?.['issue']) return undefined;
  return {
    stepId: String(row['step_id']),
    costUsd: Number(row['cost_usd']),
    issue: rowFromJson(issues, decodedJson(row['issue']) as Record<string, unknown>),
  };
}
