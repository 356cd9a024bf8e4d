/**
 * What people send an issue: gate decisions, answers to questions, budget raises — each as
 * an update and a signal (shared/human-input.ts), each checked against the person's role
 * and audited (shared/people.ts), then handed to the waiting pipeline through `run.inbox`.
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import type { Answer, Decision, RaiseBudget } from '../../src/contracts/people';
import {
  answerSignal,
  answerUpdate,
  contextUpdatedSignal,
  controlsChangedSignal,
  decisionSignal,
  decisionUpdate,
  type PendingHuman,
  type RefusedSignal,
  raiseBudgetSignal,
  raiseBudgetUpdate,
  statusQuery,
} from '../definitions';
import { slotGrantedSignal } from '../limiter';
import { validControls } from '../shared/controls';
import { acceptFromPeople, type InputChannel } from '../shared/human-input';
import { type IssueRun, personPathBookkeeping } from './run';
import { addMessage, registerSteering } from './steering';
import { registerCommandDecisions } from './commands';
import { touch } from './visibility';
import { AUDIT_WITH_GATE_DECISION, GATE_DECISION_IN_ONE_STEP } from './patches';
import { ENTRY_WRITTEN, type PersonActionInput } from '../shared/people';

/** Registers every handler of the issue workflow: the query, people's input, the limiter, the ERP. */
export function registerHandlers(run: IssueRun): void {
  const { progress, inbox } = run;
  setHandler(statusQuery, () => progress);
  acceptFromPeople({ name: 'decision', update: decisionUpdate, signal: decisionSignal }, {
    validate: (decision) => decisionProblem(run, decision),
    apply: (decision, via) => applyDecision(run, decision, via),
    progress: () => progress,
    refused: (decision, reason) => showRefused(run, 'decision', decision?.reviewer, reason),
  });
  acceptFromPeople({ name: 'answer', update: answerUpdate, signal: answerSignal }, {
    validate: (answer) => answerProblem(run, answer),
    apply: (answer, via) => applyAnswer(run, answer, via),
    progress: () => progress,
    refused: (answer, reason) => showRefused(run, 'answer', answer?.answeredBy, reason),
  });
  acceptFromPeople({ name: 'raiseBudget', update: raiseBudgetUpdate, signal: raiseBudgetSignal }, {
    validate: (raise) => raiseProblem(run, raise),
    apply: (raise, via) => applyRaise(run, raise, via),
    progress: () => progress,
    refused: (raise, reason) => showRefused(run, 'budget', raise?.reviewer, reason),
  });
  registerSteering(run, (kind, person, reason) => showRefused(run, kind, person, reason));
  registerCommandDecisions(run, (kind, person, reason) => showRefused(run, kind, person, reason));
  setHandler(slotGrantedSignal, () => {
    inbox.slotGranted = true;
  });
  setHandler(controlsChangedSignal, (controls) => {
    // A held pipeline (waits.ts `holdWhile`) wakes on the change; an invalid payload changes nothing.
    const valid = validControls(controls);
    if (valid) run.state.controls = valid;
    else log.warn('controlsChanged signal ignored: not a controls record', { received: typeof controls });
  });
  setHandler(contextUpdatedSignal, (update) => {
    // The new context is already in Postgres; every prompt built from now on reads it. A
    // running agent hears of it as a message at its next turn (README "Steering a running agent").
    progress.contextUpdates = (progress.contextUpdates ?? 0) + 1;
    log.info('issue context updated', { by: update?.updatedBy, fields: update?.fields });
    if (typeof update?.changes === 'string' && update.changes.trim() !== '') {
      addMessage(run, `erp:${typeof update.updatedBy === 'string' ? update.updatedBy.slice(0, 200) : 'unknown'}`, update.changes);
    }
    touch(run);
  });
}

/** The most recent refused signals an issue shows (its audit trail keeps them all). */
const REFUSED_SIGNALS_SHOWN = 20;

