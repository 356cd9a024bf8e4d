import type { FeedbackRequest, FeedbackSummaryQuery, FeedbackView, ImprovementUpdate } from '../contracts/feedback';
import type { Database } from '../db/client';
import { feedbackSummary, insertFeedback, listFeedback, updateImprovement } from '../db/feedback';
import { getIssue } from '../db/issues';
import { getInvocation } from '../db/skills';
import { AppError } from '../errors';
import { isUuid } from '../contracts/ids';

/** What feedback is about: an issue, or a skill run (invocation), of the caller's organization. */
export type FeedbackTarget = { issueId: string } | { invocationId: string };

/**
 * Feedback on issues and skill runs (README "Feedback"): given by whoever works the issue or
 * ran the skill, listed per issue or run, its improvement status kept by admins, and
 * summarised per stage and per skill. Everything is scoped to the caller's organization: an
 * id of another organization is a 404, as if it did not exist.
 */
export function createFeedbackService(db: Database) {
  /** The target's agent type (the skill's slug for a run), or a 404. */
  async function resolve(organizationId: string, target: FeedbackTarget): Promise<{ skill: string | null }> {
    const id = 'issueId' in target ? target.issueId : target.invocationId;
    if (!isUuid(id)) throw new AppError('NOT_FOUND', `no ${'issueId' in target ? 'issue' : 'skill run'} ${id}`);
    if ('issueId' in target) {
      if (!(await getIssue(db, organizationId, target.issueId))) throw new AppError('NOT_FOUND', `no issue ${target.issueId}`);
      return { skill: null };
    }
    const invocation = await getInvocation(db, organizationId, target.invocationId);
    if (!invocation) throw new AppError('NOT_FOUND', `no skill run ${target.invocationId}`);
    return { skill: invocation.skillSlug };
  }

  return {
    /**
     * `person`: the reviewer a personal key acts for; the body may repeat it but not name
     * someone else. A service key (the ERP) names its own user, kept as given.
     */
    async give(organizationId: string, target: FeedbackTarget, request: FeedbackRequest, person: string | null): Promise<FeedbackView> {
      if (person && request.userId && request.userId !== person) {
        throw new AppError('FORBIDDEN', `this key gives feedback as ${person}, not ${request.userId}`);
      }
      const { skill } = await resolve(organizationId, target);
      if (skill !== null && request.stage) {
        const message = 'stage applies to issues; feedback on a skill run is about the run';
        throw new AppError('VALIDATION_FAILED', message, { details: [{ path: 'stage', message }] });
      }
      return insertFeedback(db, {
        organizationId,
        ...('issueId' in target ? { issueId: target.issueId } : { invocationId: target.invocationId }),
        agentType: skill ?? request.stage ?? null,
        rating: request.rating,
        outcome: request.outcome,
        comment: request.comment || null,
        tags: [...new Set(request.tags ?? [])],
        userId: person ?? request.userId ?? null,
        kanbanCardId: request.kanbanCardId ?? null,
      });
    },
    async list(organizationId: string, target: FeedbackTarget): Promise<{ items: FeedbackView[] }> {
      await resolve(organizationId, target);
      return { items: await listFeedback(db, organizationId, target) };
    },
    async setImprovement(organizationId: string, id: string, update: ImprovementUpdate): Promise<FeedbackView> {
      const updated = isUuid(id) ? await updateImprovement(db, organizationId, id, update) : undefined;
      if (!updated) throw new AppError('NOT_FOUND', `no feedback ${id}`);
      return updated;
    },
    summary(organizationId: string, query: FeedbackSummaryQuery) {
      return feedbackSummary(db, organizationId, query);
    },
  };
}

export type FeedbackService = ReturnType<typeof createFeedbackService>;
