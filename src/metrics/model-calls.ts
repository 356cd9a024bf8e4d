import type { LlmUsage } from '../llm/client';
import { modelCallSeconds, modelCalls, modelCostUsd, modelTokens } from './registry';

/** One model call in the metrics: its outcome, tokens by kind, cost and duration. */
export function countModelCall(labels: { organization: string; model: string; stage: string }, status: 'ok' | 'error', usage: LlmUsage, costUsd: number, durationMs: number): void {
  modelCalls.inc({ ...labels, status });
  modelCallSeconds.observe({ model: labels.model }, durationMs / 1000);
  if (status !== 'ok') return;
  const kinds = { input: usage.inputTokens, output: usage.outputTokens, cache_read: usage.cacheReadTokens, cache_write: usage.cacheWriteTokens };
  for (const [kind, tokens] of Object.entries(kinds)) if (tokens > 0) modelTokens.inc({ ...labels, kind }, tokens);
  if (costUsd > 0) modelCostUsd.inc(labels, costUsd);
}
