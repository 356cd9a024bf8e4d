import { and, asc, count, desc, eq, isNull, lt, type Placeholder, sql, type SQL } from 'drizzle-orm';
import { type IssueStatus, type ListIssuesQuery, type Stage, TERMINAL_ISSUE_STATUSES } from '../contracts/issue';
import { type Page, pageOf } from '../contracts/pages';
import type { Database } from './client';
import { newestFirstAfter } from './keyset';
import { inLastDay, windowAggregates, type Windows, windowsOf } from './windows';
import { decodedJson, executedRows, rowFromJson } from './json-rows';
import { modelSpendSince } from './llm-calls';
import type { AgentControls } from '../contracts/controls';
import { controlsRowsOf, effectiveFromRows } from './controls';
import { issueLogs, issues, type LogLevel } from './schema';
import { compiledStatement, compiledWrite } from './compiled';

export type IssueRecord = typeof issues.$inferSelect;
export type NewIssue = Omit<typeof issues.$inferInsert, 'id' | 'status' | 'createdAt' | 'updatedAt'>;

/**
 * Inserts the issue unless its business key (organization, source, external id) exists.
 * Returns the stored row either way; `created` says which. Safe under concurrent callers:
 * the unique index decides, never a read-then-write race.
 */
export async function insertIssueIfAbsent(
  db: Database,
  issue: NewIssue,
): Promise<{ issue: IssueRecord; created: boolean }> {
  const [inserted] = await db.insert(issues).values(issue).onConflictDoNothing().returning();
  if (inserted) return { issue: inserted, created: true };
  return { issue: await issueThatTookTheKey(db, issue), created: false };
}

/**
 * The issue stored under `issue`'s business key by someone else first (its insert did
 * nothing on conflict). Throws if there is none: the conflict was on the workflow id alone,
 * which derives from the business key.
 */
export async function issueThatTookTheKey(db: Database, issue: Pick<NewIssue, 'organizationId' | 'source' | 'externalId' | 'workflowId'>): Promise<IssueRecord> {
  const existing = await findIssueByBusinessKey(db, issue);
  if (!existing) throw new Error(`issue with workflow id ${issue.workflowId} exists under another key`);
  return existing;
}

/** Scoped by organization: another organization's issue is simply not found. */
export async function getIssue(db: Database, organizationId: string, issueId: string): Promise<IssueRecord | undefined> {
  const [row] = await db
    .select()
    .from(issues)
    .where(and(eq(issues.organizationId, organizationId), eq(issues.id, issueId)));
  return row;
}

/** A page of issues; `total`, `limit` and `offset` are kept for callers that page by offset. */
export interface IssuePage extends Page<IssueRecord> {
  total: number;
  limit: number;
  offset: number;
}

export async function listIssues(db: Database, organizationId: string, query: ListIssuesQuery): Promise<IssuePage> {
  const filters: SQL[] = [eq(issues.organizationId, organizationId)];
  if (query.status) filters.push(eq(issues.status, query.status));
  if (query.type) filters.push(eq(issues.type, query.type));
  if (query.priority) filters.push(eq(issues.priority, query.priority));
  if (query.module) filters.push(eq(issues.module, query.module));
  const where = and(...filters);
  const after = newestFirstAfter(issues.createdAt, issues.id, query.cursor, 'uuid');
  const [rows, [totals]] = await Promise.all([
    db
      .select()
      .from(issues)
      .where(after ? and(where, after) : where)
      .orderBy(desc(issues.createdAt), desc(issues.id))
      .limit(query.limit + 1)
      .offset(query.offset),
    db.select({ total: count() }).from(issues).where(where),
  ]);
  const page = pageOf(rows, query.limit, (row) => [row.createdAt, row.id]);
  return { ...page, total: totals?.total ?? 0, limit: query.limit, offset: query.offset };
}

/** The issue's move to a stage (with results merged in), unsent: for PendingWrites (together.ts). */
export function issueStageWrite(
  db: Database,
  ref: { organizationId: string; issueId: string },
  update: { stage: Stage; status?: IssueStatus; result?: Record<string, unknown>; module?: string | null },
) {
  return issueStage(db, {
    organizationId: ref.organizationId,
    issueId: ref.issueId,
    stage: update.stage,
    status: update.status ?? 'processing',
    module: update.module || null,
    result: update.result ? JSON.stringify(update.result) : null,
  });
}

