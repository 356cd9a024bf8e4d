import { z } from 'zod';
import type { Gate } from '../src/contracts/people';
import type { NotificationChannel, NotificationKind } from '../src/contracts/notifications';
import type { ClarificationPolicy, ModelTier } from '../src/contracts/policy';
import { channelsTaking } from '../src/notifications/deliver';
import type { NoticeDetails } from '../src/notifications/messages';
import { getIssue, issueStatusWrite } from '../src/db/issues';
import { appendLog, logWrite } from '../src/db/logs';
import { createQuestion, decisionWrite, recordDecision, recordNotification, updateQuestion } from '../src/db/people';
import { writeTogether } from '../src/db/together';
import { issues } from '../src/db/schema';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { AppError } from '../src/errors';
import { loadPrompt } from '../src/prompts';
import { currentActivity } from './context';
import { toActivityFailure } from './failures';
import type { ModelCallDeps } from './model-call';
import { describeClarifications, describeIssue, json } from './stages';
import { callForStructuredOutput } from './structured-output';
import { startStep, completeStep } from '../src/db/steps';
import { auditEventWrite, type NewAuditEvent, recordAuditEvent } from '../src/db/audit';
import { notAReviewer, roleRefusal } from '../src/identity/acting';
import { type PeopleDirectory, uncachedPeopleDirectory } from '../src/identity/people-directory';
import type { PersonAction } from '../src/identity/scopes';
import { truncate } from './stages';

/**
 * Activities for the people in the loop: who may decide, what they decided, the questions
 * agents ask (and the controller model's answers), reminders and escalations.
 */

/** `spend`: the worker's spend-cap check (see ModelCallDeps). */
export interface PeopleDeps extends ModelCallDeps {
  models: Record<ModelTier, string>;
  maxOutputTokens: number;
  /** Where reviewer checks find people (the worker's is notification-fed); reads Postgres when absent. */
  people?: PeopleDirectory;
}

const PRIORITY_UP: Record<string, string> = { low: 'medium', medium: 'high', high: 'critical', critical: 'critical' };

const controllerAnswerSchema = z.object({
  answer: z.string().min(1).max(10_000),
  confident: z.boolean(),
});

export interface ReviewerCheck {
  allowed: boolean;
  role: string | null;
  reason?: string;
}

export interface GateDecisionInput {
  organizationId: string;
  issueId: string;
  gate: Gate;
  gateRound: number;
  decision: 'approve' | 'reject' | 'request_changes';
  reviewer: string;
  comment: string | null;
  via: 'update' | 'signal';
}

const gateDecisionLine = (input: GateDecisionInput) => `${input.gate} gate: ${input.decision} by ${input.reviewer} (${input.via})${input.comment ? `: ${input.comment}` : ''}`;

