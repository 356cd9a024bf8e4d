import type { AgentMessageRecord, AgentToolCallRecord } from '../src/db/agent-transcripts';
import type { LlmContentBlock } from '../src/llm/client';

/**
 * What this worker knows of the agent loops it is running, so a model turn need not read the
 * transcript it wrote itself (issue 13: one statement per step). A loop's turns and tool calls
 * usually run on the worker that started it; when they did not, the cache is incomplete and
 * the turn reads Postgres, which stays the truth:
 *
 * - an entry is used only for a turn's first attempt (a retry may follow an attempt elsewhere
 *   that stored an answer), and only if it holds exactly the messages before the turn (seq
 *   0..turn) and an answer for every tool call they made — a message or result written by
 *   another worker is missing here, so the entry is not used;
 * - it is updated only after what it records was written;
 * - the first message of a loop may be held here before it is written (it is written with the
 *   first turn's answer): a turn that misses it rebuilds it from the issue.
 */

export interface CachedLoop {
  messages: Array<Pick<AgentMessageRecord, 'seq' | 'role' | 'content' | 'loopId'>>;
  toolCalls: Array<Pick<AgentToolCallRecord, 'toolUseId' | 'name' | 'input' | 'output' | 'isError'>>;
  /** The first message is held, not yet written: the first turn writes it. */
  firstMessagePending: boolean;
}

export class TranscriptCache {
  private readonly loops = new Map<string, CachedLoop>();

  constructor(private readonly maxLoops = 200) {}

  /** A loop's first message, as its stage was entered (written later, with the first answer). */
  started(loopId: string, content: string): void {
    this.put(loopId, { messages: [{ seq: 0, role: 'user', content, loopId }], toolCalls: [], firstMessagePending: true });
  }

  /** The transcript before `turn` if this worker holds all of it (see above); undefined otherwise. */
  completeFor(loopId: string, turn: number, attempt: number): CachedLoop | undefined {
    const loop = this.loops.get(loopId);
    if (!loop || attempt !== 1) return undefined;
    if (loop.messages.length !== turn + 1 || loop.messages.some((message, index) => message.seq !== index)) return undefined;
    const answered = new Map(loop.toolCalls.map((call) => [call.toolUseId, call.output !== null]));
    for (const message of loop.messages) {
      if (message.role !== 'assistant') continue;
      for (const block of message.content as LlmContentBlock[]) if (block.type === 'tool_use' && answered.get(block.id) !== true) return undefined;
    }
    this.put(loopId, loop); // most recently used
    return loop;
  }

  /** Whether the loop's first message is held here and not written yet. */
  firstMessagePending(loopId: string): CachedLoop['messages'][number] | undefined {
    const loop = this.loops.get(loopId);
    return loop?.firstMessagePending ? loop.messages[0] : undefined;
  }

  /** A turn's answer and its tool calls, as written (the first message with them, if it was pending). */
  answered(loopId: string, turn: number, content: LlmContentBlock[], toolCalls: Array<{ toolUseId: string; name: string; input: unknown }>): void {
    const loop = this.loops.get(loopId);
    if (!loop || loop.messages.length !== turn + 1) {
      this.loops.delete(loopId);
      return;
    }
    loop.messages.push({ seq: turn + 1, role: 'assistant', content, loopId });
    for (const call of toolCalls) {
      if (!loop.toolCalls.some((known) => known.toolUseId === call.toolUseId)) loop.toolCalls.push({ ...call, output: null, isError: 0 });
    }
    loop.firstMessagePending = false;
  }

  /**
   * A registered tool call not yet answered, for its first attempt (no earlier attempt can
   * have run it); undefined otherwise — the caller reads Postgres.
   */
  pendingToolCall(loopId: string, toolUseId: string, attempt: number): CachedLoop['toolCalls'][number] | undefined {
    if (attempt !== 1) return undefined;
    const call = this.loops.get(loopId)?.toolCalls.find((known) => known.toolUseId === toolUseId);
    return call && call.output === null ? call : undefined;
  }

  /** A tool call's result, as written. */
  toolResult(loopId: string, toolUseId: string, output: string, isError: boolean): void {
    const call = this.loops.get(loopId)?.toolCalls.find((known) => known.toolUseId === toolUseId);
    if (call && call.output === null) Object.assign(call, { output, isError: isError ? 1 : 0 });
  }

  forget(loopId: string): void {
    this.loops.delete(loopId);
  }

  private put(loopId: string, loop: CachedLoop): void {
    this.loops.delete(loopId);
    this.loops.set(loopId, loop);
    while (this.loops.size > this.maxLoops) this.loops.delete(this.loops.keys().next().value as string);
  }
}
