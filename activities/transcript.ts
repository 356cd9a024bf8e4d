import type { AgentMessageRecord, AgentToolCallRecord } from '../src/db/agent-transcripts';
import { AppError } from '../src/errors';
import type Anthropic from '@anthropic-ai/sdk';
import type { LlmContentBlock, LlmMessage } from '../src/llm/client';

/**
 * A stored agent transcript as the Messages API wants it: each assistant turn's tool calls
 * are followed by a user message with their results (shared by pipeline and skill loops).
 *
 * `fromPeople`: messages people sent the loop (workflows/issue/steering.ts), each appended as a
 * text block to the user message that precedes the turn it was given at — after that turn's
 * tool results, as the API requires — so every later turn sees it in the same place.
 */
export function buildMessages(
  stored: ReadonlyArray<Pick<AgentMessageRecord, 'role' | 'content' | 'loopId'>>,
  toolCalls: ReadonlyArray<Pick<AgentToolCallRecord, 'toolUseId' | 'output' | 'isError'>>,
  fromPeople: ReadonlyArray<{ turn: number; from: string; text: string }> = [],
): LlmMessage[] {
  const results = new Map(toolCalls.map((call) => [call.toolUseId, call]));
  const messages: LlmMessage[] = [];
  let turn = 0;
  const addPeopleMessages = () => {
    const due = fromPeople.filter((message) => message.turn === turn);
    const last = messages.at(-1);
    if (due.length === 0 || last?.role !== 'user') return;
    const blocks: Anthropic.Messages.ContentBlockParam[] = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : [...last.content];
    for (const message of due) blocks.push({ type: 'text', text: peopleMessageText(message.from, message.text) });
    last.content = blocks;
  };
  for (const message of stored) {
    if (message.role === 'assistant') {
      addPeopleMessages(); // before the answer of `turn`: what that turn was given
      turn += 1;
    }
    messages.push({ role: message.role, content: message.content as LlmMessage['content'] });
    if (message.role !== 'assistant') continue;
    const uses = (message.content as LlmContentBlock[]).filter((block) => block.type === 'tool_use');
    if (uses.length === 0) continue;
    messages.push({
      role: 'user',
      content: uses.map((use) => {
        const call = results.get(use.id);
        if (!call || call.output === null) throw new AppError('CONFLICT', `tool result missing for ${use.name} (${use.id}) in ${message.loopId}`);
        return { type: 'tool_result' as const, tool_use_id: use.id, content: call.output, is_error: call.isError === 1 };
      }),
    });
  }
  addPeopleMessages(); // the turn about to be taken
  return messages;
}

/** How a person's message reads to the agent: attributed, and marked as theirs, not the system's. */
export function peopleMessageText(from: string, text: string): string {
  return `Message from ${from} (a person following this issue) while you work:\n${text}`;
}