const issueStage = compiledWrite<{ organizationId: string; issueId: string; stage: Stage; status: IssueStatus; module: string | null; result: string | null }>((value, db) =>
  db
    .update(issues)
    .set({
      stage: sql`${value('stage')}`,
      status: sql`${value('status')}`,
      // The reporter's module wins; the classifier's fills the gap.
      module: sql`coalesce(${issues.module}, ${value('module')})`,
      // Merged in when given (a NULL result stays NULL, as `||` leaves it).
      result: sql`(case when ${value('result')}::jsonb is null then ${issues.result} else ${issues.result} || ${value('result')}::jsonb end)`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(issues.organizationId, value('organizationId')), eq(issues.id, value('issueId')))),
);

/**
 * Final status, with its log line ("issue completed", "issue failed: …") in the same
 * statement: a reader who sees the issue ended also sees why in its logs. The log line is
 * written only when the status changes, so a retried call writes the same values and no
 * second line.
 */
export async function recordIssueOutcome(
  db: Database,
  ref: { organizationId: string; issueId: string },
  outcome: { status: IssueStatus; summary: string; error: string | null },
): Promise<void> {
  await issueOutcomeStatement(db, {
    organizationId: ref.organizationId,
    issueId: ref.issueId,
    status: outcome.status,
    error: outcome.error,
    result: JSON.stringify({ summary: outcome.summary }),
    level: outcome.status === 'failed' ? 'ERROR' : 'INFO',
    message: `issue ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`,
  });
}

const issueOutcomeStatement = compiledStatement<{ organizationId: string; issueId: string; status: IssueStatus; error: string | null; result: string; level: LogLevel; message: string }>((value) => {
  const where = and(eq(issues.organizationId, value('organizationId')), eq(issues.id, value('issueId')));
  // All three parts see one snapshot: `previous` is the status before this statement.
  return sql`
    with previous as (select ${issues.status} as status from ${issues} where ${where} for update),
    ended as (
      update ${issues}
      set status = ${value('status')},
          error = ${value('error')},
          pending = null,
          result = ${issues.result} || ${value('result')}::jsonb,
          updated_at = now(),
          completed_at = coalesce(${issues.completedAt}, now())
      where ${where}
      returning ${issues.organizationId} as organization_id, ${issues.id} as issue_id
    )
    insert into ${issueLogs} (organization_id, issue_id, level, message)
    select ended.organization_id, ended.issue_id, ${value('level')}, ${value('message')}
    from ended
    where not exists (select 1 from previous where previous.status = ${value('status')})`;
});

export async function findIssueByBusinessKey(
  db: Database,
  key: { organizationId: string; source: string; externalId: string },
): Promise<IssueRecord | undefined> {
  const [row] = await db
    .select()
    .from(issues)
    .where(and(eq(issues.organizationId, key.organizationId), eq(issues.source, key.source), eq(issues.externalId, key.externalId)));
  return row;
}

/** What a submission's checks read: the windows, the spend, the kill switch, and a repeat's row. */
export interface SubmissionSnapshot {
  /** The issue already known under the business key (a repeated delivery). */
  existing: IssueRecord | undefined;
  /** The organization's submissions in the sliding hour and day. */
  windows: Windows;
  /** What it has spent on models today and this month (UTC). */
  spent: { today: number; month: number };
  controls: AgentControls;
}

/**
 * The limits a new submission must be within, as `assertWithinWindows` (count + 1 ≤ limit) and
 * `assertSpentUnderCaps` (spent < cap) apply them; null: no limit. `allowed` is what the
 * caller checked without the database (the request's own budget).
 */
export interface SubmissionGuard {
  perHour: number | null;
  perDay: number | null;
  dailySpendUsd: number | null;
  monthlySpendUsd: number | null;
  allowed: boolean;
}

