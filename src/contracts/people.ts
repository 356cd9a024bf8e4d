import { z } from 'zod';
import { caseInsensitiveEnum } from './enums';
import { MODEL_TIERS } from './policy';
import type { ActionOrigin } from '../identity/acting';

/**
 * What people send to a running issue. The API bodies (`…RequestSchema`) may name the person
 * (`reviewer` / `answeredBy`) but need not: the API fills in the person the key acts for
 * (src/identity/acting.ts) and refuses a name that differs. What reaches the workflow — by
 * API update, or by signal from the Web UI / `temporal workflow signal` — always names the
 * person, and carries `origin` when it passed the API or a webhook.
 */

export const GATES = ['plan', 'final'] as const;
export type Gate = (typeof GATES)[number];

const reviewerId = z.string().trim().min(1).max(200);

export const decisionSchema = z
  .strictObject({
    decision: caseInsensitiveEnum(['approve', 'reject', 'request_changes']),
    reviewer: reviewerId.optional(),
    comment: z.string().max(10_000).optional(),
    /** Optional guard: refuse the decision unless this gate is the one waiting. */
    gate: caseInsensitiveEnum(GATES).optional(),
  })
  .refine((d) => d.decision !== 'request_changes' || (d.comment?.trim().length ?? 0) > 0, {
    message: 'request_changes needs a comment saying what to change',
    path: ['comment'],
  });
export type DecisionRequest = z.infer<typeof decisionSchema>;
/** A decision as the workflow receives it. */
export type Decision = DecisionRequest & { reviewer: string; origin?: ActionOrigin };

export const answerSchema = z
  .strictObject({
    /** Optional guard: the question being answered (the pending one by default). */
    questionId: z.string().max(100).optional(),
    answeredBy: reviewerId.optional(),
    /** The answer; for a supervised question, omit it and set confirm to accept the draft. */
    answer: z.string().trim().min(1).max(20_000).optional(),
    confirm: z.boolean().optional(),
  })
  .refine((a) => a.answer !== undefined || a.confirm === true, {
    message: 'give an answer, or confirm the drafted one',
    path: ['answer'],
  });
export type AnswerRequest = z.infer<typeof answerSchema>;
export type Answer = AnswerRequest & { answeredBy: string; origin?: ActionOrigin };

export const raiseBudgetSchema = z.strictObject({
  /** The new total budget for the issue, in USD; must be above what was spent. */
  budgetUsd: z.number().positive().max(10_000),
  reviewer: reviewerId.optional(),
});
export type RaiseBudgetRequest = z.infer<typeof raiseBudgetSchema>;
export type RaiseBudget = RaiseBudgetRequest & { reviewer: string; origin?: ActionOrigin };

/** The longest message a person may send a running agent. */
export const STEERING_MESSAGE_MAX_CHARS = 4_000;

/**
 * A message to the running agent (README "Steering a running agent"): it reaches the agent at
 * its next model turn, attributed. `modelTier` also changes the tier of every later turn
 * (an admin's decision by default: it spends money).
 */
export const steeringMessageSchema = z.strictObject({
  message: z.string().trim().min(1).max(STEERING_MESSAGE_MAX_CHARS),
  from: reviewerId.optional(),
  modelTier: caseInsensitiveEnum(MODEL_TIERS).optional(),
});
export type SteeringMessageRequest = z.infer<typeof steeringMessageSchema>;
export type SteeringMessage = SteeringMessageRequest & { from: string; origin?: ActionOrigin };

/** Stops the agent at the next safe point (between turns and tool calls) until a message comes. */
export const interruptSchema = z.strictObject({
  from: reviewerId.optional(),
  reason: z.string().trim().min(1).max(1_000).optional(),
});
export type InterruptRequest = z.infer<typeof interruptSchema>;
export type Interrupt = InterruptRequest & { from: string; origin?: ActionOrigin };

/**
 * A person's answer to a command the agent wants to run (README "Command approval"):
 * `approve` runs it once, `approve_for_issue` also runs the same argv unasked for the rest of
 * the issue, `deny` answers the agent with the comment instead.
 */
export const commandDecisionSchema = z
  .strictObject({
    decision: caseInsensitiveEnum(['approve', 'approve_for_issue', 'deny']),
    reviewer: reviewerId.optional(),
    comment: z.string().trim().max(2_000).optional(),
    /** Optional guard: refuse unless this command (its tool call id) is the one waiting. */
    toolUseId: z.string().max(200).optional(),
  })
  .refine((d) => d.decision !== 'deny' || (d.comment?.length ?? 0) > 0, { message: 'deny needs a comment telling the agent why', path: ['comment'] });
export type CommandDecisionRequest = z.infer<typeof commandDecisionSchema>;
export type CommandDecision = CommandDecisionRequest & { reviewer: string; origin?: ActionOrigin };
