/**
 * IssueWorkflow: one durable run per issue.
 *
 *   classify → triage (may ask) → research agent → [plan approval] → code agent
 *   → review agent (request changes: back to code, next model tier) → final approval
 *
 * DETERMINISTIC ZONE. Values come only from @temporalio/workflow and ./; everything else is
 * `import type`. All I/O happens in activities. Handlers are registered first; the stages
 * then read top to bottom as a small state machine over `phase`, which is also what
 * continue-as-new carries.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { BookkeepingActivities, ModelActivities, ToolActivities, WorkspaceActivities } from '../activities';
import type { AgentStageSummary } from '../activities/stage-results';
import type { AgentStage } from '../src/agents/tools';
import type { IssueStatus, Stage } from '../src/contracts/issue';
import type { Answer, Decision, Gate, RaiseBudget } from '../src/contracts/people';
import type { ModelTier } from '../src/contracts/policy';
import type { ReviewSummary, TriageRoute } from '../src/contracts/stages';
import {
  answerSignal,
  answerUpdate,
  type CarriedState,
  contextUpdatedSignal,
  decisionSignal,
  decisionUpdate,
  type IssueOutcome,
  type IssueProgress,
  type IssueWorkflowInput,
  type PendingHuman,
  type QuestionView,
  raiseBudgetSignal,
  raiseBudgetUpdate,
  searchAttributes,
  statusQuery,
} from './definitions';
import { BOOKKEEPING_OPTIONS, MODEL_RETRY, TOOL_RETRY } from './activity-options';
import { statusCallbackWorkflow } from './callbacks';
import { slotGrantedSignal } from './limiter';
import { personChecks } from './people';
import { capTier, raiseTier, tierForComplexity } from './tiers';

const STAGE_COUNT = 5;
/** Invalid final answers an agent may repair per loop before the stage fails. */
const MAX_REPAIRS_PER_LOOP = 1;
/** Clarification rounds triage may take before it must route. */
const MAX_TRIAGE_QUESTIONS = 2;
/** Thrown inside the workflow to end the pipeline early with a final status. */
class PipelineEnd extends Error {
  constructor(
    readonly status: 'completed' | 'rejected' | 'needs_info' | 'approval_expired' | 'failed',
    readonly summary: string,
  ) {
    super(summary);
    this.name = 'PipelineEnd';
  }
}

/** patched() id: human waits release the concurrency slot (added with issue 12). */
const RELEASE_SLOT_WHILE_WAITING = 'release-slot-while-waiting';

