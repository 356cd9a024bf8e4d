import { z } from 'zod';
import { toolCalls } from '../src/metrics/registry';
import {
  type AgentStage,
  agentTools,
  ASK_CLARIFICATION,
  finalToolName,
  isToolName,
  stageOfLoop,
  toolDefinitionsFor,
  toolInputSchemas,
} from '../src/agents/tools';
import type { ModelTier } from '../src/contracts/policy';
import { stageOutputSchemas, type StageOutput } from '../src/contracts/stages';
import {
  claimToolRun,
  getToolCall,
  putAgentMessage,
  storeToolResult,
} from '../src/db/agent-transcripts';
import { appendLog, logWrite } from '../src/db/logs';
import { enterStage } from '../src/db/stage-entry';
import { failStep, startStep, stepCompletedWrite } from '../src/db/steps';
import { AppError } from '../src/errors';
import { loadPrompt } from '../src/prompts';
import type { CommandSandbox } from '../src/sandbox/sandbox';
import { commandRefusal, isAllowed } from '../src/workspace/commands';
import { classifyCommand, type CommandClass, type CommandGate, commandGate } from '../src/workspace/command-policy';
import type { RepositorySettings } from '../src/contracts/policy';
import { ToolInputError } from '../src/workspace/read-tools';
import { commandLimitsOf, ensureWorkspace, logNotices, repositoryRootFor } from './workspace';
import { executeRepositoryTool, type Notice, type RepositoryToolRequest, stopEarlierAttempts, type WorkspaceToolOutcome } from './workspace-host';
import { type ActivityRuntime, currentActivity, withHeartbeat } from './context';
import { toActivityFailure } from './failures';
import type { ModelCallDeps } from './model-call';
import { type PeopleMessage, type SettleAnswer, takeModelTurn } from './agent-turn';
import { type AgentStageSummary, initialPrompt, storeStageOutput } from './stage-results';
import { TranscriptCache } from './transcript-cache';
import { pathTouchedBy, projectInstructionsAtStart, unseenOf, unseenProjectInstructions } from './project-instructions';
import { createMcpTools, type DiscoveredMcpTool, type McpTools } from './mcp-tools';
import { parseMcpToolName } from '../src/contracts/mcp';
import type { WorkerType } from '../src/contracts/worker-types';
import type { OutboundPolicy } from '../src/outbound/url-policy';
import { latestOf } from '../src/db/stage-entry';
import { AGENT_TYPES, summaryOf, truncate } from './stages';

/**
 * The agent loop's activities. The loop itself lives in the workflow: each model turn is
 * one activity (agentModelTurn) and each tool call is one activity (runAgentTool), so a
 * crash resumes at the last completed call and a completed tool call never runs again.
 *
 * The transcript lives in Postgres (agent_messages, agent_tool_calls); workflow history
 * carries the loop id, turn numbers, tool names and short summaries.
 */

/** `spend`: the worker's spend-cap check (see ModelCallDeps). */
export interface AgentDeps extends ModelCallDeps {
  models: Record<ModelTier, string>;
  maxOutputTokens: number;
  workspacesDir: string;
  mirrorsDir: string;
  sandbox: CommandSandbox;
  github: { token: string | undefined; apiUrl: string };
  /** Where MCP servers may be reached (OUTBOUND_ALLOW_PRIVATE); strict when absent. */
  outbound?: OutboundPolicy;
  /** The worker's MCP tools (one catalog for issues and skills); made here when absent. */
  mcp?: McpTools;
}

export interface AgentLoopRef {
  organizationId: string;
  issueId: string;
  /** Deterministic: `{issueId}:{stage}:{round}`. */
  loopId: string;
  stage: AgentStage;
  round: number;
}

export interface StartAgentLoopInput extends AgentLoopRef {
  modelTier: ModelTier;
  /** The repository is on a workspace worker (README "Worker pools"): its instructions come with the first tool results. */
  repositoryElsewhere?: boolean;
}

