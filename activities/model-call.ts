import type { Database } from '../src/db/client';
import { llmCallWrite, type NewLlmCall, recordLlmCall } from '../src/db/llm-calls';
import type { PendingWrites } from '../src/db/together';
import { errorMessage, isAppError } from '../src/errors';
import type { LlmClient, LlmRequest, LlmResponse } from '../src/llm/client';
import { emptyUsage } from '../src/llm/client';
import { costUsd } from '../src/llm/pricing';
import { assertUnderSpendCaps, type SpendGuard } from '../src/spend-caps';
import { countModelCall } from '../src/metrics/model-calls';
import { type ActivityRuntime, withHeartbeat } from './context';
import { ATTR, withClientSpan } from '../src/telemetry/spans';

export interface ModelCallDeps {
  db: Database;
  llm: LlmClient;
  /** The worker's spend-cap check (reads at most every 2 s); without it, an exact read before each call. */
  spend?: SpendGuard;
}

/** Who a model call is recorded for: everything of an llm_calls row but the outcome. */
export type CallRecord = Pick<NewLlmCall, 'organizationId' | 'issueId' | 'invocationId' | 'stepId' | 'stage'> & { request?: unknown };

/**
 * One model call, refused while the organization is over its spend cap (see spend-caps.ts),
 * heartbeating while it runs, recorded in llm_calls whatever happens: usage
 * and price when it answers, the error when it fails (not when the activity was cancelled).
 * Errors are rethrown as they are; callers decide how they reach Temporal.
 *
 * With `writes`, an answered call's record joins the caller's pending writes, to be sent in one
 * statement with what the caller stores from the answer; a failed call is recorded at once.
 * The record is essential: when the step fails, or its writes do, it is still sent
 * (PendingWrites.keepEssential / salvage).
 */
export async function callModelRecorded(
  deps: ModelCallDeps,
  runtime: ActivityRuntime,
  request: LlmRequest,
  record: CallRecord,
  writes?: PendingWrites,
): Promise<{ response: LlmResponse; costUsd: number }> {
  // Before anything is paid: over the organization's spend cap, Temporal retries this call when the cap resets.
  if (deps.spend) await deps.spend.check(record.organizationId);
  else await assertUnderSpendCaps(deps.db, record.organizationId);
  const started = Date.now();
  const base = { ...record, model: request.model, attempt: runtime.attempt };
  try {
    const response = await modelCallSpan(deps.llm, request, record, () => withHeartbeat(runtime, deps.llm.createMessage(request)));
    const model = response.model || request.model;
    const cost = costUsd(model, response.usage);
    deps.spend?.add(record.organizationId, cost);
    countModelCall({ organization: record.organizationId, model, stage: record.stage }, 'ok', response.usage, cost, response.durationMs);
    const answered = {
      ...base,
      model,
      status: 'ok',
      usage: response.usage,
      costUsd: cost,
      durationMs: response.durationMs,
      stopReason: response.stopReason,
      requestId: response.requestId,
      response: { id: response.id, content: response.content },
    } as const;
    if (writes) writes.addEssential(llmCallWrite(deps.db, answered));
    else await recordLlmCall(deps.db, answered);
    return { response, costUsd: cost };
  } catch (error) {
    if (!runtime.signal.aborted) {
      countModelCall({ organization: record.organizationId, model: request.model, stage: record.stage }, 'error', emptyUsage(), 0, Date.now() - started);
      await recordLlmCall(deps.db, {
        ...base,
        status: 'error',
        usage: emptyUsage(),
        costUsd: 0,
        durationMs: Date.now() - started,
        error: isAppError(error) ? `${error.code}: ${error.message}` : errorMessage(error),
      });
    }
    throw error;
  }
}

/**
 * The model call's span (tracing on): `chat <model>`, a CLIENT span with the host, the outcome,
 * the tokens and whose call it was — organization, issue or skill run, stage. Never the prompt,
 * the tools or the answer.
 */
function modelCallSpan(llm: LlmClient, request: LlmRequest, record: CallRecord, call: () => Promise<LlmResponse>): Promise<LlmResponse> {
  const attributes = () => ({
    [ATTR.genAiSystem]: 'anthropic',
    [ATTR.genAiOperation]: 'chat',
    [ATTR.genAiRequestModel]: request.model,
    [ATTR.httpMethod]: 'POST',
    [ATTR.stage]: record.stage,
    [ATTR.organization]: record.organizationId,
    ...(record.issueId ? { [ATTR.issue]: record.issueId } : {}),
    ...(record.invocationId ? { [ATTR.invocation]: record.invocationId } : {}),
    ...(llm.server ? { [ATTR.serverAddress]: llm.server.address, ...(llm.server.port !== undefined ? { [ATTR.serverPort]: llm.server.port } : {}) } : {}),
  });
  return withClientSpan(`chat ${request.model}`, attributes, async (span) => {
    const response = await call();
    span?.setAttributes({
      [ATTR.httpStatus]: 200,
      [ATTR.genAiResponseModel]: response.model,
      [ATTR.genAiInputTokens]: response.usage.inputTokens,
      [ATTR.genAiOutputTokens]: response.usage.outputTokens,
      [ATTR.cacheReadTokens]: response.usage.cacheReadTokens,
      [ATTR.cacheWriteTokens]: response.usage.cacheWriteTokens,
      ...(response.stopReason ? { [ATTR.genAiFinishReasons]: [response.stopReason] } : {}),
      [ATTR.costUsd]: costUsd(response.model || request.model, response.usage),
    });
    return response;
  });
}
