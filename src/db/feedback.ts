import { and, desc, eq, sql } from 'drizzle-orm';
import { FEEDBACK_OUTCOMES, type FeedbackGroup, type FeedbackSummaryQuery, type FeedbackView } from '../contracts/feedback';
import { toIso } from '../time';
import type { Database } from './client';
import { executedRows } from './json-rows';
import { feedback } from './schema';

type FeedbackRow = typeof feedback.$inferSelect;
export type NewFeedback = Omit<typeof feedback.$inferInsert, 'id' | 'createdAt' | 'improvementStatus' | 'analysisResult'>;

/** Feedback about one issue or one skill run shows at most this many, newest first. */
export const FEEDBACK_LIST_LIMIT = 200;

export function feedbackView(row: FeedbackRow): FeedbackView {
  return {
    id: row.id,
    issueId: row.issueId,
    invocationId: row.invocationId,
    agentType: row.agentType,
    rating: row.rating,
    outcome: row.outcome,
    comment: row.comment,
    tags: row.tags,
    userId: row.userId,
    kanbanCardId: row.kanbanCardId,
    improvementStatus: row.improvementStatus,
    analysisResult: row.analysisResult ?? null,
    createdAt: toIso(row.createdAt),
  };
}

export async function insertFeedback(db: Database, values: NewFeedback): Promise<FeedbackView> {
  const [row] = await db.insert(feedback).values(values).returning();
  return feedbackView(row!);
}

export async function listFeedback(db: Database, organizationId: string, about: { issueId: string } | { invocationId: string }): Promise<FeedbackView[]> {
  const target = 'issueId' in about ? eq(feedback.issueId, about.issueId) : eq(feedback.invocationId, about.invocationId);
  const rows = await db
    .select()
    .from(feedback)
    .where(and(eq(feedback.organizationId, organizationId), target))
    .orderBy(desc(feedback.createdAt), desc(feedback.id))
    .limit(FEEDBACK_LIST_LIMIT);
  return rows.map(feedbackView);
}

/** Sets what was done about one piece of feedback; undefined when the organization has no such feedback. */
export async function updateImprovement(
  db: Database,
  organizationId: string,
  id: string,
  change: { improvementStatus: FeedbackView['improvementStatus']; analysisResult?: Record<string, unknown> | undefined },
): Promise<FeedbackView | undefined> {
  const [row] = await db
    .update(feedback)
    .set({ improvementStatus: change.improvementStatus, ...(change.analysisResult ? { analysisResult: change.analysisResult } : {}) })
    .where(and(eq(feedback.organizationId, organizationId), eq(feedback.id, id)))
    .returning();
  return row ? feedbackView(row) : undefined;
}

/**
 * In one statement: the organization's feedback in [from, to), grouped by stage for issues
 * (`issue` for the issue as a whole) and by skill for skill runs.
 */
export async function feedbackSummary(db: Database, organizationId: string, query: FeedbackSummaryQuery): Promise<{ byStage: FeedbackGroup[]; bySkill: FeedbackGroup[] }> {
  const inRange = sql`f.organization_id = ${organizationId}
    ${query.from ? sql`and f.created_at >= ${query.from}::timestamptz` : sql``}
    ${query.to ? sql`and f.created_at < ${query.to}::timestamptz` : sql``}`;
  const counts = sql.join(
    FEEDBACK_OUTCOMES.map((outcome) => sql`count(*) filter (where f.outcome = ${outcome})::int as ${sql.identifier(outcome)}`),
    sql`, `,
  );
  const result = await db.execute(sql`
    select 'stage' as dimension, coalesce(f.agent_type, 'issue') as key, count(*)::int as count, round(avg(f.rating), 2)::float8 as average,
      count(*) filter (where f.improvement_status = 'PENDING')::int as pending, ${counts}
    from ${feedback} f where ${inRange} and f.issue_id is not null group by 2
    union all
    select 'skill', coalesce(f.agent_type, 'unknown'), count(*)::int, round(avg(f.rating), 2)::float8,
      count(*) filter (where f.improvement_status = 'PENDING')::int, ${counts}
    from ${feedback} f where ${inRange} and f.invocation_id is not null group by 2
    order by 1, 2`);
  const groups = executedRows(result).map((row) => ({
    dimension: String(row['dimension']),
    group: {
      key: String(row['key']),
      count: Number(row['count']),
      averageRating: Number(row['average']),
      outcomes: Object.fromEntries(FEEDBACK_OUTCOMES.map((outcome) => [outcome, Number(row[outcome] ?? 0)])) as FeedbackGroup['outcomes'],
      pending: Number(row['pending']),
    },
  }));
  return {
    byStage: groups.filter((entry) => entry.dimension === 'stage').map((entry) => entry.group),
    bySkill: groups.filter((entry) => entry.dimension === 'skill').map((entry) => entry.group),
  };
}