export function createPeopleActivities(deps: PeopleDeps) {
  const { db } = deps;
  const people = deps.people ?? uncachedPeopleDirectory(db);

  /**
   * Whether `reviewer` is a registered person of the organization whose role its current
   * permissions allow `action` (the workflow's own check: signals from the Temporal UI and
   * CLI never pass the API). Without `action` (runs from before roles): registered is enough.
   */
  async function checkReviewer(input: { organizationId: string; reviewer: string; action?: PersonAction }): Promise<ReviewerCheck> {
    const person = await people.find(input.organizationId, input.reviewer);
    if (!person) return { allowed: false, role: null, reason: notAReviewer(input.reviewer, input.organizationId) };
    const { reviewer, settings } = person;
    if (input.action) {
      const reason = roleRefusal({ id: input.organizationId, settings }, reviewer, [input.action]);
      if (reason) return { allowed: false, role: reviewer.role, reason };
    }
    return { allowed: true, role: reviewer.role };
  }

  return {
    verifyReviewer: checkReviewer,

    /**
     * A gate decision's whole path in one local activity (issue 13; the workflow's
     * `gate-decision-in-one-step` patch): the reviewer's check, then — only when it passes —
     * the decision, its log line, with `settlesStatus` the issue's status back to
     * `processing`, and with `audit` the workflow's audit entry of the decision (outcome `ok`,
     * the role from this check; the `audit-with-gate-decision` patch), in one statement. A
     * refused check writes nothing: the workflow audits the refusal itself. A retried write
     * keeps the first decision, as recordGateDecision does; its log line and audit entry may
     * be written twice, as a retried appendLog or recordAuditEvent would.
     */
    async decideGate(input: GateDecisionInput & { action: PersonAction; settlesStatus: boolean; audit?: NewAuditEvent }): Promise<ReviewerCheck> {
      const { action, settlesStatus, audit, ...decision } = input;
      const check = await checkReviewer({ organizationId: decision.organizationId, reviewer: decision.reviewer, action });
      if (!check.allowed) return check;
      await writeTogether(db, [
        decisionWrite(db, decision),
        logWrite(db, { organizationId: decision.organizationId, issueId: decision.issueId, level: 'INFO', message: gateDecisionLine(decision) }),
        settlesStatus && issueStatusWrite(db, { organizationId: decision.organizationId, issueId: decision.issueId, status: 'processing' }),
        audit && auditEventWrite(db, { ...audit, outcome: 'ok', reason: null, actorRole: check.role ?? null }),
      ]);
      return check;
    },

    /** Appends the workflow's own audit entry for an action it received (workflows/people.ts). */
    async recordAuditEvent(input: NewAuditEvent): Promise<void> {
      await recordAuditEvent(db, input);
    },

    /** Idempotent per gate opening: a retried write keeps the first decision. */
    async recordGateDecision(input: GateDecisionInput): Promise<void> {
      await recordDecision(db, input);
      await appendLog(db, { organizationId: input.organizationId, issueId: input.issueId, level: 'INFO', message: gateDecisionLine(input) });
    },

    /**
     * A person steered the running agent (a message, an interrupt, an interrupt that ran out):
     * one line in the issue's log, attributed — the message's text is in the workflow's history
     * and the issue's `messages`, and who sent it in the audit trail.
     */
    async recordSteering(input: {
      organizationId: string;
      issueId: string;
      kind: 'message' | 'interrupt' | 'interrupt_expired';
      from: string;
      text: string | null;
      modelTier?: string | null;
    }): Promise<void> {
      const message =
        input.kind === 'message'
          ? `message from ${input.from}${input.modelTier ? ` (model tier now ${input.modelTier})` : ''}: ${input.text ?? ''}`
          : input.kind === 'interrupt'
            ? `interrupted by ${input.from}${input.text ? `: ${input.text}` : ''}; the agent waits for a message`
            : `the interrupt by ${input.from} got no message in time: the agent continues`;
      await appendLog(db, { organizationId: input.organizationId, issueId: input.issueId, level: input.kind === 'interrupt_expired' ? 'WARN' : 'INFO', message, data: { steering: input.kind, from: input.from } });
    },

    /** A decision on a command the approval policy held (or none in time): one line in the issue's log. */
    async recordCommandDecision(input: {
      organizationId: string;
      issueId: string;
      argv: string[];
      decision: 'approve' | 'approve_for_issue' | 'deny' | 'expired';
      by: string | null;
      comment: string | null;
    }): Promise<void> {
      const command = truncate(input.argv.join(' '), 300);
      const what =
        input.decision === 'expired'
          ? `no decision on \`${command}\` in time: not run`
          : `\`${command}\` ${input.decision === 'deny' ? 'denied' : input.decision === 'approve' ? 'approved once' : 'approved for the rest of the issue'} by ${input.by ?? 'unknown'}`;
      await appendLog(db, { organizationId: input.organizationId, issueId: input.issueId, level: input.decision === 'approve' || input.decision === 'approve_for_issue' ? 'INFO' : 'WARN', message: `command ${what}${input.comment ? `: ${input.comment}` : ''}`, data: { command: input.argv, decision: input.decision } });
    },

    async openQuestion(input: {
      organizationId: string;
      issueId: string;
      questionId: string;
      stage: string;
      question: string;
      policy: ClarificationPolicy;
    }): Promise<void> {
      await createQuestion(db, {
        id: input.questionId,
        organizationId: input.organizationId,
        issueId: input.issueId,
        stage: input.stage,
        question: input.question,
        policy: input.policy,
      });
      await appendLog(db, { ...input, level: 'INFO', message: `question (${input.stage}, ${input.policy}): ${input.question}` });
    },

    /**
     * The controller model answers (autonomous) or drafts an answer for a person to confirm
     * (supervised) from the issue and what the team has found so far.
     */
    async draftControllerAnswer(input: {
      organizationId: string;
      issueId: string;
      questionId: string;
      stage: string;
      question: string;
      modelTier: ModelTier;
    }): Promise<{ answer: string; confident: boolean; costUsd: number }> {
      const issue = await getIssue(db, input.organizationId, input.issueId);
      if (!issue) throw toActivityFailure(new AppError('NOT_FOUND', `issue ${input.issueId} not found`));
      const prompt = loadPrompt('controller');
      const step = await startStep(db, {
        organizationId: input.organizationId,
        issueId: input.issueId,
        stage: `clarify:${input.questionId}`,
        round: 0,
        agentType: 'controller',
        model: deps.models[input.modelTier],
        attempt: currentActivity().attempt,
      });
      try {
        const { output, costUsd } = await callForStructuredOutput({
          llm: deps.llm,
          db,
          ...(deps.spend ? { spend: deps.spend } : {}),
          runtime: currentActivity(),
          model: deps.models[input.modelTier],
          maxTokens: deps.maxOutputTokens,
          system: prompt.text,
          promptId: prompt.id,
          userPrompt: [
            describeIssue(issue),
            `## What the team found so far\n${json(issue.result)}`,
            await describeClarifications(db, input.organizationId, input.issueId),
            `## The question (from the ${input.stage} agent)\n${input.question}`,
          ].join('\n\n'),
          tool: { name: 'submit_answer', description: 'Submit the answer to the question.', schema: controllerAnswerSchema },
          record: { organizationId: input.organizationId, issueId: input.issueId, stepId: step.id, stage: 'clarify' },
        });
        await updateQuestion(db, { organizationId: input.organizationId, id: input.questionId }, { draftAnswer: output.answer });
        await completeStep(db, step.id, output.answer.slice(0, 500));
        return { ...output, costUsd };
      } catch (error) {
        throw toActivityFailure(error);
      }
    },

    async closeQuestion(input: {
      organizationId: string;
      issueId: string;
      questionId: string;
      status: 'answered' | 'expired';
      answer: string | null;
      answeredBy: string | null;
    }): Promise<void> {
      await updateQuestion(
        db,
        { organizationId: input.organizationId, id: input.questionId },
        input.status === 'answered' ? { status: 'answered', answer: input.answer, answeredBy: input.answeredBy } : { status: 'expired' },
      );
      await appendLog(db, {
        organizationId: input.organizationId,
        issueId: input.issueId,
        level: input.status === 'expired' ? 'WARN' : 'INFO',
        message: input.status === 'expired' ? 'question expired unanswered' : `question answered by ${input.answeredBy}`,
      });
    },

    /**
     * Records a notice once per dedupe key (the notifications table and the issue log, what the
     * API and the ERP read) and says which of the organization's channels take it now: the
     * workflow hands those to a delivery of their own (workflows/notifications.ts). A retry
     * finds the notice the first try recorded, with the same id, so it is delivered once.
     */
    async notify(input: {
      organizationId: string;
      issueId: string;
      kind: NotificationKind;
      dedupeKey: string;
      message: string;
      recipients: string[];
      /** What is awaited and until when, for the channels' messages (absent in runs from before them). */
      details?: NoticeDetails;
    }): Promise<{ sent: boolean; notificationId: string; channels: NotificationChannel[] }> {
      const { id: notificationId, created: sent } = await recordNotification(db, { ...input, details: { ...input.details } });
      // Lists show the open wait from the row: it was reminded, or escalated, now.
      if (sent && (input.kind === 'reminder' || input.kind === 'escalation')) {
        const flag = input.kind === 'reminder' ? 'reminded' : 'escalated';
        await db
          .update(issues)
          .set({ pending: sql`jsonb_set(${issues.pending}, ${`{${flag}}`}::text[], 'true'::jsonb)` })
          .where(and(eq(issues.organizationId, input.organizationId), eq(issues.id, input.issueId), isNotNull(issues.pending)));
      }
      if (sent) {
        await appendLog(db, {
          organizationId: input.organizationId,
          issueId: input.issueId,
          level: input.kind === 'escalation' ? 'WARN' : 'INFO',
          message: `${input.kind}: ${input.message}`,
          data: { recipients: input.recipients },
        });
      }
      return { sent, notificationId, channels: await channelsTaking(db, input.organizationId, input.kind) };
    },

    /** Escalation raises the issue's priority one step (critical stays critical). */
    async raisePriority(input: { organizationId: string; issueId: string }): Promise<{ priority: string }> {
      const issue = await getIssue(db, input.organizationId, input.issueId);
      if (!issue) throw toActivityFailure(new AppError('NOT_FOUND', `issue ${input.issueId} not found`));
      const priority = PRIORITY_UP[issue.priority] ?? issue.priority;
      await db
        .update(issues)
        .set({ priority })
        .where(and(eq(issues.organizationId, input.organizationId), eq(issues.id, input.issueId)));
      return { priority };
    },
  };
}