export interface AgentModelTurnInput extends AgentLoopRef {
  /** 0-based; the assistant answer is stored at seq turn + 1. */
  turn: number;
  modelTier: ModelTier;
  /** Out of turns: the model must call the stage's final tool now. */
  forceFinal: boolean;
  /** The loop's step row, from startAgentLoop or the first turn's result (older runs did not pass it). */
  stepId?: string;
  /**
   * The first turn of a loop no activity opened (workflows/issue/agents.ts): the turn enters
   * the stage and writes the loop's first message, as startAgentLoop did, and returns the step.
   */
  start?: Pick<StartAgentLoopInput, 'repositoryElsewhere'>;
  /** Messages people sent this loop, each at the turn it was first given (workflows/issue/steering.ts). */
  messages?: PeopleMessage[];
  /** MCP tools the run was given for this stage (discoverMcpTools): offered with the stage's own. */
  mcpTools?: string[];
  /** The code stage's worker type (the triage's): narrows its tools (absent: runs from before types). */
  workerType?: WorkerType;
}

export interface ToolCallRef {
  toolUseId: string;
  name: string;
  /** For ask_clarification: the question (short). */
  question?: string;
  /** For run_command: what the approval policy says (src/workspace/command-policy.ts). */
  command?: CommandCheck;
}

/** A command the agent asked to run, as the workflow's approval needs it. */
export interface CommandCheck {
  argv: string[];
  classification: CommandClass;
  reason: string;
  /** What the policy says now, and once a command of the loop has failed (on-failure). */
  gate: CommandGate;
  gateAfterFailure: CommandGate;
}

/** `stepId`: the loop's step, when this turn opened the loop (`start`). */
export type AgentModelTurnResult =
  | { kind: 'final'; costUsd: number; summary: AgentStageSummary; stepId?: string }
  | { kind: 'tools'; costUsd: number; toolCalls: ToolCallRef[]; repairs: number; problem?: string; stepId?: string };

export interface RunAgentToolInput extends Omit<AgentLoopRef, 'round' | 'stage'> {
  toolUseId: string;
  /** run_command: a person approved it (workflows/issue/commands.ts); the allowlist does not apply. */
  approved?: boolean;
  /** The code stage's worker type: what it may write and run, checked here on every call. */
  workerType?: WorkerType;
}

export interface AgentToolResult {
  isError: boolean;
  /** run_command: the command was refused, or exited non-zero, was killed or hit a limit. */
  commandFailed?: boolean;
  /** The first characters of the result, for history and the Web UI. */
  summary: string;
  /** False when the result was already stored: the tool did not run again. */
  executed: boolean;
}

const QUESTION_MAX_CHARS = 2000;

/** What agentModelTurn makes of an answer (its `settle`), before the result the workflow gets. */
type SettledTurn =
  | { kind: 'no_tool' }
  | { kind: 'final'; summarize(artifactId: string): AgentStageSummary }
  | { kind: 'tools'; toolCalls: ToolCallRef[]; repairs: number; problem?: string };