/**
 * A submission in one statement: the snapshot its checks read and, when the snapshot passes
 * `guard` and names no existing issue, the insert. `inserted` is the new row; without it the
 * caller runs its checks on the snapshot to say why (a repeat, a limit, a cap) — the guard
 * makes the same comparisons on the same figures (spend compared as float8, as JavaScript
 * reads it), so a refused submission never leaves a row behind. Neither inserted nor
 * existing and every check passing: the business key or the workflow id was taken by a
 * concurrent submission after the snapshot (read it with `issueThatTookTheKey`).
 */
export async function submitIssue(
  db: Database,
  issue: NewIssue,
  key: { source: string; externalId: string } | undefined,
  guard: SubmissionGuard,
): Promise<SubmissionSnapshot & { inserted: IssueRecord | undefined }> {
  const { organizationId } = issue;
  const result = await submissionStatement(db, {
    organizationId,
    keySource: key?.source ?? null,
    keyExternalId: key?.externalId ?? null,
    source: issue.source,
    externalId: issue.externalId,
    type: issue.type,
    priority: issue.priority,
    title: issue.title,
    description: issue.description ?? '',
    module: issue.module ?? null,
    context: JSON.stringify(issue.context ?? {}),
    budgetUsd: issue.budgetUsd ?? null,
    workflowId: issue.workflowId,
    createdByKeyId: issue.createdByKeyId ?? null,
    allowed: guard.allowed,
    perHour: guard.perHour,
    perDay: guard.perDay,
    dailySpendUsd: guard.dailySpendUsd,
    monthlySpendUsd: guard.monthlySpendUsd,
  });
  const [row] = executedRows(result) as Array<{ existing: unknown; hour: number; day: number; hour_oldest: string | null; day_oldest: string | null; today: string; month: string; controls: unknown; inserted: unknown }>;
  const asIssue = (json: unknown) => (json ? rowFromJson(issues, decodedJson(json) as Record<string, unknown>) : undefined);
  return {
    existing: asIssue(row?.existing),
    inserted: asIssue(row?.inserted),
    windows: windowsOf(row ? { hour: row.hour, day: row.day, hourOldest: row.hour_oldest, dayOldest: row.day_oldest } : undefined),
    spent: { today: Number(row?.today ?? 0), month: Number(row?.month ?? 0) },
    controls: effectiveFromRows(organizationId, row?.controls),
  };
}

/**
 * `submitIssue`'s statement, compiled once (compiled.ts): one shape for every submission — no
 * business key is a null key that matches nothing, no limit a null limit that passes.
 */
const submissionStatement = compiledStatement<{
  organizationId: string;
  keySource: string | null;
  keyExternalId: string | null;
  source: string;
  externalId: string;
  type: string;
  priority: string;
  title: string;
  description: string;
  module: string | null;
  context: string;
  budgetUsd: string | null;
  workflowId: string;
  createdByKeyId: string | null;
  allowed: boolean;
  perHour: number | null;
  perDay: number | null;
  dailySpendUsd: number | null;
  monthlySpendUsd: number | null;
}>((value, db) => {
  const organizationId = value('organizationId');
  const submitted = { table: issues, organizationId: issues.organizationId, createdAt: issues.createdAt };
  const windows = db.select(windowAggregates(issues.createdAt)).from(issues).where(inLastDay(submitted, organizationId));
  const within = (figure: SQL, limit: Placeholder, comparison: '<' | '<=') => sql`(${limit}::float8 is null or ${figure} ${sql.raw(comparison)} ${limit}::float8)`;
  return sql`
    with w as (${windows}),
    snapshot as (
      select (select row_to_json(i) from ${issues} i where i.organization_id = ${organizationId} and i.source = ${value('keySource')}::text and i.external_id = ${value('keyExternalId')}::text) as existing,
        w.hour, w.day, w.hour_oldest, w.day_oldest,
        ${modelSpendSince(organizationId, 'day')} as today,
        ${modelSpendSince(organizationId, 'month')} as month,
        ${controlsRowsOf(organizationId)} as controls
      from w
    ),
    inserted as (
      insert into ${issues} (organization_id, source, external_id, type, priority, title, description, module, context, budget_usd, workflow_id, created_by_key_id)
      select ${organizationId}, ${value('source')}, ${value('externalId')}, ${value('type')}, ${value('priority')}, ${value('title')}, ${value('description')}, ${value('module')},
        ${value('context')}::jsonb, ${value('budgetUsd')}::numeric, ${value('workflowId')}, ${value('createdByKeyId')}::uuid
      from snapshot
      where snapshot.existing is null and ${value('allowed')}::boolean
        and ${within(sql`snapshot.hour + 1`, value('perHour'), '<=')} and ${within(sql`snapshot.day + 1`, value('perDay'), '<=')}
        and ${within(sql`snapshot.today::float8`, value('dailySpendUsd'), '<')} and ${within(sql`snapshot.month::float8`, value('monthlySpendUsd'), '<')}
      on conflict do nothing
      returning *
    )
    select snapshot.*, (select row_to_json(inserted) from inserted) as inserted from snapshot`;
});

