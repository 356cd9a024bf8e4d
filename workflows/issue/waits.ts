/**
 * Where an issue waits: for a person (a gate decision, an answer, a budget raise — each with
 * a reminder, an escalation and an expiry, all durable timers) and for a slot of the
 * concurrency limiter. DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { condition, log, uuid4, workflowInfo } from '@temporalio/workflow';
import type { IssueStatus, Stage } from '../../src/contracts/issue';
import type { Decision, Gate } from '../../src/contracts/people';
import { type PendingHuman, type QuestionView, searchAttributes } from '../definitions';
import { holdReason } from '../shared/controls';
import { type IssueRun, personPathBookkeeping, PipelineEnd } from './run';
import { deliverToChannels, openingNotice, waitDetails } from './notices';
import { capTier } from './tiers';
import { addCost, notifyErp, show, touch } from './visibility';
import { LET_IN_INPUT_IN_FLIGHT, NOTICE_WHEN_WAITING, RELEASE_SLOT_WHILE_WAITING } from './patches';

type HumanWaitStatus = Extract<IssueStatus, 'awaiting_approval' | 'awaiting_answer' | 'awaiting_budget'>;

/** Whether the decision that settled the gate wrote the status itself (a handler sets it, meanwhile). */
const statusWrittenByDecision = (run: IssueRun) => run.inbox.statusWithDecision === 'written';

/** Waits until `settled()` or the expiry, reminding and escalating on the way. */
export async function waitForPeople(run: IssueRun, pending: PendingHuman, settled: () => boolean, status: HumanWaitStatus, what: string): Promise<'settled' | 'expired'> {
  const { policy, progress, state, ref } = run;
  const { bookkeeping } = run.activities;
  const timers = policy.timers;
  // A slot bounds agent work, not waiting: a person's wait (up to days) gives it back, and
  // the issue queues again when the wait is over. Runs started before this change keep theirs.
  const releasedSlot = policy.concurrency !== undefined && state.slotHeld && run.patched(RELEASE_SLOT_WHILE_WAITING);
  if (releasedSlot) {
    await bookkeeping.releaseSlot({ workflowId: workflowInfo().workflowId });
    state.slotHeld = false;
    run.inbox.slotGranted = false;
  }
  // Without a slot to wait for again, the decision that settles a gate may write the status itself.
  run.inbox.statusWithDecision = releasedSlot ? undefined : 'may';
  const opened = Date.now();
  pending.deadline = new Date(opened + timers.expirySeconds * 1000).toISOString();
  progress.pending = pending;
  progress.status = status;
  progress.currentStep = `waiting: ${what}`;
  show(run, [{ key: searchAttributes.awaitingHuman, value: true }]);
  touch(run);
  await personPathBookkeeping(run).recordIssueStatus({ ...ref, status, pending });
  if (policy.statusCallbacks) {
    await notifyErp(run, 'issue.status_changed', { status, stage: progress.stage, waitingFor: what, deadline: pending.deadline, pending: pendingForErp(pending) });
  }
  const key = `${pending.kind}:${uuid4()}`;
  if (run.patched(NOTICE_WHEN_WAITING)) {
    const recorded = await bookkeeping.notify({ ...ref, ...openingNotice(run, pending, what), dedupeKey: `${key}:opened`, recipients: [] });
    if (recorded.channels?.length) await deliverToChannels(run, recorded);
  }
  let outcome: 'settled' | 'expired' = 'expired';
  let statusWritten: boolean;
  try {
    const steps: Array<{ after: number; act: 'reminder' | 'escalation' | 'expire' }> = [
      { after: timers.reminderSeconds, act: 'reminder' },
      { after: timers.escalationSeconds, act: 'escalation' },
      { after: timers.expirySeconds, act: 'expire' },
    ];
    for (const step of steps) {
      const remaining = opened + step.after * 1000 - Date.now();
      // condition(), not sleep(): an answer or a cancel must wake us at once.
      if (settled() || (remaining > 0 && (await condition(settled, remaining)))) {
        outcome = 'settled';
        break;
      }
      if (step.act === 'reminder') {
        pending.reminded = true;
        const recorded = await bookkeeping.notify({
          ...ref,
          kind: 'reminder',
          dedupeKey: `${key}:reminder`,
          message: `Still waiting for ${what} on "${run.input.title}"`,
          recipients: [],
          details: waitDetails(pending, what),
        });
        if (recorded.channels?.length) await deliverToChannels(run, recorded);
      } else if (step.act === 'escalation') {
        pending.escalated = true;
        const recorded = await bookkeeping.notify({
          ...ref,
          kind: 'escalation',
          dedupeKey: `${key}:escalation`,
          message: `Escalated: no ${what} on "${run.input.title}" after ${timers.escalationSeconds}s`,
          recipients: policy.escalationContacts,
          details: waitDetails(pending, what),
        });
        if (recorded.channels?.length) await deliverToChannels(run, recorded);
        const { priority } = await bookkeeping.raisePriority(ref);
        show(run, [{ key: searchAttributes.issuePriority, value: priority }]);
      }
      touch(run);
    }
    // A decision, answer or raise being checked and recorded as the deadline passed was
    // accepted by its caller: it lands, rather than the issue ending around it.
    if (outcome === 'expired' && run.inbox.desk.busy && run.patched(LET_IN_INPUT_IN_FLIGHT)) {
      await condition(() => !run.inbox.desk.busy);
      if (settled()) outcome = 'settled';
    }
  } finally {
    // Also on cancel: the issue is no longer waiting for anyone.
    progress.pending = null;
    show(run, [{ key: searchAttributes.awaitingHuman, value: false }]);
    statusWritten = statusWrittenByDecision(run);
    run.inbox.statusWithDecision = undefined;
  }
  if (outcome === 'settled') {
    if (releasedSlot) await waitForSlot(run, { again: true });
    progress.status = 'processing';
    touch(run);
    // A gate decision may have written the status with itself (people.ts, gate-decision-in-one-step).
    if (!statusWritten) await personPathBookkeeping(run).recordIssueStatus({ ...ref, status: 'processing' });
    if (policy.statusCallbacks) await notifyErp(run, 'issue.status_changed', { status: 'processing', stage: progress.stage });
  }
  return outcome;
}

