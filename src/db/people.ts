import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from './client';
import { compiledWrite, placeholdersFor } from './compiled';
import { writeTogether } from './together';
import { apiKeys, decisions, notifications, organizations, questions, reviewers } from './schema';

export type ReviewerRecord = typeof reviewers.$inferSelect;
export type QuestionRecord = typeof questions.$inferSelect;
export type DecisionRecord = typeof decisions.$inferSelect;
export type NotificationRecord = typeof notifications.$inferSelect;

export async function addReviewer(
  db: Database,
  reviewer: { organizationId: string; userId: string; name: string; role?: 'reviewer' | 'admin' },
): Promise<ReviewerRecord> {
  const [row] = await db
    .insert(reviewers)
    .values({ ...reviewer, role: reviewer.role ?? 'reviewer' })
    .onConflictDoUpdate({ target: [reviewers.organizationId, reviewers.userId], set: { name: reviewer.name, role: reviewer.role ?? 'reviewer' } })
    .returning();
  if (!row) throw new Error('reviewer upsert returned no row');
  return row;
}

export async function listReviewers(db: Database, organizationId: string): Promise<ReviewerRecord[]> {
  return db.select().from(reviewers).where(eq(reviewers.organizationId, organizationId)).orderBy(asc(reviewers.userId));
}

/**
 * Removes a reviewer and revokes the personal keys that act as them (a key for a person who
 * is gone must not keep working). Returns whether they were registered, and the keys revoked.
 */
export async function removeReviewer(db: Database, organizationId: string, userId: string): Promise<{ removed: boolean; revokedKeys: string[] }> {
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(reviewers)
      .where(and(eq(reviewers.organizationId, organizationId), eq(reviewers.userId, userId)))
      .returning({ id: reviewers.id });
    const revoked = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.reviewerUserId, userId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    return { removed: removed.length > 0, revokedKeys: revoked.map((key) => key.id) };
  });
}

export async function findReviewer(db: Database, organizationId: string, userId: string): Promise<ReviewerRecord | undefined> {
  const [row] = await db
    .select()
    .from(reviewers)
    .where(and(eq(reviewers.organizationId, organizationId), eq(reviewers.userId, userId)));
  return row;
}

/**
 * A registered person with their organization's settings (which say what each role may do):
 * everything a check of a person's action reads, in one statement. Undefined for a name that
 * is not a reviewer of the organization.
 */
export async function findPersonWithSettings(
  db: Database,
  organizationId: string,
  userId: string,
): Promise<{ reviewer: ReviewerRecord; settings: Record<string, unknown> } | undefined> {
  const [row] = await db
    .select({ reviewer: reviewers, settings: organizations.settings })
    .from(reviewers)
    .innerJoin(organizations, eq(organizations.id, reviewers.organizationId))
    .where(and(eq(reviewers.organizationId, organizationId), eq(reviewers.userId, userId)));
  return row;
}

export async function createQuestion(
  db: Database,
  question: { id: string; organizationId: string; issueId: string; stage: string; question: string; policy: QuestionRecord['policy'] },
): Promise<void> {
  await db.insert(questions).values(question).onConflictDoNothing({ target: questions.id });
}

export async function updateQuestion(
  db: Database,
  ref: { organizationId: string; id: string },
  update: Partial<Pick<QuestionRecord, 'status' | 'draftAnswer' | 'answer' | 'answeredBy'>>,
): Promise<void> {
  await db
    .update(questions)
    .set({ ...update, ...(update.answer !== undefined ? { answeredAt: sql`now()` } : {}) })
    .where(and(eq(questions.organizationId, ref.organizationId), eq(questions.id, ref.id)));
}

export async function listQuestions(db: Database, organizationId: string, issueId: string): Promise<QuestionRecord[]> {
  return db
    .select()
    .from(questions)
    .where(and(eq(questions.organizationId, organizationId), eq(questions.issueId, issueId)))
    .orderBy(asc(questions.createdAt));
}

/** One decision per gate opening; a retried write keeps the first. */
export async function recordDecision(db: Database, decision: NewDecision): Promise<void> {
  await writeTogether(db, [decisionWrite(db, decision)]);
}

type NewDecision = Omit<typeof decisions.$inferInsert, 'id' | 'createdAt'>;

/** The insert of a gate decision, unsent (for writeTogether); the first decision of a gate opening stays. */
export function decisionWrite(db: Database, decision: NewDecision) {
  return decisionInsert(db, {
    organizationId: decision.organizationId,
    issueId: decision.issueId,
    gate: decision.gate,
    gateRound: decision.gateRound ?? 0,
    decision: decision.decision,
    reviewer: decision.reviewer,
    comment: decision.comment ?? null,
    via: decision.via,
  });
}

const DECISION_COLUMNS = ['organizationId', 'issueId', 'gate', 'gateRound', 'decision', 'reviewer', 'comment', 'via'] as const satisfies ReadonlyArray<keyof NewDecision>;
const decisionInsert = compiledWrite<Required<NewDecision>>((value, db) =>
  db.insert(decisions).values(placeholdersFor(value, DECISION_COLUMNS)).onConflictDoNothing({ target: [decisions.issueId, decisions.gate, decisions.gateRound] }),
);

export async function listDecisions(db: Database, organizationId: string, issueId: string): Promise<DecisionRecord[]> {
  return db
    .select()
    .from(decisions)
    .where(and(eq(decisions.organizationId, organizationId), eq(decisions.issueId, issueId)))
    .orderBy(asc(decisions.createdAt));
}

/** Records a notice once per (issue, dedupe key). Returns false if it was already sent. */
/** Records a notice once per (issue, dedupe key): its id, and whether this call created it (a retry finds the first). */
export async function recordNotification(db: Database, notice: typeof notifications.$inferInsert): Promise<{ id: string; created: boolean }> {
  const [created] = await db
    .insert(notifications)
    .values(notice)
    .onConflictDoNothing({ target: [notifications.issueId, notifications.dedupeKey] })
    .returning({ id: notifications.id });
  if (created) return { id: created.id, created: true };
  const [existing] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.issueId, notice.issueId), eq(notifications.dedupeKey, notice.dedupeKey)));
  if (!existing) throw new Error(`notification ${notice.dedupeKey} of issue ${notice.issueId} was neither created nor found`);
  return { id: existing.id, created: false };
}

export async function getNotification(db: Database, organizationId: string, id: string): Promise<NotificationRecord | undefined> {
  const [row] = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.organizationId, organizationId), eq(notifications.id, id)));
  return row;
}

export async function listNotifications(db: Database, organizationId: string, issueId: string): Promise<NotificationRecord[]> {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.organizationId, organizationId), eq(notifications.issueId, issueId)))
    .orderBy(asc(notifications.createdAt));
}