export function createAgentActivities(deps: AgentDeps) {
  const { db } = deps;
  /** The loops this worker runs, so a turn need not read back what it wrote (transcript-cache.ts). */
  const transcripts = new TranscriptCache();
  /** The organizations' MCP tools (mcp-tools.ts), shared with the skill activities when given. */
  const mcp = deps.mcp ?? createMcpTools(deps);

  /** The loop's step row (keyed by issue, stage, round): opened, or found again. */
  function openLoopStep(loop: AgentLoopRef, tier: ModelTier, attempt = 1, maxAttempts?: number) {
    return startStep(db, {
      organizationId: loop.organizationId,
      issueId: loop.issueId,
      stage: loop.stage,
      round: loop.round,
      agentType: AGENT_TYPES[loop.stage],
      model: deps.models[tier],
      attempt,
      maxAttempts,
    });
  }

  /**
   * Entering the loop's stage, in one statement (the stage, its step and log line, the issue
   * and its context), and the loop's first message built from what it read: not yet written.
   */
  async function openLoop(input: StartAgentLoopInput, runtime: ActivityRuntime, root?: string): Promise<{ stepId: string; opening: string }> {
    const model = deps.models[input.modelTier];
    const entered = await enterStage(
      db,
      input,
      {
        stage: input.stage,
        round: input.round,
        agentType: AGENT_TYPES[input.stage],
        model,
        attempt: runtime.attempt,
        maxAttempts: runtime.maxAttempts,
        message: `${input.stage} agent started (round ${input.round}, model ${model})`,
      },
      { withContext: true },
    );
    if (!entered) throw toActivityFailure(new AppError('NOT_FOUND', `issue ${input.issueId} not found`));
    const instructions = await projectInstructionsAtStart(
      input.repositoryElsewhere ? undefined : (root ?? (await repositoryRootFor(deps, input)).root),
      input.stage === 'research' ? undefined : latestOf(entered.context, 'CODE_CHANGE')?.diffPatch,
    );
    return { stepId: entered.stepId, opening: [initialPrompt(input.stage, entered.issue, entered.context, input), instructions].filter(Boolean).join('\n\n') };
  }

  /**
   * What a tool call comes to before anything touches the repository: its stored result (it
   * ran already), an answer given here (an MCP tool's, a refusal), or the repository request
   * to run — where the repository is (this process, or a workspace worker).
   */
  async function planToolCall(input: RunAgentToolInput): Promise<ToolCallPlan> {
    // Always from Postgres: only it knows whether some attempt (a reset run's included) already ran the call.
    const call = await getToolCall(db, input, input.toolUseId);
    if (!call) throw toActivityFailure(new AppError('NOT_FOUND', `tool call ${input.toolUseId} not registered in ${input.loopId}`));
    if (call.output !== null) return { kind: 'stored', result: { isError: call.isError === 1, summary: truncate(call.output, 200), executed: false, ...commandOutcome(call.name, call.output, call.isError === 1) } };
    // A command (and an at-most-once MCP tool) is counted when it starts, not when it answers.
    let countedAtStart = COUNTED_AT_START.has(call.name);
    try {
      const repository = await repositoryRootFor(deps, input);
      const stage = stageOfLoop(input.loopId);
      if (stage && parseMcpToolName(call.name)) {
        // An MCP tool: one call to the organization's server (README "MCP tools").
        countedAtStart = (await mcp.admit(input.organizationId, { stage }, call.name)).atMostOnce;
        return { kind: 'answered', name: call.name, output: await mcp.call(input, input.toolUseId, call.name, call.input), isError: false, countedAtStart };
      }
      const offered = new Set<string>(stage ? agentTools(stage, repository.writable, stage === 'code' ? input.workerType : undefined) : []);
      if (!stage || !offered.has(call.name)) throw new ToolInputError(notAvailable(call.name, stage ?? 'unknown', offered));
      const request: RepositoryToolRequest = {
        tool: call.name,
        input: call.input,
        writable: repository.writable,
        ...(input.workerType ? { workerType: input.workerType } : {}),
        limits: commandLimitsOf(repository.organization),
        allowlist: call.name === 'run_command' ? commandAllowlist(call.input, repository.settings, input) : [],
      };
      return { kind: 'repository', name: call.name, request, repository, countedAtStart };
    } catch (error) {
      if (!(error instanceof ToolInputError)) throw toActivityFailure(error);
      return { kind: 'answered', name: call.name, output: error.message, isError: true, countedAtStart };
    }
  }

  /** Stores a tool call's result (unless another attempt stored one first), counts and logs it. */
  async function recordToolResult(input: RunAgentToolInput, name: string, output: string, isError: boolean, countedAtStart: boolean): Promise<AgentToolResult> {
    const stored = await storeToolResult(db, input, input.toolUseId, { output, isError, executed: !countedAtStart });
    // The model names the tool: anything we do not offer is one label, not one per invention.
    toolCalls.inc({ tool: isToolName(name) ? name : parseMcpToolName(name) ? 'mcp' : 'unknown', outcome: isError ? 'error' : 'ok' });
    // Not stored: another attempt's result is the one the loop will see; this worker's copy is stale.
    if (stored) transcripts.toolResult(input.loopId, input.toolUseId, output, isError);
    else transcripts.forget(input.loopId);
    if (isError) {
      await appendLog(db, { ...input, level: 'WARN', message: `tool ${truncate(name, 100)} refused: ${truncate(output, 300)}` });
    }
    return { isError, summary: truncate(output, 200), executed: stored, ...commandOutcome(name, output, isError) };
  }

  /**
   * Runs one tool call in this process, at most once: the stored result is returned if there
   * is one. Tool errors (bad path, unknown tool, bad input, a tool the stage does not offer)
   * are results for the agent, not failures.
   */
  async function runTool(input: RunAgentToolInput, runtime: ActivityRuntime): Promise<AgentToolResult> {
    const plan = await planToolCall(input);
    if (plan.kind === 'stored') return plan.result;
    if (plan.kind === 'answered') return recordToolResult(input, plan.name, plan.output, plan.isError, plan.countedAtStart);
    const { repository, request } = plan;
    const notices: Notice[] = [];
    let output: string;
    let isError = false;
    try {
      // Nothing of an earlier, given-up attempt may still run in the workspace while this process reads and writes it.
      if (repository.writable && repository.root) await stopEarlierAttempts(deps.sandbox, repository.root, notices);
      // A workspace removed by the TTL sweep is made again from the mirror before it is used.
      const workspace = repository.writable ? await ensureWorkspace(deps, input, repository.settings) : undefined;
      output = await executeRepositoryTool(request, {
        sandbox: deps.sandbox,
        root: repository.root,
        baseSha: workspace ? async () => workspace.baseSha : undefined,
        signal: runtime.signal,
        notices,
        // Recorded before it starts: a retry after a worker died mid-command does not run it again.
        beforeCommandStart: async () => {
          if (!(await claimToolRun(db, input, input.toolUseId))) throw new ToolInputError(INTERRUPTED_COMMAND);
        },
      });
      // The repository's conventions for where the agent works, the first time they apply in this loop.
      if (repository.root) {
        const instructions = await unseenProjectInstructions(db, input, repository.root, pathTouchedBy(request.input));
        if (instructions) output = `${output}\n\n${instructions}`;
      }
    } catch (error) {
      if (!(error instanceof ToolInputError)) throw toActivityFailure(error);
      output = error.message;
      isError = true;
    } finally {
      await logNotices(db, input, notices);
    }
    return recordToolResult(input, plan.name, output, isError, plan.countedAtStart);
  }

  return {
    /**
     * Opens (or reopens after a retry) the step and writes the loop's first message. Runs that
     * start their loops in the first turn (`AgentModelTurnInput.start`) do not call it unless
     * the loop waits before that turn.
     */
    async startAgentLoop(input: StartAgentLoopInput): Promise<{ stepId: string }> {
      const runtime = currentActivity();
      const { stepId, opening } = await openLoop(input, runtime);
      // Written now (a worker of the previous release, which reads it back, may take the first
      // turn), and kept for this worker's turns.
      await putAgentMessage(db, input, 0, 'user', opening);
      transcripts.started(input.loopId, opening);
      return { stepId };
    },

    /**
     * One model call of the loop. Idempotent: if a previous attempt already stored this
     * turn's answer, it is used again instead of paying for a second call.
     */
    async agentModelTurn(input: AgentModelTurnInput): Promise<AgentModelTurnResult> {
      const runtime = currentActivity();
      const model = deps.models[input.modelTier];
      const finalTool = finalToolName(input.stage);
      const { root, writable, settings: repositorySettings } = await repositoryRootFor(deps, input);
      // The loop starts with this turn: the stage is entered here, and the first message goes with the answer.
      const opened = input.start && input.turn === 0 ? await openLoop({ ...input, ...input.start }, runtime, root) : undefined;
      const step = opened ? { id: opened.stepId } : input.stepId ? { id: input.stepId } : await openLoopStep(input, input.modelTier);
      const started = opened ? { stepId: opened.stepId } : {};
      const prompt = loadPrompt(input.stage);
      if (opened) transcripts.started(input.loopId, opened.opening);
      // Only what this stage was offered runs: a research or review agent's write_file or
      // run_command (prompt-injected, or simply made up) is answered, recorded, never executed.
      const offered = new Set<string>([...agentTools(input.stage, writable, input.workerType), finalTool, ...(input.mcpTools ?? [])]);
      // Results answered at once, for this worker's copy of the transcript once they are written.
      let answeredHere = new Map<string, { output: string; isError: boolean }>();
      // What the answer settles goes out in the statement that stores it (agent-turn.ts).
      const settle: SettleAnswer<SettledTurn> = (uses, writes) => {
        answeredHere = new Map();
        const result = (toolUseId: string, output: string, isError: boolean) => answeredHere.set(toolUseId, { output, isError });
        if (uses.length === 0) return { value: { kind: 'no_tool' } };
        const refused = uses.filter((use) => !offered.has(use.name));
        for (const use of refused) {
          result(use.id, notAvailable(use.name, input.stage, offered), true);
          writes.add(logWrite(db, { ...input, stepId: step.id, level: 'WARN', message: `${input.stage} agent called ${truncate(use.name, 100)}, which this stage does not offer: refused` }));
        }
        const final = uses.find((use) => use.name === finalTool);
        let repairs = 0;
        let problem: string | undefined;
        if (final) {
          const parsed = stageOutputSchemas[input.stage].safeParse(final.input);
          if (parsed.success) {
            const stored = storeStageOutput(db, input.stage, parsed.data as StageOutput<AgentStage>, { ...input, stepId: step.id }, writes);
            // Calls made alongside the final answer are not run: the loop is over.
            for (const use of uses.filter((u) => u.id !== final.id && !refused.includes(u))) result(use.id, 'not run: the stage was submitted', true);
            result(final.id, 'accepted', false);
            // The summary names the artifact; its text is the same before and after the id is known.
            const completed = summaryOf(stored.summarize(''));
            writes.add(
              stepCompletedWrite(db, step.id, completed),
              logWrite(db, { ...input, stepId: step.id, level: 'INFO', message: `${input.stage} completed: ${completed}` }),
            );
            return { results: answeredHere, returning: { artifact: stored.artifact }, value: { kind: 'final', summarize: stored.summarize } };
          }
          repairs = 1;
          problem = z.prettifyError(parsed.error);
          result(final.id, `The input does not match the schema:\n${problem}\nCall ${finalTool} again with a corrected input.`, true);
        }
        const toolCalls: ToolCallRef[] = [];
        for (const use of uses) {
          if (use.id === final?.id || refused.includes(use)) continue;
          if (use.name === ASK_CLARIFICATION) {
            const parsed = toolInputSchemas[ASK_CLARIFICATION].safeParse(use.input);
            if (!parsed.success) {
              result(use.id, 'ask_clarification needs a "question" string', true);
              continue;
            }
            toolCalls.push({ toolUseId: use.id, name: use.name, question: truncate(parsed.data.question, QUESTION_MAX_CHARS) });
            continue;
          }
          const command = use.name === 'run_command' ? commandCheck(use.input, repositorySettings, input.workerType) : undefined;
          toolCalls.push({ toolUseId: use.id, name: use.name, ...(command ? { command } : {}) });
        }
        return { results: answeredHere, value: { kind: 'tools', toolCalls, repairs, ...(problem ? { problem: truncate(problem) } : {}) } };
      };
      const { costUsd: cost, settled, written } = await takeModelTurn(
        deps,
        runtime,
        input,
        {
          ...(opened ? { opening: opened.opening } : {}),
          turn: input.turn,
          forceFinal: input.forceFinal,
          ...(input.messages ? { messages: input.messages } : {}),
          finalTool,
          model,
          system: prompt.text,
          // The stage's final tool stays last (its answer is what the loop waits for).
          tools: [...(await mcp.definitions(input.organizationId, { issueId: input.issueId }, input.mcpTools ?? [])), ...toolDefinitionsFor(input.stage, writable, input.workerType)],
          maxTokens: deps.maxOutputTokens,
          record: { organizationId: input.organizationId, issueId: input.issueId, stepId: step.id, stage: input.stage, request: { promptId: prompt.id } },
        },
        transcripts,
        settle,
      );
      if (!settled || settled.kind === 'no_tool') {
        const reason = `the ${input.stage} agent answered without calling a tool`;
        await failStep(db, step.id, reason);
        throw toActivityFailure(new AppError('INVALID_MODEL_OUTPUT', reason));
      }
      if (settled.kind === 'final') {
        transcripts.forget(input.loopId); // the loop is over
        const artifactId = written['artifact']?.['id'];
        if (typeof artifactId !== 'string') throw toActivityFailure(new Error('artifact upsert returned no row'));
        return { kind: 'final', costUsd: cost, summary: settled.summarize(artifactId), ...started };
      }
      for (const [toolUseId, { output, isError }] of answeredHere) transcripts.toolResult(input.loopId, toolUseId, output, isError);
      return { ...settled, costUsd: cost, ...started };
    },

    /**
     * Runs one tool call, at most once: the stored result is returned if there is one.
     * Tool errors (bad path, unknown tool, bad input) are results for the agent, not failures.
     */
    async runAgentTool(input: RunAgentToolInput): Promise<AgentToolResult> {
      const runtime = currentActivity();
      return withHeartbeat(runtime, runTool(input, runtime));
    },

    /** Stores the answer to an agent's ask_clarification call as that call's tool result. */
    async recordToolAnswer(input: RunAgentToolInput & { answer: string }): Promise<void> {
      if (await storeToolResult(db, input, input.toolUseId, { output: input.answer, isError: false, executed: false })) transcripts.toolResult(input.loopId, input.toolUseId, input.answer, false);
      else transcripts.forget(input.loopId);
    },

    /**
     * A workspace pool's tool call, first half (README "Worker pools"): the stored result, an
     * answer given here, or the request a workspace worker runs. A command is claimed here,
     * before it is handed over: it runs at most once whatever happens to that worker.
     */
    async beginAgentTool(input: RunAgentToolInput): Promise<BegunToolCall> {
      const plan = await planToolCall(input);
      if (plan.kind === 'stored') return { kind: 'done', result: plan.result };
      if (plan.kind === 'answered') return { kind: 'done', result: await recordToolResult(input, plan.name, plan.output, plan.isError, plan.countedAtStart) };
      if (plan.name === 'run_command') {
        // The refusals the workspace would give, given here: a refused command is not a claimed one.
        const argv = toolInputSchemas.run_command.safeParse(plan.request.input);
        const refusal = argv.success ? commandRefusal(argv.data.argv, plan.request.allowlist) : null;
        if (!plan.repository.writable) return { kind: 'done', result: await recordToolResult(input, plan.name, 'run_command needs a workspace: this repository is read-only here', true, plan.countedAtStart) };
        if (refusal) return { kind: 'done', result: await recordToolResult(input, plan.name, refusal, true, plan.countedAtStart) };
        if (argv.success && !(await claimToolRun(db, input, input.toolUseId))) {
          return { kind: 'done', result: await recordToolResult(input, plan.name, INTERRUPTED_COMMAND, true, plan.countedAtStart) };
        }
      }
      return { kind: 'run', request: plan.request, ...(plan.repository.writable ? {} : { path: plan.repository.root ?? '' }) };
    },

    /**
     * The second half: the workspace worker's outcome stored as the call's result, with its log
     * lines and the repository's instructions this loop has not been shown; `failed`: the
     * workspace call failed for good (a command's worker died mid-run: it is not run again).
     */
    async finishAgentTool(input: RunAgentToolInput & { outcome?: WorkspaceToolOutcome; failed?: string }): Promise<AgentToolResult> {
      const call = await getToolCall(db, input, input.toolUseId);
      if (!call) throw toActivityFailure(new AppError('NOT_FOUND', `tool call ${input.toolUseId} not registered in ${input.loopId}`));
      const countedAtStart = COUNTED_AT_START.has(call.name);
      if (!input.outcome) {
        const output = call.name === 'run_command' ? `${INTERRUPTED_COMMAND} (${truncate(input.failed ?? 'the workspace worker failed', 300)})` : `the tool could not run: ${truncate(input.failed ?? 'the workspace worker failed', 300)}`;
        return recordToolResult(input, call.name, output, true, countedAtStart);
      }
      await logNotices(db, input, input.outcome.notices);
      let output = input.outcome.output;
      if (!input.outcome.isError) {
        const instructions = await unseenOf(db, input, input.outcome.instructions);
        if (instructions) output = `${output}\n\n${instructions}`;
      }
      return recordToolResult(input, call.name, output, input.outcome.isError, countedAtStart);
    },

    /**
     * The organization's MCP tools, listed once as the issue's first agent starts: the names the
     * run offers from then on, per stage. A server that does not answer is left out, in the log.
     */
    async discoverMcpTools(input: { organizationId: string; issueId: string }): Promise<{ tools: DiscoveredMcpTool[] }> {
      const { tools, unreachable } = await mcp.discover(input.organizationId, { issueId: input.issueId });
      for (const down of unreachable) await appendLog(db, { ...input, level: 'WARN', message: `MCP server ${down.server} did not list its tools: ${truncate(down.error, 300)}; its tools are not offered to this issue` });
      if (tools.length > 0) await appendLog(db, { ...input, level: 'INFO', message: `MCP tools offered: ${truncate(tools.map((tool) => tool.name).join(', '), 500)}` });
      return { tools };
    },

    /** Marks the stage failed in Postgres when the loop gives up (e.g. out of repairs). */
    async failAgentLoop(input: AgentLoopRef & { modelTier: ModelTier; reason: string }): Promise<void> {
      const step = await openLoopStep(input, input.modelTier);
      await failStep(db, step.id, input.reason);
    },
  };
}