/** Waits for a reviewer's decision at the plan or final gate; no decision in time ends the issue. */
export async function gate(run: IssueRun, which: Gate): Promise<Decision> {
  const { counters, inbox } = run;
  const gateRound = which === 'plan' ? counters.planGateRound++ : counters.finalGateRound++;
  inbox.gateDecision = null;
  const pending: PendingHuman = {
    kind: 'approval',
    gate: which,
    gateRound,
    since: new Date().toISOString(),
    deadline: '',
    reminded: false,
    escalated: false,
  };
  const result = await waitForPeople(run, pending, () => inbox.gateDecision !== null, 'awaiting_approval', `${which} approval`);
  if (result === 'expired' || inbox.gateDecision === null) {
    throw new PipelineEnd('approval_expired', `${which} approval not given within ${run.policy.timers.expirySeconds}s`);
  }
  return inbox.gateDecision;
}

/**
 * An agent's question. By the organization's clarification policy the controller model
 * answers it (autonomous), drafts an answer for a person to confirm (supervised), or a person
 * answers (human). No answer in time ends the issue as `needs_info`.
 */
export async function clarify(run: IssueRun, stage: string, question: string): Promise<string> {
  const { policy, progress, ref, inbox } = run;
  const { bookkeeping, models } = run.activities;
  const questionId = uuid4();
  await bookkeeping.openQuestion({ ...ref, questionId, stage, question, policy: policy.clarification });
  const view: QuestionView = { id: questionId, stage, question, answer: null, answeredBy: null, status: 'pending' };
  progress.questions.push(view);
  let draft: string | null = null;
  if (policy.clarification !== 'human') {
    await ensureBudget(run);
    const controller = await models.draftControllerAnswer.executeWithOptions({ summary: `clarify · controller answers (${stage})` }, [
      { ...ref, questionId, stage, question, modelTier: capTier('medium', policy.allowedTiers) },
    ]);
    addCost(run, controller.costUsd);
    if (policy.clarification === 'autonomous') {
      await bookkeeping.closeQuestion({ ...ref, questionId, status: 'answered', answer: controller.answer, answeredBy: 'controller' });
      Object.assign(view, { answer: controller.answer.slice(0, 500), answeredBy: 'controller', status: 'answered' });
      touch(run);
      return controller.answer;
    }
    draft = controller.answer;
  }
  inbox.answer = null;
  const pending: PendingHuman = {
    kind: 'question',
    questionId,
    stage,
    question,
    policy: policy.clarification,
    draftAnswer: draft,
    since: new Date().toISOString(),
    deadline: '',
    reminded: false,
    escalated: false,
  };
  const result = await waitForPeople(run, pending, () => inbox.answer !== null, 'awaiting_answer', 'an answer');
  const answered = inbox.answer as { answer: string; answeredBy: string } | null;
  if (result === 'expired' || answered === null) {
    await bookkeeping.closeQuestion({ ...ref, questionId, status: 'expired', answer: null, answeredBy: null });
    view.status = 'expired';
    throw new PipelineEnd('needs_info', `no answer within ${policy.timers.expirySeconds}s to: ${question.slice(0, 300)}`);
  }
  Object.assign(view, { answer: answered.answer.slice(0, 500), answeredBy: answered.answeredBy, status: 'answered' });
  touch(run);
  return answered.answer;
}

