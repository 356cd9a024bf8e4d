/**
 * SkillWorkflow: one durable run of a skill as a persona.
 *
 *   begin (permission, enablement, version by rollout, input) → agent loop with the skill's
 *   tools only → submit_output validated (bounded repair) → invocation completed / failed
 *
 * The skill's Error Handling rules become tools: request_info waits for a person's answer,
 * flag_for_review for a reviewer's approval, each with a deadline (a durable timer).
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./; everything else is types.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  setWorkflowOptions,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { statusCallbackWorkflow } from './callbacks';
import type { BookkeepingActivities, ErpActivities, ModelActivities, ToolActivities } from '../activities';
import type { InvocationAnswer, InvocationDecision } from '../src/contracts/skills';
import { BOOKKEEPING_OPTIONS, MODEL_RETRY, TOOL_RETRY } from './shared/activity-options';
import type { SkillToolCallRef } from '../activities/skills';
import { runAgentLoop } from './shared/agent-loop';
import { acceptFromPeople, InputDesk } from './shared/human-input';
import { personChecks } from './shared/people';
import { pinnedWhenVersioned } from './shared/versioning';
import { slotGrantedSignal } from './limiter';
import { pauseReason, validControls } from './shared/controls';
import type { AgentControls } from '../src/contracts/controls';
import {
  controlsChangedSignal,
  searchAttributes,
  skillAnswerSignal,
  skillAnswerUpdate,
  skillDecisionSignal,
  skillDecisionUpdate,
  type SkillPendingRequest,
  type SkillRunOutcome,
  type SkillRunProgress,
  type SkillRunRequest,
  skillStatusQuery,
} from './definitions';

/** patched() id: a finished run is sent to the callback URL as invocation.finished. */
const INVOCATION_FINISHED_EVENT = 'invocation-finished-event';

/** patched() id: a run obeys the kill switch (recorded only by runs that are held). */
const HELD_BY_KILL_SWITCH = 'skill-run-held-by-kill-switch';

/** patched() id: a run of a skill an MCP server opts in lists its tools once, as it begins. */
const SKILL_MCP_TOOLS = 'skill-mcp-tools';

/** Invalid outputs the agent may repair before the run fails. */
export const MAX_OUTPUT_REPAIRS = 2;
const REQUEST_INFO = 'request_info';
const FLAG_FOR_REVIEW = 'flag_for_review';

class RunEnd extends Error {}

/** What the agent of a dry run is told instead of a person's answer or decision. */
const DRY_RUN_REPLIES = {
  question: 'This is a dry run: the question is recorded, and nobody answers it. Go on with what you have, and say in your output what is missing.',
  review: 'This is a dry run: the review is recorded, and the run goes on as if approved.',
} as const;

