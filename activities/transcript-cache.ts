import type { AgentMessageRecord, AgentToolCallRecord } from '../src/db/agent-transcripts';
import type { LlmContentBlock } from '../src/llm/client';

/**
 * What this worker knows of the agent loops it is running, so a model turn need not read back
 * the transcript it wrote itself (issue 13: fewer statements per step). A loop's turns and
 * tool calls usually run on the worker that started it; when they did not, the copy here is
 * incomplete and the turn reads Postgres, which stays the truth:
 *
 * - an entry is used only for a turn's first attempt (a retry may follow an attempt elsewhere
 *   that stored an answer), and only if it holds exactly the messages before the turn (seq
 *   0..turn) and a result for every tool call they made — a message or result written by
 *   another worker is missing here, so the entry is not used;
 * - it records only what was written, after it was written; a turn that reads Postgres puts
 *   what it read here in place of the old copy;
 * - a turn whose answer turns out to be stored already (another attempt was first) forgets it;
 * - it is bounded by loops and by size: a loop over MAX_LOOP_CHARS is not kept.
 * Tool calls always read their call from Postgres (at most once needs the stored truth).
 */

/** Roughly how much of a loop's transcript a worker keeps (characters of JSON), per loop. */
const MAX_LOOP_CHARS = 2_000_000;

export interface CachedLoop {
  messages: Array<Pick<AgentMessageRecord, 'seq' | 'role' | 'content' | 'loopId'>>;
  toolCalls: Array<Pick<AgentToolCallRecord, 'toolUseId' | 'name' | 'output' | 'isError'>>;
  /** Characters held, roughly (JSON of contents and outputs). */
  size: number;
}

export class TranscriptCache {
  private readonly loops = new Map<string, CachedLoop>();

  constructor(private readonly maxLoops = 200) {}

  /** A loop's first message, as written when its stage was entered. */
  started(loopId: string, content: string): void {
    this.put(loopId, { messages: [{ seq: 0, role: 'user', content, loopId }], toolCalls: [], size: content.length });
  }

  /** What Postgres holds of a loop, read by a turn: this worker's copy from now on. */
  replace(loopId: string, messages: CachedLoop['messages'], toolCalls: CachedLoop['toolCalls']): void {
    const size = messages.reduce((sum, message) => sum + JSON.stringify(message.content).length, 0) + toolCalls.reduce((sum, call) => sum + (call.output?.length ?? 0), 0);
    this.put(loopId, { messages: messages.map(({ seq, role, content }) => ({ seq, role, content, loopId })), toolCalls: toolCalls.map(({ toolUseId, name, output, isError }) => ({ toolUseId, name, output, isError })), size });
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

  /** A turn's answer and its tool calls, as written. */
  answered(loopId: string, turn: number, content: LlmContentBlock[], toolCalls: Array<{ toolUseId: string; name: string }>): void {
    const loop = this.loops.get(loopId);
    if (!loop || loop.messages.length !== turn + 1) {
      this.loops.delete(loopId);
      return;
    }
    loop.messages.push({ seq: turn + 1, role: 'assistant', content, loopId });
    for (const call of toolCalls) {
      if (!loop.toolCalls.some((known) => known.toolUseId === call.toolUseId)) loop.toolCalls.push({ ...call, output: null, isError: 0 });
    }
    this.grow(loopId, loop, JSON.stringify(content).length);
  }

  /** A tool call's result, as written. */
  toolResult(loopId: string, toolUseId: string, output: string, isError: boolean): void {
    const loop = this.loops.get(loopId);
    const call = loop?.toolCalls.find((known) => known.toolUseId === toolUseId);
    if (!loop || !call || call.output !== null) return;
    Object.assign(call, { output, isError: isError ? 1 : 0 });
    this.grow(loopId, loop, output.length);
  }

  forget(loopId: string): void {
    this.loops.delete(loopId);
  }

  private grow(loopId: string, loop: CachedLoop, by: number): void {
    loop.size += by;
    if (loop.size > MAX_LOOP_CHARS) this.loops.delete(loopId);
  }

  private put(loopId: string, loop: CachedLoop): void {
    if (loop.size > MAX_LOOP_CHARS) {
      this.loops.delete(loopId);
      return;
    }
    this.loops.delete(loopId);
    this.loops.set(loopId, loop);
    while (this.loops.size > this.maxLoops) this.loops.delete(this.loops.keys().next().value as string);
  }
}