/** A command tool calls run at most once: counted when it starts (claimToolRun), not when its result is stored. */
const COUNTED_AT_START = new Set(['run_command']);

const INTERRUPTED_COMMAND =
  'This command was started by an earlier attempt whose worker stopped before it finished: it may have run partly or completely, ' +
  'and its output is lost. It was not run again. Check the workspace (diff, read_file) and run it again if it is still needed.';

function notAvailable(name: string, stage: string, offered: Set<string>): string {
  return `${truncate(name, 100)} is not available in the ${stage} stage; available: ${[...offered].join(', ') || '(none)'}`;
}

type ToolCallPlan =
  | { kind: 'stored'; result: AgentToolResult }
  | { kind: 'answered'; name: string; output: string; isError: boolean; countedAtStart: boolean }
  | { kind: 'repository'; name: string; request: RepositoryToolRequest; repository: Awaited<ReturnType<typeof repositoryRootFor>>; countedAtStart: boolean };

/** beginAgentTool's answer: the call is settled, or a workspace worker is to run `request` (in the workspace, or at a read-only `path`). */
export type BegunToolCall = { kind: 'done'; result: AgentToolResult } | { kind: 'run'; request: RepositoryToolRequest; path?: string };

/**
 * The argv prefixes a run_command may run: what the policy lets run or a person approved runs
 * as asked; the rest meets the allowlist (and its refusal). A command the policy holds for a
 * person and nobody approved is refused here — the workflow asks first, this is the second check.
 */
