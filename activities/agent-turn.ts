import { agentMessageWrite, agentMessageWriteReturningSeq, loadLoopTranscript, toolCallsWrite } from '../src/db/agent-transcripts';
import { PendingWrites, type Write } from '../src/db/together';
import { costOfLoopTurn } from '../src/db/llm-calls';
import type { LlmContentBlock, LlmTool } from '../src/llm/client';
import type { ActivityRuntime } from './context';
import { toActivityFailure } from './failures';
import { type CallRecord, callModelRecorded, type ModelCallDeps } from './model-call';
import { buildMessages } from './transcript';
import type { CachedLoop, TranscriptCache } from './transcript-cache';

/**
 * One model turn of an agent loop — the part issue stages (agentModelTurn) and skill runs
 * (skillModelTurn) share, so the two cannot drift: read the transcript, call the model once
 * (or, on a retry after the answer was stored, use the stored answer and its recorded cost, so
 * the call is paid for and counted exactly once), store the answer, and register its tool
 * calls. What the tool calls mean — which are allowed, what a final answer must look like — is
 * the caller's.
 *
 * The call's record, the answer and its tool calls are written in one statement: a stored
 * answer always has its cost recorded.
 */

export type ToolUse = Extract<LlmContentBlock, { type: 'tool_use' }>;

export interface LoopTurnRef {
  organizationId: string;
  issueId?: string | null;
  invocationId?: string | null;
  loopId: string;
}

/** A message from a person (or the ERP) for the loop, given first at `turn`. */
export interface PeopleMessage {
  turn: number;
  from: string;
  text: string;
}

export interface ModelTurnRequest {
  turn: number;
  /**
   * The loop's first message when this turn opened the loop: used when the transcript holds
   * none yet, and written with the answer (kept if an earlier attempt wrote it first).
   */
  opening?: string;
  /** Messages people sent the loop: each goes with the user message before the turn it was given at. */
  messages?: PeopleMessage[];
  /** The loop's last turn: the model must call `finalTool`. */
  forceFinal: boolean;
  finalTool: string;
  model: string;
  system: string;
  tools: LlmTool[];
  maxTokens: number;
  /** Who the llm_calls row is for; `request` gains the loop id and turn (how a retry finds its cost). */
  record: CallRecord;
}

export interface ModelTurn<Settled = undefined> {
  content: LlmContentBlock[];
  /** What this turn's model call cost, once: also when a retry reuses the stored answer. */
  costUsd: number;
  uses: ToolUse[];
  /** What the caller's `settle` made of the answer, and the rows its `returning` writes gave back. */
  settled?: Settled;
  written: Record<string, Record<string, unknown> | undefined>;
}

/**
 * What the caller makes of the answer before it is stored, so that the answer and all it
 * settles are one statement (issue 13): results given at once to some of its tool calls (a
 * refusal, the final tool's), registered with the calls; other writes it adds to `writes`;
 * `returning` writes whose first row it needs back (`ModelTurn.written`).
 *
 * Called again with the stored answer's tool calls when another attempt stored this turn's
 * answer first, so what is settled is always the stored answer (the first call's writes went
 * out with our own answer, then).
 */
export type SettleAnswer<Settled> = (
  uses: ToolUse[],
  writes: PendingWrites,
) => { results?: Map<string, { output: string; isError: boolean }>; returning?: Record<string, Write>; value: Settled };

type StoredMessage = CachedLoop['messages'][number];