export async function issueWorkflow(input: IssueWorkflowInput): Promise<IssueOutcome> {
  const { policy, issueId, organizationId } = input;
  const ref = { issueId, organizationId };
  const heartbeatTimeout = policy.activityHeartbeatSeconds * 1000;

  const models = proxyActivities<ModelActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout, retry: MODEL_RETRY });
  const tools = proxyActivities<ToolActivities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout, retry: TOOL_RETRY });
  // git and the code host: clones, tests and pushes take a while; the ledger makes retries safe.
  const workspace = proxyActivities<WorkspaceActivities>({
    startToCloseTimeout: '30 minutes',
    // They heartbeat while git and tests run: a lost worker's call is retried this soon.
    heartbeatTimeout,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
  });
  const bookkeeping = proxyActivities<BookkeepingActivities>(BOOKKEEPING_OPTIONS);

  const carried: CarriedState = input.resume ?? {
    phase: 'classify',
    baseTier: 'small',
    lastCallCostUsd: 0,
    counters: { triageRound: 0, researchRound: 0, codeRound: 0, reviewRoundsUsed: 0, codeTierBoost: 0, planGateRound: 0, finalGateRound: 0 },
    progress: {
      issueId,
      status: 'processing',
      stage: null,
      progress: 0,
      currentStep: 'starting',
      stagesCompleted: [],
      route: null,
      error: null,
      updatedAt: new Date().toISOString(),
      round: 0,
      codeTier: null,
      costUsd: 0,
      budgetUsd: policy.budgetUsd,
      pending: null,
      questions: [],
      decisions: [],
      toolCalls: 0,
      runs: 1,
    },
  };
  const state = carried;
  const progress = state.progress;
  const counters = state.counters;
  if (input.resume) progress.runs += 1;

  // ---- what people send ------------------------------------------------------------
  let gateDecision: Decision | null = null;
  let recording = false; // a decision/answer is being verified and stored right now
  let pendingAnswer: { answer: string; answeredBy: string } | null = null;

  setHandler(statusQuery, () => progress);

  function validateDecision(decision: Decision): string | null {
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
    if (gateDecision !== null || recording) return `the ${pending.gate} gate already has a decision`;
    return null;
  }

  const people = personChecks(bookkeeping, organizationId, { type: 'issue', id: issueId });

  async function applyDecision(decision: Decision, via: 'update' | 'signal'): Promise<void> {
    const details = { decision: decision?.decision, gate: progress.pending?.kind === 'approval' ? progress.pending.gate : decision?.gate ?? null };
    await people.perform({ origin: decision?.origin, via, person: decision?.reviewer, action: 'issue.decide', details }, () => decide(decision, via));
  }

  async function decide(decision: Decision, via: 'update' | 'signal'): Promise<void> {
    const problem = validateDecision(decision);
    if (problem) throw ApplicationFailure.create({ type: 'InvalidDecision', message: problem, nonRetryable: true });
    const pending = progress.pending as Extract<PendingHuman, { kind: 'approval' }>;
    recording = true;
    try {
      await people.authorize(decision.reviewer, pending.gate === 'plan' ? 'approvePlan' : 'approveFinal');
      if (progress.pending !== pending) {
        throw ApplicationFailure.create({ type: 'InvalidDecision', message: `the ${pending.gate} gate closed first`, nonRetryable: true });
      }
      await bookkeeping.recordGateDecision({
        ...ref,
        gate: pending.gate,
        gateRound: pending.gateRound,
        decision: decision.decision,
        reviewer: decision.reviewer,
        comment: decision.comment ?? null,
        via,
      });
      progress.decisions.push({
        gate: pending.gate,
        decision: decision.decision,
        reviewer: decision.reviewer,
        comment: decision.comment ? decision.comment.slice(0, 500) : null,
        at: new Date().toISOString(),
        via,
      });
      gateDecision = decision;
      progress.status = 'processing'; // the gate is settled; the pipeline moves on
    } finally {
      recording = false;
    }
  }

  function validateAnswer(answer: Answer): string | null {
    if (!answer || typeof answer !== 'object') return 'the answer must be an object';
    if (typeof answer.answeredBy !== 'string' || answer.answeredBy.trim() === '') return 'answeredBy is required';
    const pending = progress.pending;
    if (!pending || pending.kind !== 'question') return `no question is pending (the issue is ${progress.status})`;
    if (answer.questionId && answer.questionId !== pending.questionId) return `question ${answer.questionId} is not the pending one (${pending.questionId})`;
    const text = typeof answer.answer === 'string' ? answer.answer.trim() : '';
    if (!text && !(answer.confirm === true && pending.draftAnswer)) {
      return pending.draftAnswer ? 'give an answer, or confirm the drafted one' : 'give an answer';
    }
    if (pendingAnswer !== null || recording) return 'the question already has an answer';
    return null;
  }

  async function applyAnswer(answer: Answer, via: 'update' | 'signal'): Promise<void> {
    const details = { questionId: progress.pending?.kind === 'question' ? progress.pending.questionId : answer?.questionId ?? null };
    await people.perform({ origin: answer?.origin, via, person: answer?.answeredBy, action: 'issue.answer', details }, () => recordAnswer(answer));
  }

  async function recordAnswer(answer: Answer): Promise<void> {
    const problem = validateAnswer(answer);
    if (problem) throw ApplicationFailure.create({ type: 'InvalidAnswer', message: problem, nonRetryable: true });
    const pending = progress.pending as Extract<PendingHuman, { kind: 'question' }>;
    recording = true;
    try {
      await people.authorize(answer.answeredBy, 'answer');
      const text = answer.answer?.trim() || (pending.draftAnswer as string);
      await bookkeeping.closeQuestion({ ...ref, questionId: pending.questionId, status: 'answered', answer: text, answeredBy: answer.answeredBy });
      pendingAnswer = { answer: text, answeredBy: answer.answeredBy };
      progress.status = 'processing';
    } finally {
      recording = false;
    }
  }

  function validateRaise(raise: RaiseBudget): string | null {
    if (!raise || typeof raise.budgetUsd !== 'number' || !(raise.budgetUsd > 0)) return 'budgetUsd must be a positive number';
    if (typeof raise.reviewer !== 'string' || raise.reviewer.trim() === '') return 'reviewer is required';
    if (raise.budgetUsd <= progress.budgetUsd) return `the budget is already $${progress.budgetUsd}; raise it above that`;
    if (recording) return 'another change is being recorded; try again';
    return null;
  }

  async function applyRaise(raise: RaiseBudget, via: 'update' | 'signal'): Promise<void> {
    const details = { budgetUsd: raise?.budgetUsd, previousBudgetUsd: progress.budgetUsd };
    await people.perform({ origin: raise?.origin, via, person: raise?.reviewer, action: 'issue.raise_budget', details }, () => recordRaise(raise));
  }

  async function recordRaise(raise: RaiseBudget): Promise<void> {
    const problem = validateRaise(raise);
    if (problem) throw ApplicationFailure.create({ type: 'InvalidBudget', message: problem, nonRetryable: true });
    recording = true;
    try {
      await people.authorize(raise.reviewer, 'raiseBudget');
      await bookkeeping.recordIssueBudget({ ...ref, budgetUsd: raise.budgetUsd, reviewer: raise.reviewer });
      progress.budgetUsd = raise.budgetUsd;
      if (progress.pending?.kind === 'budget' && progress.costUsd + state.lastCallCostUsd <= progress.budgetUsd) {
        progress.status = 'processing';
      }
    } finally {
      recording = false;
    }
  }

  const rejectIf = (problem: string | null) => {
    if (problem) throw new Error(problem); // validator: the update is refused, nothing is recorded
  };
  const dropInvalidSignal = (name: string) => (error: unknown) => {
    log.warn(`${name} signal ignored`, { reason: error instanceof Error ? error.message : String(error) });
  };

  setHandler(decisionUpdate, async (decision) => (await applyDecision(decision, 'update'), progress), {
    validator: (decision) => rejectIf(validateDecision(decision)),
  });
  setHandler(decisionSignal, (decision) => applyDecision(decision, 'signal').catch(dropInvalidSignal('decision')));
  setHandler(answerUpdate, async (answer) => (await applyAnswer(answer, 'update'), progress), {
    validator: (answer) => rejectIf(validateAnswer(answer)),
  });
  setHandler(answerSignal, (answer) => applyAnswer(answer, 'signal').catch(dropInvalidSignal('answer')));
  setHandler(raiseBudgetUpdate, async (raise) => (await applyRaise(raise, 'update'), progress), {
    validator: (raise) => rejectIf(validateRaise(raise)),
  });
  setHandler(raiseBudgetSignal, (raise) => applyRaise(raise, 'signal').catch(dropInvalidSignal('raiseBudget')));
  let slotGranted = false;
  setHandler(slotGrantedSignal, () => {
    slotGranted = true;
  });
  setHandler(contextUpdatedSignal, (update) => {
    // The new context is already in Postgres; every prompt built from now on reads it.
    progress.contextUpdates = (progress.contextUpdates ?? 0) + 1;
    log.info('issue context updated', { by: update?.updatedBy, fields: update?.fields });
    touch();
  });

  // ---- the ERP hears about every status change ----------------------------------------------
  let callbackSequence = 0;
  /**
   * Starts a child that delivers the event and is not waited for (ABANDON): retries happen
   * there, and a dead callback URL never blocks or fails the issue.
   *
   * Callers check `policy.statusCallbacks` themselves: even awaiting an already-resolved
   * promise adds a microtask turn, which can reorder commands against concurrently running
   * handlers and break the replay of histories recorded without callbacks.
   */
  async function notifyErp(event: 'issue.status_changed' | 'issue.pull_request_opened', payload: Record<string, unknown>): Promise<void> {
    callbackSequence += 1;
    // From the input and the run, not the workflow id: replays (and the ERP) see the same id.
    const deliveryId = `${issueId}:${workflowInfo().runId}:${callbackSequence}`;
    await startChild(statusCallbackWorkflow, {
      workflowId: `callback:${deliveryId}`,
      args: [{ organizationId, issueId, deliveryId, event, payload }],
      parentClosePolicy: 'ABANDON',
    });
  }

  // ---- visibility ---------------------------------------------------------------------
  function touch(): void {
    progress.updatedAt = new Date().toISOString();
    setCurrentDetails(describe(progress, input));
  }

  function enter(stage: Stage, step: string): void {
    progress.stage = stage;
    progress.currentStep = step;
    upsertSearchAttributes([{ key: searchAttributes.issueStage, value: stage }]);
    touch();
  }

  function complete(stage: Stage): void {
    if (!progress.stagesCompleted.includes(stage)) progress.stagesCompleted.push(stage);
    progress.progress = Math.round((progress.stagesCompleted.length / STAGE_COUNT) * 100);
    touch();
  }

  function addCost(costUsd: number): void {
    progress.costUsd = Math.round((progress.costUsd + costUsd) * 1e6) / 1e6;
    if (costUsd > 0) state.lastCallCostUsd = costUsd;
  }

  // ---- people in the loop: every wait has a reminder, an escalation and an expiry -------
  async function waitForPeople(
    pending: PendingHuman,
    settled: () => boolean,
    status: Extract<IssueStatus, 'awaiting_approval' | 'awaiting_answer' | 'awaiting_budget'>,
    what: string,
  ): Promise<'settled' | 'expired'> {
    const timers = policy.timers;
    // A slot bounds agent work, not waiting: a person's wait (up to days) gives it back, and
    // the issue queues again when the wait is over. Runs started before this change keep theirs.
    const releasedSlot = policy.concurrency !== undefined && state.slotHeld && patched(RELEASE_SLOT_WHILE_WAITING);
    if (releasedSlot) {
      await bookkeeping.releaseSlot({ workflowId: workflowInfo().workflowId });
      state.slotHeld = false;
      slotGranted = false;
    }
    const opened = Date.now();
    pending.deadline = new Date(opened + timers.expirySeconds * 1000).toISOString();
    progress.pending = pending;
    progress.status = status;
    progress.currentStep = `waiting: ${what}`;
    upsertSearchAttributes([{ key: searchAttributes.awaitingHuman, value: true }]);
    touch();
    await bookkeeping.recordIssueStatus({ ...ref, status });
    if (policy.statusCallbacks) await notifyErp('issue.status_changed', { status, stage: progress.stage, waitingFor: what, deadline: pending.deadline });
    const key = `${pending.kind}:${uuid4()}`;
    let outcome: 'settled' | 'expired' = 'expired';
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
          await bookkeeping.notify({
            ...ref,
            kind: 'reminder',
            dedupeKey: `${key}:reminder`,
            message: `Still waiting for ${what} on "${input.title}"`,
            recipients: [],
          });
        } else if (step.act === 'escalation') {
          pending.escalated = true;
          await bookkeeping.notify({
            ...ref,
            kind: 'escalation',
            dedupeKey: `${key}:escalation`,
            message: `Escalated: no ${what} on "${input.title}" after ${timers.escalationSeconds}s`,
            recipients: policy.escalationContacts,
          });
          const { priority } = await bookkeeping.raisePriority(ref);
          upsertSearchAttributes([{ key: searchAttributes.issuePriority, value: priority }]);
        }
        touch();
      }
    } finally {
      // Also on cancel: the issue is no longer waiting for anyone.
      progress.pending = null;
      upsertSearchAttributes([{ key: searchAttributes.awaitingHuman, value: false }]);
    }
    if (outcome === 'settled') {
      if (releasedSlot) await waitForSlot({ again: true });
      progress.status = 'processing';
      touch();
      await bookkeeping.recordIssueStatus({ ...ref, status: 'processing' });
      if (policy.statusCallbacks) await notifyErp('issue.status_changed', { status: 'processing', stage: progress.stage });
    }
    return outcome;
  }

  async function gate(which: Gate): Promise<Decision> {
    const gateRound = which === 'plan' ? counters.planGateRound++ : counters.finalGateRound++;
    gateDecision = null;
    const pending: PendingHuman = {
      kind: 'approval',
      gate: which,
      gateRound,
      since: new Date().toISOString(),
      deadline: '',
      reminded: false,
      escalated: false,
    };
    const result = await waitForPeople(pending, () => gateDecision !== null, 'awaiting_approval', `${which} approval`);
    if (result === 'expired' || gateDecision === null) {
      throw new PipelineEnd('approval_expired', `${which} approval not given within ${policy.timers.expirySeconds}s`);
    }
    return gateDecision;
  }

  async function clarify(stage: string, question: string): Promise<string> {
    const questionId = uuid4();
    await bookkeeping.openQuestion({ ...ref, questionId, stage, question, policy: policy.clarification });
    const view: QuestionView = { id: questionId, stage, question, answer: null, answeredBy: null, status: 'pending' };
    progress.questions.push(view);
    let draft: string | null = null;
    if (policy.clarification !== 'human') {
      await ensureBudget();
      const controller = await models.draftControllerAnswer.executeWithOptions({ summary: `clarify · controller answers (${stage})` }, [
        { ...ref, questionId, stage, question, modelTier: capTier('medium', policy.allowedTiers) },
      ]);
      addCost(controller.costUsd);
      if (policy.clarification === 'autonomous') {
        await bookkeeping.closeQuestion({ ...ref, questionId, status: 'answered', answer: controller.answer, answeredBy: 'controller' });
        Object.assign(view, { answer: controller.answer.slice(0, 500), answeredBy: 'controller', status: 'answered' });
        touch();
        return controller.answer;
      }
      draft = controller.answer;
    }
    pendingAnswer = null;
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
    const result = await waitForPeople(pending, () => pendingAnswer !== null, 'awaiting_answer', 'an answer');
    const answered = pendingAnswer as { answer: string; answeredBy: string } | null;
    if (result === 'expired' || answered === null) {
      await bookkeeping.closeQuestion({ ...ref, questionId, status: 'expired', answer: null, answeredBy: null });
      view.status = 'expired';
      throw new PipelineEnd('needs_info', `no answer within ${policy.timers.expirySeconds}s to: ${question.slice(0, 300)}`);
    }
    Object.assign(view, { answer: answered.answer.slice(0, 500), answeredBy: answered.answeredBy, status: 'answered' });
    touch();
    return answered.answer;
  }

  /** Before a model call that would overrun the budget, wait for more budget (or a cancel). */
  async function ensureBudget(): Promise<void> {
    const fits = () => progress.costUsd + state.lastCallCostUsd <= progress.budgetUsd;
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
    const result = await waitForPeople(pending, fits, 'awaiting_budget', 'a budget raise');
    if (result === 'expired') {
      throw new PipelineEnd('failed', `budget of $${progress.budgetUsd} reached ($${progress.costUsd} spent) and not raised`);
    }
  }

  // ---- agents -------------------------------------------------------------------------
  /** Runs one agent loop; a loop that fails leaves its step marked failed in Postgres. */
  async function runAgent(stage: AgentStage, round: number, tier: ModelTier): Promise<AgentStageSummary> {
    try {
      return await agentLoop(stage, round, tier);
    } catch (err) {
      if (err instanceof PipelineEnd || isCancellation(err) || err instanceof ContinueAsNew) throw err;
      if (!(err instanceof ApplicationFailure && err.type === 'INVALID_MODEL_OUTPUT')) {
        await bookkeeping.failAgentLoop({ ...ref, loopId: `${issueId}:${stage}:${round}`, stage, round, modelTier: tier, reason: failureMessage(err) });
      }
      throw err;
    }
  }

  async function agentLoop(stage: AgentStage, round: number, tier: ModelTier): Promise<AgentStageSummary> {
    const loopId = `${issueId}:${stage}:${round}`;
    const loop = { ...ref, loopId, stage, round };
    const { stepId } = await bookkeeping.startAgentLoop.executeWithOptions({ summary: `${stage} · start (round ${round + 1})` }, [
      { ...loop, modelTier: tier },
    ]);
    let repairs = 0;
    for (let turn = 0; ; turn++) {
      const forceFinal = turn >= policy.maxAgentTurns - 1;
      await ensureBudget();
      progress.currentStep = `${stage}: model turn ${turn + 1}`;
      touch();
      const result = await models.agentModelTurn.executeWithOptions(
        { summary: `${stage} · model turn ${turn + 1}${forceFinal ? ' (final)' : ''}` },
        [{ ...loop, turn, modelTier: tier, forceFinal, stepId }],
      );
      addCost(result.costUsd);
      if (result.kind === 'final') return result.summary;
      repairs += result.repairs;
      if (repairs > MAX_REPAIRS_PER_LOOP || (forceFinal && result.toolCalls.length === 0)) {
        const reason = forceFinal
          ? `${stage} agent did not submit a valid answer within ${policy.maxAgentTurns} turns${result.problem ? `: ${result.problem}` : ''}`
          : `${stage} agent's answer is still invalid after ${MAX_REPAIRS_PER_LOOP} repair: ${result.problem ?? ''}`;
        await bookkeeping.failAgentLoop({ ...loop, modelTier: tier, reason });
        throw ApplicationFailure.create({ type: 'INVALID_MODEL_OUTPUT', message: reason, nonRetryable: true });
      }
      for (const call of result.toolCalls) {
        if (call.name === 'ask_clarification') {
          const answer = await clarify(stage, call.question ?? '');
          await bookkeeping.recordToolAnswer({ ...ref, loopId, toolUseId: call.toolUseId, answer });
          continue;
        }
        progress.currentStep = `${stage}: ${call.name}`;
        touch();
        await tools.runAgentTool.executeWithOptions({ summary: `${stage} · ${call.name}` }, [
          { ...ref, loopId, toolUseId: call.toolUseId },
        ]);
        progress.toolCalls += 1;
      }
      if (forceFinal) {
        const reason = `${stage} agent did not submit within ${policy.maxAgentTurns} turns`;
        await bookkeeping.failAgentLoop({ ...loop, modelTier: tier, reason });
        throw ApplicationFailure.create({ type: 'INVALID_MODEL_OUTPUT', message: reason, nonRetryable: true });
      }
    }
  }

  // ---- the pipeline -----------------------------------------------------------------------
  /** Waits, queued, until the limiter grants this issue a slot (only with a concurrency policy). */
  /** `again`: after a person's wait released the slot; the stage shows again once it is granted. */
  async function waitForSlot(options: { again?: boolean } = {}): Promise<void> {
    const limits = policy.concurrency;
    if (!limits || state.slotHeld) return;
    progress.status = 'queued';
    progress.queued = true;
    progress.currentStep = 'waiting for a free slot';
    upsertSearchAttributes([{ key: searchAttributes.issueStage, value: 'queued' }]);
    touch();
    await bookkeeping.requestSlot.executeWithOptions({ summary: 'limiter · ask for a slot' }, [
      { workflowId: workflowInfo().workflowId, organizationId, organizationLimit: limits.organizationLimit, globalLimit: limits.globalLimit },
    ]);
    // condition(), not a timer loop: the limiter's signal (or a cancel) wakes us.
    await condition(() => slotGranted);
    state.slotHeld = true;
    progress.queued = false;
    progress.status = 'processing';
    if (options.again && progress.stage) upsertSearchAttributes([{ key: searchAttributes.issueStage, value: progress.stage }]);
    touch();
  }

  async function pipeline(): Promise<{ status: IssueOutcome['status']; summary: string }> {
    let route: TriageRoute | null = progress.route;
    if (policy.concurrency) await waitForSlot();
    for (;;) {
      if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= policy.historyEventThreshold) {
        // Compact state only: transcripts and artifacts stay in Postgres.
        await condition(allHandlersFinished);
        await people.flush();
        await continueAsNew<typeof issueWorkflow>({ ...input, resume: state });
      }
      switch (state.phase) {
        case 'classify': {
          enter('classify', 'classifying the issue');
          if (policy.statusCallbacks) await notifyErp('issue.status_changed', { status: 'processing', stage: 'classify' });
          await ensureBudget();
          const classification = await models.classifyIssue.executeWithOptions({ summary: 'classify · one model call' }, [
            { ...ref, round: 0, modelTier: capTier('small', policy.allowedTiers) },
          ]);
          addCost(classification.costUsd);
          complete('classify');
          upsertSearchAttributes([
            { key: searchAttributes.issueType, value: classification.type },
            { key: searchAttributes.issuePriority, value: classification.priority },
            ...(classification.module ? [{ key: searchAttributes.issueModule, value: classification.module }] : []),
          ]);
          state.baseTier = capTier(tierForComplexity(classification.complexity), policy.allowedTiers);
          state.phase = 'triage';
          break;
        }
        case 'triage': {
          enter('triage', 'deciding how to handle the issue');
          await ensureBudget();
          const triage = await models.triageIssue.executeWithOptions({ summary: `triage · one model call (round ${counters.triageRound + 1})` }, [
            { ...ref, round: counters.triageRound, modelTier: capTier('small', policy.allowedTiers) },
          ]);
          addCost(triage.costUsd);
          if (triage.question && counters.triageRound < MAX_TRIAGE_QUESTIONS) {
            counters.triageRound += 1;
            await clarify('triage', triage.question);
            break; // triage again, with the answer
          }
          complete('triage');
          route = triage.route;
          progress.route = route;
          if (route === 'reject') return { status: 'rejected', summary: triage.reason };
          if (route === 'answer') return { status: 'completed', summary: triage.reason };
          state.phase = 'research';
          break;
        }
        case 'research': {
          if (policy.workspace && !progress.branch) {
            enter('research', 'preparing the workspace');
            const prepared = await workspace.prepareWorkspace.executeWithOptions({ summary: 'workspace · clone the repository' }, [ref]);
            progress.branch = prepared.branch;
          }
          enter('research', counters.researchRound === 0 ? 'investigating the root cause' : 'revising the plan');
          const research = (await runAgent('research', counters.researchRound, state.baseTier)) as { rootCause: string };
          complete('research');
          if (route === 'research') return { status: 'completed', summary: research.rootCause };
          // Plans without the code agent (free) end with the analysis for a person to act on.
          if (policy.allowedAgents && !policy.allowedAgents.includes('code')) {
            return { status: 'completed', summary: `${research.rootCause} (the code agent is not part of this organization's plan)` };
          }
          // Escalated issues always get a person's approval before code (migrations, deploys, …).
          state.phase = policy.planApproval === 'required' || route === 'escalate' ? 'plan_approval' : 'code';
          break;
        }
        case 'plan_approval': {
          enter('research', 'waiting for plan approval');
          const decision = await gate('plan');
          if (decision.decision === 'reject') return { status: 'rejected', summary: `plan rejected by ${decision.reviewer}: ${decision.comment ?? ''}` };
          if (decision.decision === 'request_changes') {
            counters.researchRound += 1;
            state.phase = 'research';
          } else {
            state.phase = 'code';
          }
          break;
        }
        case 'code': {
          const tier = capTier(raiseTier(state.baseTier, counters.codeTierBoost), policy.allowedTiers);
          progress.round = counters.codeRound;
          progress.codeTier = tier;
          enter('code', counters.codeRound === 0 ? 'writing the change' : `revising the change (round ${counters.codeRound + 1})`);
          await runAgent('code', counters.codeRound, tier);
          if (policy.workspace) {
            progress.currentStep = 'running the tests and committing';
            touch();
            const change = await workspace.finalizeChange.executeWithOptions({ summary: 'code · tests, commit, diff' }, [
              { ...ref, round: counters.codeRound },
            ]);
            progress.testsPassed = change.testsPassed;
          }
          complete('code');
          state.phase = 'review';
          break;
        }
        case 'review': {
          enter('review', `reviewing the change (round ${counters.codeRound + 1})`);
          const review = (await runAgent('review', counters.codeRound, state.baseTier)) as ReviewSummary;
          complete('review');
          if (review.verdict === 'approve') {
            if (policy.finalApproval === 'never') return { status: 'completed', summary: await publish(review.summary) };
            state.phase = 'final_approval';
          } else if (counters.reviewRoundsUsed < policy.maxReviewRounds) {
            // A failed review sends the change back, and the next attempt gets a stronger model.
            counters.reviewRoundsUsed += 1;
            counters.codeRound += 1;
            counters.codeTierBoost += 1;
            state.phase = 'code';
          } else {
            throw new PipelineEnd('failed', `review requested changes in all ${policy.maxReviewRounds + 1} rounds: ${review.summary}`);
          }
          break;
        }
        case 'final_approval': {
          enter('review', 'waiting for final approval');
          const decision = await gate('final');
          if (decision.decision === 'approve') return { status: 'completed', summary: await publish(`approved by ${decision.reviewer}`) };
          if (decision.decision === 'reject') return { status: 'rejected', summary: `rejected by ${decision.reviewer}: ${decision.comment ?? ''}` };
          counters.codeRound += 1;
          state.phase = 'code';
          break;
        }
      }
    }
  }

  /** Workspace issues end in a pull request, opened exactly once (see publishChange). */
  async function publish(summary: string): Promise<string> {
    if (!policy.workspace) return summary;
    progress.currentStep = 'opening the pull request';
    touch();
    const pr = await workspace.publishChange.executeWithOptions({ summary: 'publish · push and open the pull request' }, [
      { ...ref, workflowId: workflowInfo().workflowId },
    ]);
    progress.pullRequestUrl = pr.url;
    if (policy.statusCallbacks) await notifyErp('issue.pull_request_opened', { pullRequestUrl: pr.url, status: 'processing' });
    return `${summary}; pull request ${pr.url}`;
  }

  async function finish(status: IssueStatus, summary: string, error: string | null): Promise<void> {
    // Postgres first: once the status query says the issue ended, the database says so too.
    await bookkeeping.finishIssue({ ...ref, status, summary, error });
    // Give the slot back (or leave the queue) so the next issue can start.
    if (policy.concurrency) await bookkeeping.releaseSlot({ workflowId: workflowInfo().workflowId });
    progress.status = status;
    progress.currentStep = status;
    progress.error = error;
    progress.pending = null;
    if (status === 'completed') progress.progress = 100;
    upsertSearchAttributes([
      { key: searchAttributes.issueStage, value: status },
      { key: searchAttributes.awaitingHuman, value: false },
    ]);
    touch();
    if (policy.statusCallbacks) await notifyErp('issue.status_changed', { status, summary: summary.slice(0, 500), error });
    await people.flush();
  }

  let result: { status: IssueOutcome['status'] | 'failed'; summary: string };
  try {
    try {
      result = await pipeline();
    } catch (err) {
      if (!(err instanceof PipelineEnd)) throw err;
      result = { status: err.status, summary: err.summary };
    }
    await finish(result.status, result.summary, result.status === 'failed' ? result.summary : null);
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err; // not a failure: the next run takes over
    if (isCancellation(err)) {
      // Cleanup must run although the workflow is being cancelled.
      await CancellationScope.nonCancellable(() => finish('cancelled', 'cancelled', null));
      throw err;
    }
    const reason = `${progress.stage ?? 'pipeline'} failed: ${failureMessage(err)}`;
    await finish('failed', reason, reason);
    throw ApplicationFailure.nonRetryable(reason, 'IssueFailed');
  }
  // Failing the execution (not just the issue row) makes failed issues stand out in the Web UI.
  if (result.status === 'failed') throw ApplicationFailure.nonRetryable(result.summary, 'IssueFailed');
  return { issueId, status: result.status, route: progress.route, summary: result.summary };
}