export async function skillWorkflow(request: SkillRunRequest): Promise<SkillRunOutcome> {
  const info = workflowInfo();
  const invocationId = request.invocationId ?? uuid4();
  const { organizationId } = request;
  const loopId = `${invocationId}:skill`;
  const ref = { organizationId, invocationId, loopId };

  const bookkeeping = proxyActivities<BookkeepingActivities>(BOOKKEEPING_OPTIONS);

  const progress: SkillRunProgress = {
    invocationId,
    skill: request.skill,
    version: request.version ?? null,
    persona: request.persona,
    status: 'running',
    turn: 0,
    toolCalls: 0,
    refusedToolCalls: 0,
    repairs: 0,
    costUsd: 0,
    budgetUsd: request.budgetUsd ?? null,
    pending: null,
    output: null,
    error: null,
    updatedAt: new Date().toISOString(),
  };
  const touch = (step: string) => {
    progress.updatedAt = new Date().toISOString();
    setCurrentDetails(`**${request.skill}** ${progress.version ?? ''} as ${request.persona}: ${progress.status} — ${step}`);
  };

  // ---- people: answers to request_info, decisions on flag_for_review ------------------
  let reply: { status: 'answered' | 'approved' | 'rejected'; response: string | null; by: string } | null = null;
  const desk = new InputDesk();
  setHandler(skillStatusQuery, () => progress);

  function validateAnswer(answer: InvocationAnswer): string | null {
    if (!answer || typeof answer.answer !== 'string' || !answer.answer.trim()) return 'give an answer';
    if (typeof answer.answeredBy !== 'string' || !answer.answeredBy.trim()) return 'answeredBy is required';
    if (progress.pending?.kind !== 'question') return `no question is pending (the run is ${progress.status})`;
    if (reply || desk.busy) return 'the question already has an answer';
    return null;
  }
  function validateDecision(decision: InvocationDecision): string | null {
    if (!decision || (decision.decision !== 'approve' && decision.decision !== 'reject')) return 'decision must be approve or reject';
    if (typeof decision.reviewer !== 'string' || !decision.reviewer.trim()) return 'reviewer is required';
    if (progress.pending?.kind !== 'review') return `no review is pending (the run is ${progress.status})`;
    if (reply || desk.busy) return 'the review is already decided';
    return null;
  }
  const people = personChecks(bookkeeping, organizationId, { type: 'invocation', id: invocationId });
  async function apply(problem: string | null, person: string, action: 'answer' | 'reviewSkillRun', next: () => NonNullable<typeof reply>): Promise<void> {
    if (problem) throw ApplicationFailure.create({ type: 'InvalidReply', message: problem, nonRetryable: true });
    await desk.record(async () => {
      await people.authorize(person, action);
      reply = next();
    });
  }
  acceptFromPeople({ name: 'answer', update: skillAnswerUpdate, signal: skillAnswerSignal }, {
    validate: validateAnswer,
    apply: (answer, via) =>
      people.perform({ origin: answer?.origin, via, person: answer?.answeredBy, action: 'invocation.answer', details: {} }, () =>
        apply(validateAnswer(answer), answer.answeredBy, 'answer', () => ({ status: 'answered', response: answer.answer.trim(), by: answer.answeredBy })),
      ),
    progress: () => progress,
  });
  acceptFromPeople({ name: 'decision', update: skillDecisionUpdate, signal: skillDecisionSignal }, {
    validate: validateDecision,
    apply: (decision, via) =>
      people.perform({ origin: decision?.origin, via, person: decision?.reviewer, action: 'invocation.decide', details: { decision: decision?.decision } }, () =>
        apply(validateDecision(decision), decision.reviewer, 'reviewSkillRun', () => ({
          status: decision.decision === 'approve' ? 'approved' : 'rejected',
          response: decision.comment ?? null,
          by: decision.reviewer,
        })),
      ),
    progress: () => progress,
  });

  // Also set at start by the API and schedules; here for runs started any other way (CLI, tests).
  upsertSearchAttributes([
    { key: searchAttributes.organizationId, value: organizationId },
    { key: searchAttributes.skillId, value: request.skill },
  ]);

  // ---- the run -----------------------------------------------------------------------
  const finish = async (status: 'completed' | 'failed', output: Record<string, unknown> | null, error: string | null): Promise<SkillRunOutcome> => {
    progress.status = status;
    progress.output = output;
    progress.error = error;
    await giveSlot({ always: true });
    await people.flush();
    // Ended while a person was asked (cancelled, or a failure): the request is closed too.
    const open = progress.pending;
    progress.pending = null;
    touch(error ?? 'done');
    if (open) {
      await bookkeeping.closeInvocationRequest({ ...ref, toolUseId: open.toolUseId, status: 'expired', response: null, respondedBy: null, toolResult: `the run ended: ${error ?? status}` });
    }
    await bookkeeping.finishSkillInvocation({ organizationId, invocationId, status, output, error, costUsd: progress.costUsd });
    if (erpSync) {
      // The ERP's record of the run; its outage does not change the run's outcome.
      await erp.syncInvocationToErp({ organizationId, invocationId }).catch((failure: unknown) => {
        log.warn('AgentInvocation not sent to the ERP', { invocationId, error: failure instanceof Error ? failure.message : String(failure) });
      });
    }
    if (statusCallbacks && patched(INVOCATION_FINISHED_EVENT)) {
      // Delivered durably apart from the run, as issues' status events are: the run does not wait.
      const deliveryId = `${invocationId}:finished`;
      await startChild(statusCallbackWorkflow, {
        workflowId: `callback:${deliveryId}`,
        args: [{ organizationId, invocationId, deliveryId, event: 'invocation.finished', payload: { status, output, error, costUsd: progress.costUsd } }],
        parentClosePolicy: 'ABANDON',
      }).catch((failure: unknown) => {
        log.warn('invocation.finished not started', { invocationId, error: failure instanceof Error ? failure.message : String(failure) });
      });
    }
    return { invocationId, status, version: progress.version, output, error, costUsd: progress.costUsd };
  };
  /** Set from begin: runs of organizations with an ERP API report to its AgentInvocation endpoint. */
  let erpSync = false;
  /** Set from begin: organizations with a callback URL get invocation.finished. */
  let statusCallbacks = false;
  const erp = proxyActivities<ErpActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
  });

  // ---- the skill-run limiter: a slot bounds model work, not a person's wait ----------------
  let slotLimits: { organizationLimit: number; globalLimit: number } | undefined;
  let slotHeld = false;
  let slotGranted = false;
  setHandler(slotGrantedSignal, () => {
    slotGranted = true;
  });
  /** Waits, queued, for a slot (only when the worker runs a skill-run limiter). */
  async function takeSlot(): Promise<void> {
    if (!slotLimits || slotHeld) return;
    progress.status = 'queued';
    touch('waiting for a free slot');
    await bookkeeping.requestSlot({ workflowId: info.workflowId, organizationId, ...slotLimits, limiter: 'skill-runs' });
    await condition(() => slotGranted);
    slotHeld = true;
    progress.status = 'running';
    touch('slot granted');
  }
  /**
   * Gives the slot back. `always` (at the end): whatever this run believes — a grant can land
   * while a cancelled run is finishing, and a release cancelled in flight may not have been
   * sent — the limiter drops a waiting request and ignores a slot it does not know.
   */
  async function giveSlot(options: { always?: boolean } = {}): Promise<void> {
    if (!slotLimits || (!slotHeld && !options.always)) return;
    slotGranted = false;
    await bookkeeping.releaseSlot({ workflowId: info.workflowId, limiter: 'skill-runs' });
    slotHeld = false;
  }

  // ---- the kill switch (src/contracts/controls.ts): a paused run waits before its next step ----
  let controls: AgentControls | undefined;
  /** Once a broadcast has reached the run, begin's reading of the controls is older than it. */
  let controlsSignalled = false;
  setHandler(controlsChangedSignal, (value) => {
    const valid = validControls(value);
    if (!valid) return log.warn('controlsChanged signal ignored: not a controls record', { received: typeof value });
    controls = valid;
    controlsSignalled = true;
  });
  /**
   * While agents are paused: gives its slot back (other organizations' runs go on), waits for a
   * `controlsChanged` signal that lifts the pause (no polling), then queues for a slot again
   * and continues with the step it was about to take. Awaited only when paused, so runs that
   * never are paused record nothing new.
   */
  async function holdWhilePaused(step: string): Promise<void> {
    const reason = pauseReason(controls);
    if (!reason || !patched(HELD_BY_KILL_SWITCH)) return;
    progress.held = { reason, since: new Date().toISOString() };
    touch(`held before ${step}: ${reason}`);
    await giveSlot();
    await condition(() => pauseReason(controls) === null);
    progress.held = null;
    touch(`resumed before ${step}`);
    await takeSlot();
  }

  // Everything after the handlers can end the run; every ending is recorded on the invocation.
  try {
    return await run();
  } catch (error) {
    if (error instanceof RunEnd) return await finish('failed', null, error.message);
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => finish('failed', null, 'cancelled'));
      throw error;
    }
    const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    await finish('failed', null, message);
    throw error;
  }

  async function run(): Promise<SkillRunOutcome> {
    const begin = await bookkeeping.beginSkillInvocation({ ...request, invocationId, workflowId: info.workflowId });
    progress.version = begin.version;
    if (!begin.ok) {
      progress.status = 'failed';
      progress.error = begin.reason;
      touch(begin.reason);
      return { invocationId, status: 'failed', version: begin.version, output: null, error: begin.reason, costUsd: 0 };
    }
    progress.budgetUsd = begin.budgetUsd;
    erpSync = begin.erpSync === true; // absent from runs begun before this existed: they do not sync
    statusCallbacks = begin.statusCallbacks === true; // likewise
    slotLimits = begin.concurrency; // likewise: those runs never ask for a slot
    if (!controlsSignalled) controls = begin.controls; // likewise: those runs are never held
    await holdWhilePaused('its first turn');
    await takeSlot();
    const { waitSeconds, maxTurns, budgetUsd } = begin;
    // Model and tool calls heartbeat: a call on a lost worker is retried within the
    // organization's activityHeartbeatSeconds, not after its start-to-close timeout.
    const heartbeatTimeout = begin.heartbeatSeconds * 1000;
    const models = proxyActivities<ModelActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout, retry: MODEL_RETRY });
    const tools = proxyActivities<ToolActivities>({ startToCloseTimeout: '2 minutes', heartbeatTimeout, retry: TOOL_RETRY });
    // The organization's MCP tools this skill is offered, listed once (README "MCP tools").
    let mcpTools: string[] = [];
    if (begin.mcp && patched(SKILL_MCP_TOOLS)) {
      const found = await tools.discoverSkillMcpTools({ ...ref, skill: request.skill });
      mcpTools = found.tools;
      progress.mcpTools = mcpTools;
      if (found.unreachable.length > 0) touch(`MCP server(s) ${found.unreachable.join(', ')} did not answer: their tools are not offered`);
    }
    touch('started');
    // Handlers set `reply`; read it through a function so the type is not narrowed to null.
    const currentReply = () => reply;

    /** Waits for a person; the answer (or the expiry) becomes the tool's result. */
    async function askPerson(kind: 'question' | 'review', toolUseId: string, prompt: string): Promise<void> {
      if (request.dryRun) {
        // Nobody is asked in a dry run: what would have been asked is recorded, and the run goes on.
        await bookkeeping.openInvocationRequest({ ...ref, toolUseId, kind, prompt });
        const status = kind === 'question' ? 'answered' : 'approved';
        await bookkeeping.closeInvocationRequest({ ...ref, toolUseId, status, response: null, respondedBy: 'dry run', toolResult: DRY_RUN_REPLIES[kind] });
        return;
      }
      const since = new Date();
      const pending: SkillPendingRequest = {
        kind,
        toolUseId,
        prompt,
        since: since.toISOString(),
        deadline: new Date(since.getTime() + waitSeconds * 1000).toISOString(),
      };
      await bookkeeping.openInvocationRequest({ ...ref, toolUseId, kind, prompt });
      reply = null;
      progress.pending = pending;
      progress.status = kind === 'question' ? 'awaiting_input' : 'awaiting_review';
      touch(kind === 'question' ? `asked: ${prompt}` : `flagged for review: ${prompt}`);
      await giveSlot();
      let replied = await condition(() => reply !== null, waitSeconds * 1000);
      // A reply being verified as the deadline passed was accepted by its caller: wait for it.
      if (!replied && desk.busy) replied = await condition(() => !desk.busy).then(() => reply !== null);
      const got = currentReply();
      progress.pending = null;
      progress.status = 'running';
      if (replied && got && got.status !== 'rejected') await takeSlot();
      if (!replied || !got) {
        await bookkeeping.closeInvocationRequest({ ...ref, toolUseId, status: 'expired', response: null, respondedBy: null, toolResult: 'no answer in time' });
        throw new RunEnd(kind === 'question' ? `no answer to "${prompt}" within ${waitSeconds} s` : `no review decision within ${waitSeconds} s`);
      }
      const toolResult =
        got.status === 'answered' ? `${got.by} answered: ${got.response}` : got.status === 'approved' ? `approved by ${got.by}${got.response ? `: ${got.response}` : ''}; continue` : `rejected by ${got.by}`;
      await bookkeeping.closeInvocationRequest({ ...ref, toolUseId, status: got.status, response: got.response, respondedBy: got.by, toolResult });
      if (got.status === 'rejected') throw new RunEnd(`rejected in review by ${got.by}${got.response ? `: ${got.response}` : ''}`);
    }

    let lastCallCost = 0;
    const output = await runAgentLoop<Record<string, unknown>, SkillToolCallRef>(
      // The last turns are forced to answer; an invalid answer may be repaired in extra turns.
      { forceFinalFrom: maxTurns - 1, turnLimit: maxTurns + MAX_OUTPUT_REPAIRS, maxRepairs: MAX_OUTPUT_REPAIRS, stopAtForcedTurnWithoutTools: false },
      {
        async beforeTurn() {
          if (progress.costUsd + lastCallCost > budgetUsd) {
            throw new RunEnd(`budget exhausted: $${progress.costUsd.toFixed(4)} spent of $${budgetUsd}`);
          }
          if (pauseReason(controls)) await holdWhilePaused(`turn ${progress.turn + 1}`);
        },
        async takeTurn(turn, forceFinal) {
          progress.turn = turn;
          touch(`turn ${turn + 1}`);
          const result = await models.skillModelTurn({ ...ref, turn, forceFinal, ...(mcpTools.length > 0 ? { mcpTools } : {}) });
          progress.costUsd += result.costUsd;
          lastCallCost = result.costUsd;
          if (result.kind === 'final') return { kind: 'final', final: result.output };
          progress.repairs += result.repairs;
          return result;
        },
        async runTool(call) {
          if (call.name === REQUEST_INFO || call.name === FLAG_FOR_REVIEW) {
            await askPerson(call.name === REQUEST_INFO ? 'question' : 'review', call.toolUseId, call.prompt ?? '');
            return;
          }
          // A tool acts (ERP writes among them): a pause declared mid-turn stops it too.
          if (pauseReason(controls)) await holdWhilePaused(`the ${call.name} tool`);
          const outcome = await tools.runSkillTool({ ...ref, toolUseId: call.toolUseId });
          progress.toolCalls += 1;
          if (outcome.refused) progress.refusedToolCalls += 1;
        },
        async giveUp(why) {
          throw new RunEnd(
            why.reason === 'still_invalid' ? `the output is still invalid after ${MAX_OUTPUT_REPAIRS} repairs: ${why.problem ?? ''}` : `no output after ${maxTurns} turns`,
          );
        },
      },
    );
    return await finish('completed', output, null);
  }
}

// Under Worker Versioning a run finishes on the build it started on (workflows/shared/versioning.ts).
setWorkflowOptions(pinnedWhenVersioned, skillWorkflow);
