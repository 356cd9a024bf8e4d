import { z } from 'zod';
import { caseInsensitiveEnum } from './enums';
import { STAGES } from './issue';
import { checkedTimeRange } from './time-range';

/**
 * Feedback on what an issue or a skill run produced (the ERP's AgentFeedback): a rating, an
 * outcome, a comment, who gave it; admins track what was done about it (improvementStatus).
 */
export const FEEDBACK_OUTCOMES = ['SOLVED', 'PARTIAL', 'NOT_SOLVED', 'MADE_WORSE'] as const;
export const IMPROVEMENT_STATUSES = ['PENDING', 'ANALYZED', 'IMPLEMENTED', 'DISMISSED'] as const;

export const feedbackRequestSchema = z.strictObject({
  rating: z.number().int().min(1).max(5),
  outcome: caseInsensitiveEnum(FEEDBACK_OUTCOMES),
  comment: z.string().trim().max(10_000).optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  /** Issues: the stage it is about (default: the issue as a whole). */
  stage: caseInsensitiveEnum(STAGES).optional(),
  /** Who gives it: a personal key's person is filled in (and must match); a service key may name the ERP's user. */
  userId: z.string().trim().min(1).max(200).optional(),
  /** The ERP's Kanban card for this feedback, if any. */
  kanbanCardId: z.string().trim().min(1).max(200).optional(),
});
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

export const improvementUpdateSchema = z.strictObject({
  improvementStatus: caseInsensitiveEnum(IMPROVEMENT_STATUSES),
  /** What the analysis found (free-form JSON, kept as given). */
  analysisResult: z.record(z.string(), z.unknown()).optional(),
});
export type ImprovementUpdate = z.infer<typeof improvementUpdateSchema>;

/** GET /api/feedback/summary: feedback given in [from, to) (default: all of it). */
export const feedbackSummaryQuerySchema = checkedTimeRange(
  z.strictObject({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  }),
);
export type FeedbackSummaryQuery = z.infer<typeof feedbackSummaryQuerySchema>;

export interface FeedbackView {
  id: string;
  issueId: string | null;
  invocationId: string | null;
  /** The stage (issues) or the skill (skill runs) it is about; null: the issue as a whole. */
  agentType: string | null;
  rating: number;
  outcome: (typeof FEEDBACK_OUTCOMES)[number];
  comment: string | null;
  tags: string[];
  userId: string | null;
  kanbanCardId: string | null;
  improvementStatus: (typeof IMPROVEMENT_STATUSES)[number];
  analysisResult: Record<string, unknown> | null;
  createdAt: string;
}

/** One group of the summary: how many, the average rating, each outcome's count, how many still PENDING. */
export interface FeedbackGroup {
  key: string;
  count: number;
  averageRating: number;
  outcomes: Record<(typeof FEEDBACK_OUTCOMES)[number], number>;
  pending: number;
}