/**
 * The message of the failure an activity raised (our ApplicationFailure), not of its
 * deepest cause: that is the SDK's raw error, for stack traces rather than people.
 */
function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** Markdown shown as "current details" on the workflow page of the Web UI. */
function describe(progress: IssueProgress, input: IssueWorkflowInput): string {
  const lines = [
    `**${input.title}**`,
    '',
    `- status: \`${progress.status}\``,
    `- stage: \`${progress.stage ?? '—'}\` (${progress.progress}%), round ${progress.round + 1}`,
    `- step: ${progress.currentStep}`,
    `- cost: $${progress.costUsd.toFixed(4)} of $${progress.budgetUsd}`,
    `- organization: \`${input.organizationId}\``,
    `- issue: \`${input.issueId}\``,
    `- run: \`${workflowInfo().runId}\` (${progress.runs})`,
  ];
  if (progress.route) lines.push(`- route: \`${progress.route}\``);
  const pending = progress.pending;
  if (pending?.kind === 'approval') lines.push('', `⏳ **Waiting for ${pending.gate} approval** until ${pending.deadline}: signal \`decision\` with \`{"decision":"approve","reviewer":"…"}\``);
  if (pending?.kind === 'question') lines.push('', `⏳ **Question** (until ${pending.deadline}): ${pending.question}`, pending.draftAnswer ? `Draft answer: ${pending.draftAnswer}` : '', 'Signal `answer` with `{"answer":"…","answeredBy":"…"}`');
  if (pending?.kind === 'budget') lines.push('', `⏳ **Budget reached** ($${pending.spentUsd} of $${pending.budgetUsd}): signal \`raiseBudget\` with \`{"budgetUsd":…,"reviewer":"…"}\``);
  if (progress.error) lines.push('', `> ${progress.error}`);
  return lines.join('\n');
}
