import Anthropic from '@anthropic-ai/sdk';
import { AppError } from '../errors';
import type { LlmClient, LlmRequest, LlmResponse } from './client';

export interface AnthropicAdapterOptions {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  timeoutMs: number;
  /**
   * Mark the system prompt, the tools and the conversation so far for prompt caching
   * (default on). Agent loops resend a growing transcript: each turn then pays the cache
   * read price (0.1×) for everything it has sent before.
   */
  promptCaching?: boolean;
}

/** Statuses the Messages API documents as transient (529 = overloaded). */
const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/**
 * LlmClient over `@anthropic-ai/sdk`. The SDK's own retries are off (`maxRetries: 0`):
 * Temporal retries the activity, durably and visibly, using the `retry-after` we surface.
 */
export function createAnthropicClient(options: AnthropicAdapterOptions): LlmClient {
  const client = new Anthropic({
    // The SDK insists on a key; a keyless proxy or the fake Claude ignores this value.
    apiKey: options.apiKey ?? 'no-key-configured',
    baseURL: options.baseUrl,
    maxRetries: 0,
    timeout: options.timeoutMs,
    // The SDK's own spans are off, whatever ANTHROPIC_OPEN_TELEMETRY* say: each model call has
    // our span (activities/model-call.ts), which can never be switched to carry the prompts, and
    // no trace context goes to the API.
    openTelemetry: false,
  });
  const server = new URL(client.baseURL);

  return {
    server: { address: server.hostname, port: server.port ? Number(server.port) : server.protocol === 'http:' ? 80 : 443 },
    async createMessage(request: LlmRequest): Promise<LlmResponse> {
      const started = Date.now();
      const caching = options.promptCaching !== false;
      const tools = request.tools?.map((tool, index, all) =>
        // The cache breakpoint on the last tool caches system + all tool definitions.
        caching && index === all.length - 1 ? { ...tool, cache_control: { type: 'ephemeral' as const } } : tool,
      );
      const messages = caching ? withConversationBreakpoint(request.messages) : request.messages;
      try {
        const { data, request_id } = await client.messages
          .create(
            {
              model: request.model,
              max_tokens: request.maxTokens,
              system: [{ type: 'text', text: request.system, ...(caching ? { cache_control: { type: 'ephemeral' as const } } : {}) }],
              messages,
              ...(tools && tools.length > 0 ? { tools } : {}),
              ...(request.toolChoice ? { tool_choice: request.toolChoice } : {}),
            },
            { signal: request.signal },
          )
          .withResponse();
        return {
          id: data.id,
          model: data.model,
          content: data.content,
          stopReason: data.stop_reason,
          usage: {
            inputTokens: data.usage.input_tokens,
            outputTokens: data.usage.output_tokens,
            cacheReadTokens: data.usage.cache_read_input_tokens ?? 0,
            cacheWriteTokens: data.usage.cache_creation_input_tokens ?? 0,
          },
          requestId: request_id ?? null,
          durationMs: Date.now() - started,
        };
      } catch (error) {
        throw toAppError(error);
      }
    },
  };
}

/** A cache breakpoint on the last block of the last message: the next turn reads it all. */
function withConversationBreakpoint(messages: LlmRequest['messages']): LlmRequest['messages'] {
  const last = messages.at(-1);
  if (!last) return messages;
  const blocks = typeof last.content === 'string' ? [{ type: 'text' as const, text: last.content }] : last.content;
  if (blocks.length === 0) return messages;
  const marked = blocks.map((block, index) =>
    index === blocks.length - 1 ? { ...block, cache_control: { type: 'ephemeral' as const } } : block,
  ) as typeof blocks;
  return [...messages.slice(0, -1), { ...last, content: marked } as (typeof messages)[number]];
}

/** Maps SDK errors onto the one error model; anything unknown passes through unchanged. */
export function toAppError(error: unknown): unknown {
  if (error instanceof Anthropic.APIUserAbortError) return error; // cancellation, not a failure
  if (error instanceof Anthropic.APIConnectionError) {
    return new AppError('UPSTREAM_UNAVAILABLE', `Claude unreachable: ${error.message}`, {
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
    const detail = `Claude API ${error.status}${error.type ? ` ${error.type}` : ''}: ${error.apiMessage ?? error.message}`;
    if (RETRYABLE_STATUSES.has(error.status)) {
      return new AppError('UPSTREAM_UNAVAILABLE', detail, {
        retryable: true,
        retryAfterMs: retryAfterMs(error.headers),
        details: { status: error.status, requestId: error.requestID ?? null },
        cause: error,
      });
    }
    return new AppError('UPSTREAM_REJECTED', detail, {
      retryable: false,
      details: { status: error.status, requestId: error.requestID ?? null },
      cause: error,
    });
  }
  return error;
}

/** `retry-after-ms`, else `retry-after` as seconds or an HTTP date; capped at 10 minutes. */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const cap = (ms: number) => Math.min(Math.max(0, Math.round(ms)), 10 * 60_000);
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return cap(Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return cap(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : cap(date - now);
}