/** A refused signal, shown in the issue's progress: whoever sent it can see why it did nothing. */
function showRefused(run: IssueRun, kind: RefusedSignal['kind'], person: unknown, reason: string): void {
  const refused = (run.progress.refusedSignals ??= []);
  refused.push({ kind, person: typeof person === 'string' ? person.slice(0, 200) : null, reason: reason.slice(0, 500), at: new Date().toISOString() });
  if (refused.length > REFUSED_SIGNALS_SHOWN) refused.splice(0, refused.length - REFUSED_SIGNALS_SHOWN);
  touch(run);
}

const refuse = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

// ---- gate decisions ----------------------------------------------------------------------

function decisionProblem({ progress, inbox }: IssueRun, decision: Decision): string | null {
  if (!decision || typeof decision !== 'object') return 'the decision must be an object';
  if (!['approve', 'reject', 'request_changes'].includes(decision.decision)) {
    return 'decision must be approve, reject or request_changes';
  }
  if (typeof decision.reviewer !== 'string' || decision.reviewer.trim() === '') return 'reviewer is required';
  if (decision.decision === 'request_changes' && !decision.comment?.trim()) {
    return 'request_changes needs a comment saying what to change';
  }
  const pending = progress.pending;
  if (!pending || pending.kind !== 'approval') return `no approval is pending (the issue is ${progress.status})`;
  if (decision.gate && decision.gate !== pending.gate) return `the ${pending.gate} gate is waiting, not the ${decision.gate} gate`;
  if (inbox.gateDecision !== null || inbox.desk.busy) return `the ${pending.gate} gate already has a decision`;
  return null;
}

async function applyDecision(run: IssueRun, decision: Decision, via: InputChannel): Promise<void> {
  const { progress } = run;
  const details = { decision: decision?.decision, gate: progress.pending?.kind === 'approval' ? progress.pending.gate : decision?.gate ?? null };
  const action: PersonActionInput = { origin: decision?.origin, via, person: decision?.reviewer, action: 'issue.decide', details };
  await run.people.perform(action, () => decide(run, decision, via, action));
}

/** Settles the open gate; ENTRY_WRITTEN when its local activity wrote the audit entry too. */
async function decide(run: IssueRun, decision: Decision, via: InputChannel, action: PersonActionInput): Promise<void | typeof ENTRY_WRITTEN> {
  const problem = decisionProblem(run, decision);
  if (problem) throw refuse('InvalidDecision', problem);
  const { progress, inbox, people } = run;
  const pending = progress.pending as Extract<PendingHuman, { kind: 'approval' }>;
  const permission = pending.gate === 'plan' ? 'approvePlan' : 'approveFinal';
  const record = {
    ...run.ref,
    gate: pending.gate,
    gateRound: pending.gateRound,
    decision: decision.decision,
    reviewer: decision.reviewer,
    comment: decision.comment ?? null,
    via,
  };
  let entryWritten = false;
  await inbox.desk.record(async () => {
    if (run.patched(GATE_DECISION_IN_ONE_STEP)) {
      // The check and the records in one local activity. The gate cannot close meanwhile: a
      // wait that expires lets the input in flight land (waits.ts), and a cancel ends the run.
      const settlesStatus = inbox.statusWithDecision === 'may';
      // The accepted action's audit entry goes with the decision (refusals are audited by perform).
      const audit = run.patched(AUDIT_WITH_GATE_DECISION) ? people.acceptedEntry(action) : undefined;
      await people.authorize(decision.reviewer, permission, () => run.activities.localBookkeeping.decideGate({ ...record, action: permission, settlesStatus, audit }));
      entryWritten = audit !== undefined;
      if (progress.pending !== pending) throw refuse('InvalidDecision', `the ${pending.gate} gate closed first`);
      if (settlesStatus) inbox.statusWithDecision = 'written';
    } else {
      await people.authorize(decision.reviewer, permission);
      if (progress.pending !== pending) throw refuse('InvalidDecision', `the ${pending.gate} gate closed first`);
      await personPathBookkeeping(run).recordGateDecision(record);
    }
    progress.decisions.push({
      gate: pending.gate,
      decision: decision.decision,
      reviewer: decision.reviewer,
      comment: decision.comment ? decision.comment.slice(0, 500) : null,
      at: new Date().toISOString(),
      via,
    });
    inbox.gateDecision = decision;
    progress.status = 'processing'; // the gate is settled; the pipeline moves on
  });
  if (entryWritten) return ENTRY_WRITTEN;
}

