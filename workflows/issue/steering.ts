/**
 * Steering a running agent (README "Steering a running agent"): people send the issue a
 * message — the agent receives it at its next model turn, attributed, and may switch the model
 * tier for every later turn — or interrupt it: the agent stops at its next safe point (before a
 * model turn or a tool call) and waits for a message, up to the organization's expiry, without
 * holding a concurrency slot. The ERP's `issue.updated` arrives as a message too.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { ApplicationFailure, condition, workflowInfo } from '@temporalio/workflow';
import type { AgentStage } from '../../src/agents/tools';
import type { ModelTier } from '../../src/contracts/policy';
import type { Interrupt, SteeringMessage } from '../../src/contracts/people';
import { interruptSignal, interruptUpdate, messageSignal, messageUpdate, type SteeringMessageView } from '../definitions';
import { acceptFromPeople, InputDesk } from '../shared/human-input';
import type { IssueRun } from './run';
import { step, touch } from './visibility';
import { waitForSlot } from './waits';
import { STEERING } from './patches';

/** As the API's limit (src/contracts/people.ts STEERING_MESSAGE_MAX_CHARS): a signal is held to it too. */
const STEERING_MESSAGE_MAX_CHARS = 4_000;
/** Messages one issue keeps (its history keeps them all); more are refused. */
const MAX_MESSAGES = 50;
/** Messages waiting for a turn at once. */
const MAX_UNDELIVERED = 10;

/** A message as a model turn receives it: the turn it was first given at, and who wrote it. */
export interface TurnMessage {
  turn: number;
  from: string;
  text: string;
}

const refuse = (message: string) => ApplicationFailure.create({ type: 'InvalidSteering', message, nonRetryable: true });

export function registerSteering(run: IssueRun, refused: (kind: 'message' | 'interrupt', person: unknown, reason: string) => void): void {
  const desk = new InputDesk();
  acceptFromPeople({ name: 'message', update: messageUpdate, signal: messageSignal }, {
    validate: (message) => messageProblem(run, message, desk),
    apply: (message, via) =>
      run.people.perform({ origin: message?.origin, via, person: message?.from, action: 'issue.message', details: { modelTier: message?.modelTier ?? null } }, () =>
        takeMessage(run, message, desk),
      ),
    progress: () => run.progress,
    refused: (message, reason) => refused('message', message?.from, reason),
  });
  acceptFromPeople({ name: 'interrupt', update: interruptUpdate, signal: interruptSignal }, {
    validate: (interrupt) => interruptProblem(run, interrupt, desk),
    apply: (interrupt, via) =>
      run.people.perform({ origin: interrupt?.origin, via, person: interrupt?.from, action: 'issue.interrupt', details: {} }, () => takeInterrupt(run, interrupt, desk)),
    progress: () => run.progress,
    refused: (interrupt, reason) => refused('interrupt', interrupt?.from, reason),
  });
}

function messageProblem({ progress, policy }: IssueRun, message: SteeringMessage, desk: InputDesk): string | null {
  if (!message || typeof message !== 'object') return 'the message must be an object';
  if (typeof message.message !== 'string' || message.message.trim() === '') return 'message is required';
  if (message.message.length > STEERING_MESSAGE_MAX_CHARS) return `a message is at most ${STEERING_MESSAGE_MAX_CHARS} characters`;
  if (typeof message.from !== 'string' || message.from.trim() === '') return 'from is required';
  if (message.modelTier !== undefined) {
    if (!(policy.allowedTiers as readonly unknown[]).includes(message.modelTier)) return `the ${message.modelTier} tier is not allowed by this organization's plan (allowed: ${policy.allowedTiers.join(', ')})`;
  }
  const messages = progress.messages ?? [];
  if (messages.length >= MAX_MESSAGES) return `this issue has had ${MAX_MESSAGES} messages, the most it takes`;
  if (messages.filter((sent) => sent.delivered === null).length >= MAX_UNDELIVERED) return `${MAX_UNDELIVERED} messages already wait for the agent's next turn`;
  if (desk.busy) return 'another message is being recorded; send it again';
  return null;
}

function interruptProblem({ progress }: IssueRun, interrupt: Interrupt, desk: InputDesk): string | null {
  if (!interrupt || typeof interrupt !== 'object') return 'the interrupt must be an object';
  if (typeof interrupt.from !== 'string' || interrupt.from.trim() === '') return 'from is required';
  if (interrupt.reason !== undefined && (typeof interrupt.reason !== 'string' || interrupt.reason.length > 1_000)) return 'reason is at most 1000 characters';
  if (progress.interrupted) return `the agents are already interrupted by ${progress.interrupted.by}: send a message to continue`;
  if (desk.busy) return 'another message is being recorded; send it again';
  return null;
}

