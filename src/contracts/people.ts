import { z } from 'zod';

/**
 * What people send to a running issue, by API update or by signal (Web UI, `temporal
 * workflow signal`). The same schemas validate both paths.
 */

export const GATES = ['plan', 'final'] as const;
export type Gate = (typeof GATES)[number];

const reviewerId = z.string().trim().min(1).max(200);

export const decisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject', 'request_changes']),
    reviewer: reviewerId,
    comment: z.string().max(10_000).optional(),
    /** Optional guard: refuse the decision unless this gate is the one waiting. */
    gate: z.enum(GATES).optional(),
  })
  .refine((d) => d.decision !== 'request_changes' || (d.comment?.trim().length ?? 0) > 0, {
    message: 'request_changes needs a comment saying what to change',
    path: ['comment'],
  });
export type Decision = z.infer<typeof decisionSchema>;

export const answerSchema = z
  .object({
    /** Optional guard: the question being answered (the pending one by default). */
    questionId: z.string().max(100).optional(),
    answeredBy: reviewerId,
    /** The answer; for a supervised question, omit it and set confirm to accept the draft. */
    answer: z.string().trim().min(1).max(20_000).optional(),
    confirm: z.boolean().optional(),
  })
  .refine((a) => a.answer !== undefined || a.confirm === true, {
    message: 'give an answer, or confirm the drafted one',
    path: ['answer'],
  });
export type Answer = z.infer<typeof answerSchema>;

export const raiseBudgetSchema = z.object({
  /** The new total budget for the issue, in USD; must be above what was spent. */
  budgetUsd: z.number().positive().max(10_000),
  reviewer: reviewerId,
});
export type RaiseBudget = z.infer<typeof raiseBudgetSchema>;
