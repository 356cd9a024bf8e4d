import type Anthropic from '@anthropic-ai/sdk';

/**
 * The port every model call goes through. One adapter talks to the Anthropic API
 * (src/llm/anthropic.ts); tests point that same adapter at the local fake Claude, so the
 * real SDK client is always exercised.
 *
 * Message and tool shapes are the Messages API's own: this service speaks to Claude only,
 * and re-modelling them would just be a lossy copy.
 */
export type LlmMessage = Anthropic.Messages.MessageParam;
export type LlmContentBlock = Anthropic.Messages.ContentBlock;
export type LlmTool = Anthropic.Messages.Tool;
export type LlmToolChoice = Anthropic.Messages.ToolChoice;

export interface LlmRequest {
  model: string;
  /** Stable instructions; marked for prompt caching together with the tools. */
  system: string;
  messages: LlmMessage[];
  tools?: LlmTool[];
  toolChoice?: LlmToolChoice;
  maxTokens: number;
  /** Aborts the HTTP request (wired to the activity's cancellation). */
  signal?: AbortSignal;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface LlmResponse {
  id: string;
  model: string;
  content: LlmContentBlock[];
  stopReason: string | null;
  usage: LlmUsage;
  requestId: string | null;
  durationMs: number;
}

export interface LlmClient {
  /** Where calls go (the API's or a proxy's host), for the model calls' spans. */
  readonly server?: { address: string; port?: number };
  /**
   * One model call, no retries of its own (Temporal is the only retrier).
   * @throws AppError UPSTREAM_UNAVAILABLE (retryable, with retryAfterMs when the API said)
   *   for 408/409/429/5xx/overloaded and connection errors; UPSTREAM_REJECTED (not
   *   retryable) for other 4xx.
   */
  createMessage(request: LlmRequest): Promise<LlmResponse>;
}

export const emptyUsage = (): LlmUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});
