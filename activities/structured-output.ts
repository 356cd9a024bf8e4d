import { z } from 'zod';
import { jsonSchemaFor } from '../src/agents/tools';
import { AppError } from '../src/errors';
import type { LlmMessage, LlmResponse, LlmTool } from '../src/llm/client';
import { costUsd } from '../src/llm/pricing';
import type { ActivityRuntime } from './context';
import type { PendingWrites } from '../src/db/together';
import { callModelRecorded, type ModelCallDeps } from './model-call';

/** After an invalid answer the model gets this many chances to repair it, then we fail. */
export const MAX_REPAIR_TURNS = 1;

export interface StructuredCallInput<T> extends ModelCallDeps {
  runtime: ActivityRuntime;
  model: string;
  maxTokens: number;
  system: string;
  promptId: string;
  userPrompt: string;
  tool: { name: string; description: string; schema: z.ZodType<T> };
  record: { organizationId: string; issueId: string; stepId: string; stage: string };
  /** Where answered calls' records go, to be sent with the caller's own writes (model-call.ts). */
  writes?: PendingWrites;
}

export interface StructuredCallResult<T> {
  output: T;
  calls: number;
  /** What the calls cost in USD, repair turn included. */
  costUsd: number;
}

/**
 * Asks the model for one structured answer by forcing a single tool whose input schema is
 * generated from the zod schema, then validates the tool input with that same schema.
 * An invalid answer gets MAX_REPAIR_TURNS repair turns (the validation errors are sent back
 * as the tool result); still invalid → INVALID_MODEL_OUTPUT, not retryable, because
 * asking again the same way would only spend money.
 *
 * Every call, failed or not, is recorded with its usage and price.
 */
export async function callForStructuredOutput<T>(input: StructuredCallInput<T>): Promise<StructuredCallResult<T>> {
  const tool: LlmTool = {
    name: input.tool.name,
    description: input.tool.description,
    input_schema: jsonSchemaFor(input.tool.schema),
  };
  const messages: LlmMessage[] = [{ role: 'user', content: input.userPrompt }];
  let lastProblem = '';
  let spent = 0;

  for (let turn = 0; turn <= MAX_REPAIR_TURNS; turn++) {
    const response = await recordedCall(input, tool, messages);
    spent += costUsd(response.model || input.model, response.usage);
    const toolUse = response.content.find(
      (block): block is Extract<typeof block, { type: 'tool_use' }> =>
        block.type === 'tool_use' && block.name === input.tool.name,
    );
    if (!toolUse) {
      lastProblem = `the model did not call ${input.tool.name} (stop_reason: ${response.stopReason})`;
      messages.push(
        { role: 'assistant', content: response.content.length > 0 ? response.content : 'No answer.' },
        { role: 'user', content: `Answer by calling the ${input.tool.name} tool exactly once.` },
      );
      continue;
    }
    const parsed = input.tool.schema.safeParse(toolUse.input);
    if (parsed.success) return { output: parsed.data, calls: turn + 1, costUsd: Math.round(spent * 1e6) / 1e6 };
    lastProblem = z.prettifyError(parsed.error);
    messages.push(
      { role: 'assistant', content: response.content },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: toolUse.id,
            is_error: true,
            content: `The input does not match the schema:\n${lastProblem}\nCall ${input.tool.name} again with a corrected input.`,
          },
        ],
      },
    );
  }
  throw new AppError(
    'INVALID_MODEL_OUTPUT',
    `${input.record.stage}: invalid model output after ${MAX_REPAIR_TURNS} repair turn(s): ${lastProblem}`,
    { retryable: false },
  );
}

async function recordedCall<T>(input: StructuredCallInput<T>, tool: LlmTool, messages: LlmMessage[]): Promise<LlmResponse> {
  const request = {
    model: input.model,
    system: input.system,
    messages: [...messages],
    tools: [tool],
    toolChoice: { type: 'tool' as const, name: tool.name },
    maxTokens: input.maxTokens,
    signal: input.runtime.signal,
  };
  const { response } = await callModelRecorded(input, input.runtime, request, {
    ...input.record,
    request: { promptId: input.promptId, messages: request.messages },
  }, input.writes);
  return response;
}