/** Before a model call that would overrun the budget, wait for more budget (or a cancel). */
/** Whether the next model call, assumed to cost what the last one did, fits the budget. */
export function budgetFits(run: IssueRun): boolean {
  return run.progress.costUsd + run.state.lastCallCostUsd <= run.progress.budgetUsd;
}

export async function ensureBudget(run: IssueRun): Promise<void> {
  const { progress } = run;
  const fits = () => budgetFits(run);
  if (fits()) return;
  const pending: PendingHuman = {
    kind: 'budget',
    spentUsd: progress.costUsd,
    budgetUsd: progress.budgetUsd,
    since: new Date().toISOString(),
    deadline: '',
    reminded: false,
    escalated: false,
  };
  const result = await waitForPeople(run, pending, fits, 'awaiting_budget', 'a budget raise');
  if (result === 'expired') {
    throw new PipelineEnd('failed', `budget of $${progress.budgetUsd} reached ($${progress.costUsd} spent) and not raised`);
  }
}

/**
 * Waits, queued, until the limiter grants this issue a slot (only with a concurrency policy).
 * `again`: after a person's wait released the slot; the stage shows again once it is granted.
 */
export async function waitForSlot(run: IssueRun, options: { again?: boolean } = {}): Promise<void> {
  const { policy, progress, state, inbox } = run;
  const limits = policy.concurrency;
  if (!limits || state.slotHeld) return;
  progress.status = 'queued';
  progress.queued = true;
  progress.currentStep = 'waiting for a free slot';
  show(run, [{ key: searchAttributes.issueStage, value: 'queued' }]);
  touch(run);
  await run.activities.bookkeeping.requestSlot.executeWithOptions({ summary: 'limiter · ask for a slot' }, [
    {
      workflowId: workflowInfo().workflowId,
      organizationId: run.ref.organizationId,
      organizationLimit: limits.organizationLimit,
      globalLimit: limits.globalLimit,
    },
  ]);
  // condition(), not a timer loop: the limiter's signal (or a cancel) wakes us.
  await condition(() => inbox.slotGranted);
  state.slotHeld = true;
  progress.queued = false;
  progress.status = 'processing';
  if (options.again && progress.stage) show(run, [{ key: searchAttributes.issueStage, value: progress.stage }]);
  touch(run);
}

/**
 * What a person owes, as the status event tells the integrator: the gate, or the question (and
 * any drafted answer), or the budget — what to show and act on, without asking the API.
 */
function pendingForErp(pending: PendingHuman): Record<string, unknown> {
  switch (pending.kind) {
    case 'approval':
      return { kind: 'approval', gate: pending.gate, deadline: pending.deadline };
    case 'question':
      return { kind: 'question', questionId: pending.questionId, question: pending.question, draftAnswer: pending.draftAnswer, deadline: pending.deadline };
    case 'budget':
      return { kind: 'budget', spentUsd: pending.spentUsd, budgetUsd: pending.budgetUsd, deadline: pending.deadline };
    case 'command':
      return { kind: 'command', argv: pending.argv, classification: pending.classification, reason: pending.reason, deadline: pending.deadline };
  }
}

/**
 * Holds the pipeline before `stage` while the kill switch or a stage flag says so (a workflow
 * wait: a `controlsChanged` signal wakes it), then continues where it stopped. Callers check
 * `holdReason` first and only await this when it holds: an await that holds nothing would
 * still add a turn, and could reorder the commands of histories recorded before it existed.
 */
export async function holdWhile(run: IssueRun, stage: Stage | 'publish'): Promise<void> {
  const { progress } = run;
  const stepBefore = progress.currentStep;
  const since = new Date().toISOString();
  try {
    for (let reason = holdReason(run.state.controls, stage); reason !== null; reason = holdReason(run.state.controls, stage)) {
      progress.held = { stage, reason, since };
      progress.currentStep = `held before ${stage}: ${reason}`;
      touch(run);
      log.info('pipeline held', { stage, reason });
      const heldFor = reason;
      await condition(() => holdReason(run.state.controls, stage) !== heldFor);
    }
  } finally {
    progress.held = null;
    progress.currentStep = stepBefore;
    touch(run);
  }
}
