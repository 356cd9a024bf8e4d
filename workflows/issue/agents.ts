/**
 * The research, code and review agents of an issue: the shared agent loop (shared/agent-loop.ts)
 * with the issue's budget wait, cost booking, clarification questions and tool calls.
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { ApplicationFailure, ContinueAsNew, isCancellation } from '@temporalio/workflow';
import type { ToolCallRef } from '../../activities/agent';
import type { AgentStageSummary } from '../../activities/stage-results';
import type { AgentStage } from '../../src/agents/tools';
import type { ModelTier } from '../../src/contracts/policy';
import { type LoopGiveUp, runAgentLoop } from '../shared/agent-loop';
import { failureMessage, type IssueRun, PipelineEnd } from './run';
import { addCost, step } from './visibility';
import { budgetFits, clarify, ensureBudget, holdWhile } from './waits';
import { holdReason } from '../shared/controls';
import { isInterrupted, messagesForTurn, tierForTurn, waitWhileInterrupted } from './steering';
import { approveCommand } from './commands';
import { runPooledTool, usesWorkspacePool } from './workspace-pool';
import { LOOP_OPENS_IN_FIRST_TURN, MCP_TOOLS } from './patches';

/** Invalid final answers an agent may repair per loop before the stage fails. */
const MAX_REPAIRS_PER_LOOP = 1;

/** Runs one agent loop; a loop that fails leaves its step marked failed in Postgres. */
export async function runAgent(run: IssueRun, stage: AgentStage, round: number, tier: ModelTier): Promise<AgentStageSummary> {
  try {
    return await agentLoop(run, stage, round, tier);
  } catch (err) {
    if (err instanceof PipelineEnd || isCancellation(err) || err instanceof ContinueAsNew) throw err;
    if (!(err instanceof ApplicationFailure && err.type === 'INVALID_MODEL_OUTPUT')) {
      await run.activities.bookkeeping.failAgentLoop({ ...run.ref, loopId: loopIdOf(run, stage, round), stage, round, modelTier: tier, reason: failureMessage(err) });
    }
    throw err;
  }
}

const loopIdOf = (run: IssueRun, stage: AgentStage, round: number) => `${run.ref.issueId}:${stage}:${round}`;

/** Whether the loop's next turn waits first (beforeTurn below): held, interrupted, or over budget. */
function waitsBeforeTurn(run: IssueRun, stage: AgentStage): boolean {
  return holdReason(run.state.controls, stage) !== null || isInterrupted(run) || !budgetFits(run);
}