async function takeMessage(run: IssueRun, message: SteeringMessage, desk: InputDesk): Promise<void> {
  const problem = messageProblem(run, message, desk);
  if (problem) throw refuse(problem);
  run.patched(STEERING);
  await desk.record(async () => {
    await run.people.authorize(message.from, 'steer');
    // A different tier spends differently: whoever may raise the budget may choose it.
    if (message.modelTier !== undefined) await run.people.authorize(message.from, 'raiseBudget');
    await run.activities.bookkeeping.recordSteering({ ...run.ref, kind: 'message', from: message.from, text: message.message.trim(), modelTier: message.modelTier ?? null });
    addMessage(run, message.from, message.message.trim());
    if (message.modelTier !== undefined) run.progress.tierOverride = message.modelTier;
    // A message is what an interrupted agent waits for.
    run.progress.interrupted = null;
    touch(run);
  });
}

async function takeInterrupt(run: IssueRun, interrupt: Interrupt, desk: InputDesk): Promise<void> {
  const problem = interruptProblem(run, interrupt, desk);
  if (problem) throw refuse(problem);
  run.patched(STEERING);
  await desk.record(async () => {
    await run.people.authorize(interrupt.from, 'steer');
    const reason = interrupt.reason?.trim() || null;
    await run.activities.bookkeeping.recordSteering({ ...run.ref, kind: 'interrupt', from: interrupt.from, text: reason });
    const since = Date.now();
    run.progress.interrupted = { by: interrupt.from, reason, since: new Date(since).toISOString(), deadline: new Date(since + run.policy.timers.expirySeconds * 1000).toISOString() };
    touch(run);
  });
}

/** Adds a message for the next turn (people's, or the ERP's from a context update); none past the cap. */
export function addMessage(run: IssueRun, from: string, text: string): void {
  const messages = (run.progress.messages ??= []);
  if (messages.length >= MAX_MESSAGES) return;
  messages.push({ id: messages.length + 1, from, text: text.slice(0, STEERING_MESSAGE_MAX_CHARS), at: new Date().toISOString(), delivered: null });
}

/** Whether the agents must stop at this safe point (check first: await `waitWhileInterrupted` only then). */
export function isInterrupted(run: IssueRun): boolean {
  return Boolean(run.progress.interrupted);
}

/**
 * Waits while interrupted: for a message, or the interrupt's deadline (then the agent goes on,
 * logged). The slot goes back to the limiter for the wait, as for any person's wait.
 */
export async function waitWhileInterrupted(run: IssueRun, where: string): Promise<void> {
  const interrupted = run.progress.interrupted;
  if (!interrupted) return;
  const { policy, state, inbox } = run;
  const stepBefore = run.progress.currentStep;
  step(run, `interrupted by ${interrupted.by} before ${where}: waiting for a message`);
  const releasedSlot = policy.concurrency !== undefined && state.slotHeld;
  if (releasedSlot) {
    await run.activities.bookkeeping.releaseSlot({ workflowId: workflowInfo().workflowId });
    state.slotHeld = false;
    inbox.slotGranted = false;
  }
  const remaining = Date.parse(interrupted.deadline) - Date.now();
  const messaged = remaining > 0 && (await condition(() => run.progress.interrupted !== interrupted, remaining));
  if (!messaged && run.progress.interrupted === interrupted) {
    run.progress.interrupted = null;
    await run.activities.bookkeeping.recordSteering({ ...run.ref, kind: 'interrupt_expired', from: interrupted.by, text: null });
  }
  if (releasedSlot) await waitForSlot(run, { again: true });
  step(run, stepBefore);
}

/**
 * The messages a turn of this loop is given: those not yet delivered are delivered now (to
 * this loop, at this turn), and every message the loop was given before comes along, so the
 * turn's transcript is the same however often it is built.
 */
export function messagesForTurn(run: IssueRun, stage: AgentStage, loopId: string, turn: number): TurnMessage[] {
  const messages = run.progress.messages ?? [];
  let changed = false;
  for (const message of messages) {
    if (message.delivered !== null) continue;
    message.delivered = { stage, loopId, turn };
    changed = true;
  }
  if (changed) touch(run);
  return messages.filter((message): message is SteeringMessageView & { delivered: NonNullable<SteeringMessageView['delivered']> } => message.delivered?.loopId === loopId).map((message) => ({ turn: message.delivered.turn, from: message.from, text: message.text }));
}

/** The tier a turn uses: a person's choice for the rest of the run, else the stage's. */
export function tierForTurn(run: IssueRun, stageTier: ModelTier): ModelTier {
  return run.progress.tierOverride ?? stageTier;
}