function commandAllowlist(rawInput: unknown, settings: RepositorySettings, input: RunAgentToolInput): string[][] {
  const check = commandCheck(rawInput, settings, input.workerType);
  if (!check) return [];
  if (check.gate === 'ask' && input.approved !== true) {
    throw new ToolInputError(`${check.argv.join(' ')} needs a person's approval first (${check.reason}; the command approval policy is ${commandApprovalFor(settings, input.workerType)})`);
  }
  return input.approved === true || check.gate === 'run' ? [check.argv] : [...settings.allowedCommands, ...(settings.testCommand ? [settings.testCommand] : [])];
}

/** The approval policy for a change of this worker type: its own (commandApprovalByWorkerType), else the organization's. */
function commandApprovalFor(settings: RepositorySettings, workerType: WorkerType | undefined): RepositorySettings['commandApproval'] {
  return (workerType && settings.commandApprovalByWorkerType[workerType]) || settings.commandApproval;
}

/** What the approval policy says about a run_command input; undefined when the input is not a valid argv (the tool refuses it). */
function commandCheck(input: unknown, settings: RepositorySettings, workerType: WorkerType | undefined): CommandCheck | undefined {
  const parsed = toolInputSchemas.run_command.safeParse(input);
  if (!parsed.success) return undefined;
  const { argv } = parsed.data;
  const classification = classifyCommand(argv, settings.testCommand);
  const allowlisted = isAllowed(argv, [...settings.allowedCommands, ...(settings.testCommand ? [settings.testCommand] : [])]);
  const policy = commandApprovalFor(settings, workerType);
  return {
    argv,
    classification: classification.class,
    reason: classification.reason,
    gate: commandGate(classification, allowlisted, policy, false),
    gateAfterFailure: commandGate(classification, allowlisted, policy, true),
  };
}

/** run_command's result as on-failure needs it: refused, or anything but exit code 0. */
function commandOutcome(tool: string, output: string, isError: boolean): { commandFailed?: boolean } {
  if (tool !== 'run_command') return {};
  return { commandFailed: isError || output.split('\n')[1] !== 'exit code 0' };
}
