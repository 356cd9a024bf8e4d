import { sql } from 'drizzle-orm';
import type { Stage } from '../contracts/issue';
import type { Database } from './client';
import { compiledStatement } from './compiled';
import type { IssueRecord } from './issues';
import { decodedJson, executedRows, rowFromJson, rowsFromJson } from './json-rows';
import type { ArtifactRecord } from './artifacts';
import type { DecisionRecord, QuestionRecord } from './people';
import { artifacts, decisions, issues, questions } from './schema';

/** What people and earlier stages left on an issue, oldest first: what prompts are built from. */
export interface IssueContext {
  questions: QuestionRecord[];
  decisions: DecisionRecord[];
  artifacts: ArtifactRecord[];
}

export interface StageStep {
  stage: Stage;
  round: number;
  agentType: string;
  model: string;
  attempt: number;
  maxAttempts?: number | undefined;
  /** The log line that says the step started. */
  message: string;
}

/**
 * Entering a stage, in one statement: the issue moves to the stage (and is marked as having a
 * workflow, which the recovery sweep reads), its step row is opened
 * (keyed by issue, stage and round, so a retried activity reopens its own row and counts the
 * attempt), the step's "started" log line is written, and the issue is read back — with its
 * context (`withContext`) for the stage's prompt. Nothing is written for an issue of another
 * organization: undefined.
 *
 * The issue is read from the statement's snapshot, before its own update: its stage and
 * status are set here to what the update wrote.
 */
export async function enterStage(
  db: Database,
  ref: { organizationId: string; issueId: string },
  step: StageStep,
  options: { withContext?: boolean } = {},
): Promise<{ issue: IssueRecord; stepId: string; context: IssueContext } | undefined> {
  const values = {
    organizationId: ref.organizationId,
    issueId: ref.issueId,
    stage: step.stage,
    round: step.round,
    agentType: step.agentType,
    model: step.model,
    attempt: step.attempt,
    maxAttempts: step.maxAttempts ?? null,
    message: step.message,
  };
  const result = await (options.withContext ? stageEntryWithContext : stageEntry)(db, values);
  const [row] = executedRows(result);
  if (!row?.['issue'] || !row['step_id']) return undefined;
  const issue = { ...rowFromJson(issues, decodedJson(row['issue']) as Record<string, unknown>), stage: step.stage, status: 'processing' as const };
  return {
    issue,
    stepId: String(row['step_id']),
    context: {
      questions: rowsFromJson(questions, row['questions']),
      decisions: rowsFromJson(decisions, row['decisions']),
      artifacts: rowsFromJson(artifacts, row['artifacts']),
    },
  };
}

type StageEntryValues = {
  organizationId: string;
  issueId: string;
  stage: Stage;
  round: number;
  agentType: string;
  model: string;
  attempt: number;
  maxAttempts: number | null;
  message: string;
};

/** The stage entry's statement, compiled once with its context read (`withContext`) and once without. */
const stageEntryStatement = (withContext: boolean) =>
  compiledStatement<StageEntryValues>((value) => {
    const organizationId = value('organizationId');
    const issueId = value('issueId');
    const owned = (alias: string) => sql`${sql.raw(alias)}.organization_id = ${organizationId} and ${sql.raw(alias)}.issue_id = ${issueId}`;
    const listed = (table: typeof questions | typeof decisions | typeof artifacts, alias: string) =>
      withContext
        ? sql`(select coalesce(json_agg(${sql.raw(alias)} order by ${sql.raw(alias)}.created_at), '[]'::json) from ${table} ${sql.raw(alias)} where ${owned(alias)})`
        : sql`'[]'::json`;
    return sql`
    with entered as (
      update ${issues} set stage = ${value('stage')}, status = 'processing', updated_at = now(),
        workflow_started_at = coalesce(${issues.workflowStartedAt}, now())
      where ${issues.organizationId} = ${organizationId} and ${issues.id} = ${issueId}
      returning id
    ),
    step as (
      insert into issue_steps (organization_id, issue_id, stage, round, agent_type, model, status, attempts, max_attempts)
      select ${organizationId}, entered.id, ${value('stage')}, ${value('round')}, ${value('agentType')}, ${value('model')}, 'running', ${value('attempt')}, ${value('maxAttempts')}
      from entered
      on conflict (issue_id, stage, round) do update set
        status = 'running', model = excluded.model, attempts = greatest(issue_steps.attempts, excluded.attempts), error = null, completed_at = null
      returning id
    ),
    logged as (
      insert into issue_logs (organization_id, issue_id, step_id, level, message)
      select ${organizationId}, ${issueId}, step.id, 'INFO', ${value('message')} from step
    )
    select
      (select row_to_json(i) from ${issues} i where i.organization_id = ${organizationId} and i.id = ${issueId}) as issue,
      (select id from step) as step_id,
      ${listed(questions, 'q')} as questions,
      ${listed(decisions, 'd')} as decisions,
      ${listed(artifacts, 'a')} as artifacts`;
  });
const stageEntry = stageEntryStatement(false);
const stageEntryWithContext = stageEntryStatement(true);

/** The newest artifact of a type in a context (e.g. the research analysis code builds on). */
export function latestOf(context: IssueContext, type: ArtifactRecord['type']): ArtifactRecord | undefined {
  return context.artifacts.filter((artifact) => artifact.type === type).at(-1);
}
