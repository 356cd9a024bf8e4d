import type { AgentMessageRecord, AgentToolCallRecord } from '../src/db/agent-transcripts';
import { AppError } from '../src/errors';
import type { LlmContentBlock, LlmMessage } from '../src/llm/client';

/**
 * A stored agent transcript as the Messages API wants it: each assistant turn's tool calls
 * are followed by a user message with their results (shared by pipeline and skill loops).
 */
export function buildMessages(
  stored: ReadonlyArray<Pick<AgentMessageRecord, 'role' | 'content' | 'loopId'>>,
  toolCalls: ReadonlyArray<Pick<AgentToolCallRecord, 'toolUseId' | 'output' | 'isError'>>,
): LlmMessage[] {
  const results = new Map(toolCalls.map((call) => [call.toolUseId, call]));
  const messages: LlmMessage[] = [];
  for (const message of stored) {
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
  return messages;
}
