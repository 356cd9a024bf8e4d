/**
 * An issue's notices to people — a reminder, an escalation, an approval needed, a question
 * asked — recorded once (the notifications table and the issue log), then handed to a child
 * that delivers them to the organization's channels (workflows/notifications.ts), ABANDONed
 * and not waited for: a dead channel never blocks or fails the issue.
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { startChild } from '@temporalio/workflow';
import type { NotificationChannel, NotificationKind } from '../../src/contracts/notifications';
import type { NoticeDetails } from '../../src/notifications/messages';
import type { PendingHuman } from '../definitions';
import { notificationDeliveryWorkflow, notificationWorkflowId } from '../notifications';
import type { IssueRun } from './run';
import { NOTIFICATION_CHANNELS } from './patches';

/** What `notify` answered (fields absent in results recorded before channels existed). */
export interface RecordedNotice {
  notificationId?: string;
  channels?: NotificationChannel[];
}

/**
 * Starts the delivery of a recorded notice to its channels. Callers check `channels` first and
 * only await this when there are some: an await that does nothing still adds a turn, and could
 * reorder the commands of histories recorded before it existed.
 */
export async function deliverToChannels(run: IssueRun, recorded: RecordedNotice): Promise<void> {
  const { notificationId, channels = [] } = recorded;
  if (!notificationId || channels.length === 0 || !run.patched(NOTIFICATION_CHANNELS)) return;
  try {
    await startChild(notificationDeliveryWorkflow, {
      workflowId: notificationWorkflowId(notificationId),
      args: [{ ...run.ref, notificationId, channels }],
      parentClosePolicy: 'ABANDON',
    });
  } catch (error) {
    // The notice's delivery is already running (a reset run re-recording it): it sends once.
    // (By name: @temporalio/common's class is not imported into workflow code.)
    if (!(error instanceof Error && error.name === 'WorkflowExecutionAlreadyStartedError')) throw error;
  }
}

/**
 * The notice a person's wait opens with: a question asked, or an approval needed — a gate, a
 * budget raise, or whatever else a person must allow before the issue goes on.
 */
export function openingNotice(run: IssueRun, pending: PendingHuman, what: string): { kind: NotificationKind; message: string; details: NoticeDetails } {
  const title = run.input.title;
  const base = { awaiting: what, deadline: pending.deadline };
  if (pending.kind === 'question') {
    return { kind: 'question_asked', message: `Question on "${title}": ${pending.question.slice(0, 500)}`, details: { ...base, questionId: pending.questionId, question: pending.question } };
  }
  const spent = pending.kind === 'budget' ? ` ($${pending.spentUsd} of $${pending.budgetUsd} spent)` : '';
  return { kind: 'approval_needed', message: `Approval needed: ${what} on "${title}"${spent}`, details: { ...base, ...(pending.kind === 'approval' ? { gate: pending.gate } : {}) } };
}

/** What a reminder or an escalation says about the wait, for the channels' messages. */
export function waitDetails(pending: PendingHuman, what: string): NoticeDetails {
  return {
    awaiting: what,
    deadline: pending.deadline,
    ...(pending.kind === 'approval' ? { gate: pending.gate } : {}),
    ...(pending.kind === 'question' ? { questionId: pending.questionId, question: pending.question } : {}),
  };
}
