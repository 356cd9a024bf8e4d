/**
 * Command approval (README "Command approval"): a command the organization's policy holds for a
 * person (settings.repository.commandApproval; the turn activity classifies each run_command,
 * src/workspace/command-policy.ts) waits like any person's wait — reminder, escalation, expiry,
 * the slot given back — until someone whose role may `approveCommand` approves it once, approves
 * the same argv for the rest of the issue, or denies it with a comment the agent receives as the
 * tool's result. No decision by the expiry is a denial: the agent goes on without it.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { CommandCheck } from '../../activities/agent';
import type { AgentStage } from '../../src/agents/tools';
import type { CommandDecision } from '../../src/contracts/people';
import { commandDecisionSignal, commandDecisionUpdate, type PendingHuman, type RefusedSignal } from '../definitions';
import { acceptFromPeople } from '../shared/human-input';
import type { IssueRun } from './run';
import { touch } from './visibility';
import { waitForPeople } from './waits';
import { COMMAND_APPROVAL } from './patches';
/** Decisions an issue shows (its audit trail keeps them all). */
const DECISIONS_SHOWN = 50;

export function registerCommandDecisions(run: IssueRun, refused: (kind: RefusedSignal['kind'], person: unknown, reason: string) => void): void {
  acceptFromPeople({ name: 'commandDecision', update: commandDecisionUpdate, signal: commandDecisionSignal }, {
    validate: (decision) => decisionProblem(run, decision),
    apply: (decision, via) =>
      run.people.perform(
        { origin: decision?.origin, via, person: decision?.reviewer, action: 'issue.command_decision', details: { decision: decision?.decision, argv: waitingCommand(run)?.argv ?? null } },
        () => decide(run, decision),
      ),
    progress: () => run.progress,
    refused: (decision, reason) => refused('command', decision?.reviewer, reason),
  });
}

/** Read through a function: the handler sets it while the run waits (no narrowing across the await). */
function answerOf(run: IssueRun): NonNullable<IssueRun['inbox']['commandAnswer']> | null {
  return run.inbox.commandAnswer ?? null;
}

function waitingCommand(run: IssueRun): Extract<PendingHuman, { kind: 'command' }> | null {
  const pending = run.progress.pending;
  return pending?.kind === 'command' ? pending : null;
}

function decisionProblem(run: IssueRun, decision: CommandDecision): string | null {
  if (!decision || typeof decision !== 'object') return 'the decision must be an object';
  if (!['approve', 'approve_for_issue', 'deny'].includes(decision.decision)) return 'decision must be approve, approve_for_issue or deny';
  if (typeof decision.reviewer !== 'string' || decision.reviewer.trim() === '') return 'reviewer is required';
  if (decision.decision === 'deny' && !(typeof decision.comment === 'string' && decision.comment.trim())) return 'deny needs a comment telling the agent why';
  if (decision.comment !== undefined && (typeof decision.comment !== 'string' || decision.comment.length > 2_000)) return 'comment is at most 2000 characters';
  const waiting = waitingCommand(run);
  if (!waiting) return `no command is waiting for approval (the issue is ${run.progress.status})`;
  if (decision.toolUseId && decision.toolUseId !== waiting.toolUseId) return `another command is waiting (${waiting.toolUseId})`;
  if (run.inbox.commandAnswer || run.inbox.desk.busy) return 'the command already has a decision';
  return null;
}

async function decide(run: IssueRun, decision: CommandDecision): Promise<void> {
  const problem = decisionProblem(run, decision);
  if (problem) throw ApplicationFailure.create({ type: 'InvalidCommandDecision', message: problem, nonRetryable: true });
  const waiting = waitingCommand(run) as Extract<PendingHuman, { kind: 'command' }>;
  await run.inbox.desk.record(async () => {
    await run.people.authorize(decision.reviewer, 'approveCommand');
    if (run.progress.pending !== waiting) throw ApplicationFailure.create({ type: 'InvalidCommandDecision', message: 'the command stopped waiting first', nonRetryable: true });
    const answer = { decision: decision.decision, by: decision.reviewer, comment: decision.comment?.trim() || null };
    await record(run, waiting.toolUseId, waiting.argv, answer);
    run.inbox.commandAnswer = answer;
  });
}

/** The decision in the issue's log and its progress (what the update answers with). */
async function record(run: IssueRun, toolUseId: string, argv: string[], decided: { decision: 'approve' | 'approve_for_issue' | 'deny' | 'expired'; by: string | null; comment: string | null }): Promise<void> {
  await run.activities.bookkeeping.recordCommandDecision({ ...run.ref, argv, ...decided });
  const decisions = (run.progress.commandDecisions ??= []);
  decisions.push({ toolUseId, argv, ...decided, at: new Date().toISOString() });
  if (decisions.length > DECISIONS_SHOWN) decisions.splice(0, decisions.length - DECISIONS_SHOWN);
  touch(run);
}

/**
 * Whether the command may run: without asking (the policy lets it, or a person approved this
 * argv for the issue), or after a person approves it now. A denial (or no decision in time)
 * answers the agent through `answerAgent` and returns false.
 */
export async function approveCommand(
  run: IssueRun,
  stage: AgentStage,
  call: { toolUseId: string; command: CommandCheck },
  failedBefore: boolean,
  answerAgent: (text: string) => Promise<void>,
): Promise<{ run: boolean; approved: boolean }> {
  const { command } = call;
  const gate = failedBefore ? command.gateAfterFailure : command.gate;
  if (gate !== 'ask') return { run: true, approved: false };
  const key = JSON.stringify(command.argv);
  if (run.progress.approvedCommands?.includes(key)) return { run: true, approved: true };
  run.patched(COMMAND_APPROVAL);
  run.inbox.commandAnswer = null;
  const shown = command.argv.join(' ');
  const pending: PendingHuman = {
    kind: 'command',
    toolUseId: call.toolUseId,
    stage,
    argv: command.argv,
    classification: command.classification,
    reason: command.reason,
    since: new Date().toISOString(),
    deadline: '',
    reminded: false,
    escalated: false,
  };
  const outcome = await waitForPeople(run, pending, () => run.inbox.commandAnswer != null, 'awaiting_approval', `approval to run \`${shown.slice(0, 200)}\``);
  const answer = answerOf(run);
  run.inbox.commandAnswer = null;
  if (outcome === 'expired' || !answer) {
    await record(run, call.toolUseId, command.argv, { decision: 'expired', by: null, comment: null });
    await answerAgent(`Not run: no one approved \`${shown}\` in time. Continue without it, or do the work another way.`);
    return { run: false, approved: false };
  }
  if (answer.decision === 'deny') {
    await answerAgent(`Not run: ${answer.by} denied \`${shown}\`: ${answer.comment ?? ''}`);
    return { run: false, approved: false };
  }
  if (answer.decision === 'approve_for_issue') (run.progress.approvedCommands ??= []).push(key);
  return { run: true, approved: true };
}