export async function takeModelTurn<Settled = undefined>(
  deps: ModelCallDeps,
  runtime: ActivityRuntime,
  ref: LoopTurnRef,
  request: ModelTurnRequest,
  /** This worker's copy of the loops it runs (transcript-cache.ts); without it, Postgres is read every turn. */
  cache?: TranscriptCache,
  settle?: SettleAnswer<Settled>,
): Promise<ModelTurn<Settled>> {
  const { db } = deps;
  const transcript = await transcriptFor(db, runtime, ref, request.turn, cache);
  const { toolCalls } = transcript;
  let { stored } = transcript;
  const writes = new PendingWrites(db);
  if (request.opening !== undefined) {
    writes.add(agentMessageWrite(db, ref, 0, 'user', request.opening));
    // Nothing stored yet (an earlier attempt failed before its answer was written): ours is the first message.
    if (stored.length === 0) {
      stored = [{ seq: 0, role: 'user', content: request.opening, loopId: ref.loopId }];
      cache?.started(ref.loopId, request.opening);
    }
  }
  let content: LlmContentBlock[];
  let costUsd: number;
  const existing = stored.find((message) => message.seq === request.turn + 1);
  let answer: Write | undefined;
  if (existing) {
    // A retry after the answer was stored: the call was paid for once; count it once.
    content = existing.content as LlmContentBlock[];
    costUsd = await costOfLoopTurn(db, ref, request.turn);
  } else {
    const history = stored.filter((message) => message.seq <= request.turn);
    const messages = buildMessages(history, toolCalls, request.messages);
    if (request.forceFinal) {
      messages.push({ role: 'user', content: `You are out of turns. Call ${request.finalTool} now with your best answer.` });
    }
    try {
      const call = await callModelRecorded(
        deps,
        runtime,
        {
          model: request.model,
          system: request.system,
          messages,
          tools: request.tools,
          toolChoice: request.forceFinal ? { type: 'tool', name: request.finalTool } : { type: 'any' },
          maxTokens: request.maxTokens,
          signal: runtime.signal,
        },
        { ...request.record, request: { ...(request.record.request as Record<string, unknown> | undefined), loopId: ref.loopId, turn: request.turn } },
        writes,
      );
      costUsd = call.costUsd;
      content = call.response.content;
    } catch (error) {
      throw toActivityFailure(error);
    }
    answer = agentMessageWriteReturningSeq(db, ref, request.turn + 1, 'assistant', content);
  }
  let uses = content.filter((block): block is ToolUse => block.type === 'tool_use');
  let settled = settleInto(writes, uses);
  let written: Record<string, Record<string, unknown> | undefined>;
  try {
    written = await writes.flush({ ...settled?.returning, answer });
  } catch (error) {
    // The answer is not stored, so a retry calls the model again: the paid call is recorded at least.
    await writes.salvage();
    throw toActivityFailure(error);
  }
  if (answer && !written.answer) {
    // Another attempt stored this turn's answer first (a reset run, or a cache that did not
    // know): the stored one is the transcript, and the turn cost both calls.
    cache?.forget(ref.loopId);
    const reread = await loadLoopTranscript(db, ref);
    content = reread.messages.find((message) => message.seq === request.turn + 1)?.content as LlmContentBlock[];
    costUsd = await costOfLoopTurn(db, ref, request.turn);
    uses = content.filter((block): block is ToolUse => block.type === 'tool_use');
    const again = new PendingWrites(db);
    settled = settleInto(again, uses);
    written = await again.flush({ ...settled?.returning });
    return { content, costUsd, uses, settled: settled?.value, written };
  }
  cache?.answered(ref.loopId, request.turn, content, uses.map((use) => ({ toolUseId: use.id, name: use.name })));
  return { content, costUsd, uses, settled: settled?.value, written };

  /** The answer's tool calls, registered (again, on a retry) with the results settled at once, and the caller's writes. */
  function settleInto(into: PendingWrites, calls: ToolUse[]) {
    const outcome = settle?.(calls, into);
    into.add(toolCallsWrite(db, ref, calls.map((use) => ({ toolUseId: use.id, name: use.name, input: use.input, ...(outcome?.results?.has(use.id) ? { result: outcome.results.get(use.id) } : {}) }))));
    return outcome;
  }
}

/**
 * The messages before `turn` and the tool calls: from this worker's cache when it holds all of
 * them, else from Postgres — which then becomes this worker's copy, so a copy that went stale
 * (another worker answered a turn or a tool) is replaced by what is stored.
 */
async function transcriptFor(
  db: ModelCallDeps['db'],
  runtime: ActivityRuntime,
  ref: LoopTurnRef,
  turn: number,
  cache: TranscriptCache | undefined,
): Promise<{ stored: StoredMessage[]; toolCalls: CachedLoop['toolCalls'] }> {
  const cached = cache?.completeFor(ref.loopId, turn, runtime.attempt);
  if (cached) return { stored: cached.messages, toolCalls: cached.toolCalls };
  const { messages, toolCalls } = await loadLoopTranscript(db, ref);
  cache?.replace(ref.loopId, messages, toolCalls);
  return { stored: messages, toolCalls };
}