// ---- answers to questions ----------------------------------------------------------------

function answerProblem({ progress, inbox }: IssueRun, answer: Answer): string | null {
  if (!answer || typeof answer !== 'object') return 'the answer must be an object';
  if (typeof answer.answeredBy !== 'string' || answer.answeredBy.trim() === '') return 'answeredBy is required';
  const pending = progress.pending;
  if (!pending || pending.kind !== 'question') return `no question is pending (the issue is ${progress.status})`;
  if (answer.questionId && answer.questionId !== pending.questionId) return `question ${answer.questionId} is not the pending one (${pending.questionId})`;
  const text = typeof answer.answer === 'string' ? answer.answer.trim() : '';
  if (!text && !(answer.confirm === true && pending.draftAnswer)) {
    return pending.draftAnswer ? 'give an answer, or confirm the drafted one' : 'give an answer';
  }
  if (inbox.answer !== null || inbox.desk.busy) return 'the question already has an answer';
  return null;
}

async function applyAnswer(run: IssueRun, answer: Answer, via: InputChannel): Promise<void> {
  const { progress } = run;
  const details = { questionId: progress.pending?.kind === 'question' ? progress.pending.questionId : answer?.questionId ?? null };
  await run.people.perform({ origin: answer?.origin, via, person: answer?.answeredBy, action: 'issue.answer', details }, () => recordAnswer(run, answer));
}

async function recordAnswer(run: IssueRun, answer: Answer): Promise<void> {
  const problem = answerProblem(run, answer);
  if (problem) throw refuse('InvalidAnswer', problem);
  const { progress, inbox, people } = run;
  const pending = progress.pending as Extract<PendingHuman, { kind: 'question' }>;
  await inbox.desk.record(async () => {
    await people.authorize(answer.answeredBy, 'answer');
    const text = answer.answer?.trim() || (pending.draftAnswer as string);
    await run.activities.bookkeeping.closeQuestion({ ...run.ref, questionId: pending.questionId, status: 'answered', answer: text, answeredBy: answer.answeredBy });
    inbox.answer = { answer: text, answeredBy: answer.answeredBy };
    progress.status = 'processing';
  });
}

// ---- budget raises -----------------------------------------------------------------------

function raiseProblem({ progress, inbox }: IssueRun, raise: RaiseBudget): string | null {
  if (!raise || typeof raise.budgetUsd !== 'number' || !(raise.budgetUsd > 0)) return 'budgetUsd must be a positive number';
  if (typeof raise.reviewer !== 'string' || raise.reviewer.trim() === '') return 'reviewer is required';
  if (raise.budgetUsd <= progress.budgetUsd) return `the budget is already $${progress.budgetUsd}; raise it above that`;
  if (inbox.desk.busy) return 'another change is being recorded; try again';
  return null;
}

async function applyRaise(run: IssueRun, raise: RaiseBudget, via: InputChannel): Promise<void> {
  const details = { budgetUsd: raise?.budgetUsd, previousBudgetUsd: run.progress.budgetUsd };
  await run.people.perform({ origin: raise?.origin, via, person: raise?.reviewer, action: 'issue.raise_budget', details }, () => recordRaise(run, raise));
}

async function recordRaise(run: IssueRun, raise: RaiseBudget): Promise<void> {
  const problem = raiseProblem(run, raise);
  if (problem) throw refuse('InvalidBudget', problem);
  const { progress, inbox, people, state } = run;
  await inbox.desk.record(async () => {
    await people.authorize(raise.reviewer, 'raiseBudget');
    await run.activities.bookkeeping.recordIssueBudget({ ...run.ref, budgetUsd: raise.budgetUsd, reviewer: raise.reviewer });
    progress.budgetUsd = raise.budgetUsd;
    if (progress.pending?.kind === 'budget' && progress.costUsd + state.lastCallCostUsd <= progress.budgetUsd) {
      progress.status = 'processing';
    }
  });
}