async function agentLoop(run: IssueRun, stage: AgentStage, round: number, tier: ModelTier): Promise<AgentStageSummary> {
  const { ref, policy, progress } = run;
  const { bookkeeping, models, tools } = run.activities;
  const loopId = loopIdOf(run, stage, round);
  const loop = { ...ref, loopId, stage, round };
  const start = usesWorkspacePool(run) ? { repositoryElsewhere: true } : {};
  // A loop that waits before its first turn (held, interrupted, over budget) enters its stage
  // first, as before: what people list shows the stage and its step while they decide.
  const opensInFirstTurn = run.patched(LOOP_OPENS_IN_FIRST_TURN) && !waitsBeforeTurn(run, stage);
  let stepId = opensInFirstTurn
    ? undefined
    : (await bookkeeping.startAgentLoop.executeWithOptions({ summary: `${stage} · start (round ${round + 1})` }, [{ ...loop, modelTier: tier, ...start }])).stepId;
  const maxTurns = policy.maxAgentTurns;
  // The organization's MCP tools, listed once per run (the first agent to start lists them).
  if (policy.mcp && run.state.mcpTools === undefined && run.patched(MCP_TOOLS)) {
    run.state.mcpTools = (await tools.discoverMcpTools.executeWithOptions({ summary: 'mcp · list the tools' }, [ref])).tools;
  }
  const mcpTools = (run.state.mcpTools ?? []).filter((tool) => tool.stages.includes(stage)).map((tool) => tool.name);
  // The code stage works as the triage's worker type: the worker narrows its tools and paths.
  const workerType = stage === 'code' ? run.state.workerType : undefined;
  const typed = workerType ? { workerType } : {};

  async function giveUp(why: LoopGiveUp): Promise<never> {
    const reason =
      why.reason === 'no_final_answer'
        ? `${stage} agent did not submit a valid answer within ${maxTurns} turns${why.problem ? `: ${why.problem}` : ''}`
        : why.reason === 'still_invalid'
          ? `${stage} agent's answer is still invalid after ${MAX_REPAIRS_PER_LOOP} repair: ${why.problem ?? ''}`
          : `${stage} agent did not submit within ${maxTurns} turns`;
    await bookkeeping.failAgentLoop({ ...loop, modelTier: tier, reason });
    throw ApplicationFailure.create({ type: 'INVALID_MODEL_OUTPUT', message: reason, nonRetryable: true });
  }

  /** A command of this loop was refused or failed: `on-failure` asks a person from now on. */
  let commandFailedInLoop = false;
  return runAgentLoop<AgentStageSummary, ToolCallRef>(
    // The last turn is forced to answer; one that still asks for nothing fails the stage.
    { forceFinalFrom: maxTurns - 1, turnLimit: maxTurns, maxRepairs: MAX_REPAIRS_PER_LOOP, stopAtForcedTurnWithoutTools: true },
    {
      // Held turns (the kill switch, a stage flag) and interrupted ones wait first; otherwise
      // the same call as before (an await that waits for nothing would change old histories).
      beforeTurn: (turn) => {
        const held = holdReason(run.state.controls, stage) !== null;
        if (!isInterrupted(run)) return held ? holdWhile(run, stage).then(() => ensureBudget(run)) : ensureBudget(run);
        return (async () => {
          if (held) await holdWhile(run, stage);
          // Still interrupted after the hold (a message may have come meanwhile)?
          if (isInterrupted(run)) await waitWhileInterrupted(run, `${stage} turn ${turn + 1}`);
          await ensureBudget(run);
        })();
      },
      async takeTurn(turn, forceFinal) {
        step(run, `${stage}: model turn ${turn + 1}`);
        const messages = messagesForTurn(run, stage, loopId, turn);
        const result = await models.agentModelTurn.executeWithOptions(
          { summary: `${stage} · model turn ${turn + 1}${forceFinal ? ' (final)' : ''}` },
          [
            {
              ...loop,
              turn,
              modelTier: tierForTurn(run, tier),
              forceFinal,
              ...(stepId === undefined ? { start } : { stepId }),
              ...(messages.length > 0 ? { messages } : {}),
              ...(mcpTools.length > 0 ? { mcpTools } : {}),
              ...typed,
            },
          ],
        );
        stepId ??= result.stepId;
        addCost(run, result.costUsd);
        return result.kind === 'final' ? { kind: 'final', final: result.summary } : result;
      },
      async runTool(call) {
        if (call.name === 'ask_clarification') {
          const answer = await clarify(run, stage, call.question ?? '');
          await bookkeeping.recordToolAnswer({ ...ref, loopId, toolUseId: call.toolUseId, answer });
          return;
        }
        if (isInterrupted(run)) await waitWhileInterrupted(run, `${stage}: ${call.name}`);
        // A command the approval policy holds waits for a person first (commands.ts); only then.
        let approved = false;
        if (call.command && (commandFailedInLoop ? call.command.gateAfterFailure : call.command.gate) === 'ask') {
          const answered = (text: string) => bookkeeping.recordToolAnswer({ ...ref, loopId, toolUseId: call.toolUseId, answer: text });
          const decision = await approveCommand(run, stage, { toolUseId: call.toolUseId, command: call.command }, commandFailedInLoop, answered);
          if (!decision.run) return;
          approved = decision.approved;
        }
        step(run, `${stage}: ${call.name}`);
        const toolInput = { ...ref, loopId, toolUseId: call.toolUseId, ...(approved ? { approved } : {}), ...typed };
        const outcome = usesWorkspacePool(run)
          ? await runPooledTool(run, toolInput, `${stage} · ${call.name}`)
          : await tools.runAgentTool.executeWithOptions({ summary: `${stage} · ${call.name}` }, [toolInput]);
        if (outcome.commandFailed) commandFailedInLoop = true;
        progress.toolCalls += 1;
      },
      giveUp,
    },
  );
}