/**
 * Recovery sweep: issues still queued `seconds` after submission whose workflow is not known
 * to exist (the API died between the insert and the start). All organizations, or one.
 */
export async function listUnstartedIssuesOlderThan(db: Database, seconds: number, limit: number, organizationId?: string): Promise<IssueRecord[]> {
  return db
    .select()
    .from(issues)
    .where(
      and(
        isNull(issues.workflowStartedAt),
        eq(issues.status, 'queued'),
        lt(issues.createdAt, sql`now() - make_interval(secs => ${seconds})`),
        ...(organizationId ? [eq(issues.organizationId, organizationId)] : []),
      ),
    )
    .orderBy(asc(issues.createdAt))
    .limit(limit);
}

/** The issue's workflow exists (started now, or found running or finished). */
export async function markIssueWorkflowStarted(db: Database, issueId: string): Promise<void> {
  await db
    .update(issues)
    .set({ workflowStartedAt: sql`now()` })
    .where(and(eq(issues.id, issueId), isNull(issues.workflowStartedAt)));
}

export interface IssueHealthStats {
  /** Stored, not yet in a stage (waiting to start, or for a concurrency slot). */
  pending: number;
  /** In a stage, working or waiting for a person. */
  running: number;
  /** Of those running, waiting for a person (an approval, an answer, a budget). */
  waitingForPeople: number;
  /** Ended `failed` in the last hour. */
  failedLastHour: number;
}

/** The organization's issue counts that /health reports (the ERP's health contract). One statement. */
export async function issueHealthStats(db: Database, organizationId: string): Promise<IssueHealthStats> {
  const terminal = sql.join(TERMINAL_ISSUE_STATUSES.map((status) => sql`${status}`), sql`, `);
  const result = await db.execute(sql`
    select
      count(*) filter (where status = 'queued')::int as pending,
      count(*) filter (where status not in (${terminal}) and status <> 'queued')::int as running,
      count(*) filter (where status not in (${terminal}) and status <> 'queued' and pending is not null)::int as waiting,
      count(*) filter (where status = 'failed' and completed_at > now() - interval '1 hour')::int as failed
    from issues
    where organization_id = ${organizationId}
      and (status not in (${terminal}) or (status = 'failed' and completed_at > now() - interval '1 hour'))`);
  const [row] = executedRows(result);
  const n = (name: string) => Number(row?.[name] ?? 0);
  return { pending: n('pending'), running: n('running'), waitingForPeople: n('waiting'), failedLastHour: n('failed') };
}

/**
 * An issue's non-final status (and what a person owes it while it waits; null: nothing), unsent:
 * for an activity's own statement or writeTogether.
 */
export function issueStatusWrite(db: Database, issue: { organizationId: string; issueId: string; status: IssueStatus; pending?: (typeof issues.$inferInsert)['pending'] }) {
  return issueStatus(db, { organizationId: issue.organizationId, issueId: issue.issueId, status: issue.status, pending: issue.pending ? JSON.stringify(issue.pending) : null });
}

const issueStatus = compiledWrite<{ organizationId: string; issueId: string; status: IssueStatus; pending: string | null }>((value, db) =>
  db
    .update(issues)
    .set({ status: sql`${value('status')}`, pending: sql`${value('pending')}::jsonb`, updatedAt: sql`now()` })
    .where(and(eq(issues.organizationId, value('organizationId')), eq(issues.id, value('issueId')))),
);
