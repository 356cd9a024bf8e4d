import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { isAppError } from '../errors';
import { currentLogContext, type LogContext } from '../logger';

/**
 * Our own spans: the outbound calls (Claude, GitHub, the ERP and the organization's channels)
 * and the API's requests (src/telemetry/http.ts). Process-wide like the OpenTelemetry API:
 * `startTracing` (tracing.ts) hands the tracer over; until then — and always when tracing is
 * off — every helper here runs the work as it is, without touching the OpenTelemetry API.
 *
 * What a span may carry: hosts, methods, statuses, route templates, ids, stages, models and
 * token counts. Never a prompt, an issue's text, a header, a token or a URL with its path or
 * query (a Slack webhook URL is itself a credential).
 */

let tracer: Tracer | undefined;

/** Set by startTracing, cleared by its shutdown. */
export function useTracer(given: Tracer | undefined): void {
  tracer = given;
}

/** The tracer while this process records spans (tracing configured and started); undefined otherwise. */
export function activeTracer(): Tracer | undefined {
  return tracer;
}

/** Attribute names: OpenTelemetry's semantic conventions, and ours under `orchestrator.`. */
export const ATTR = {
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  httpRoute: 'http.route',
  urlTemplate: 'url.template',
  urlPath: 'url.path',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  genAiSystem: 'gen_ai.system',
  genAiOperation: 'gen_ai.operation.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiFinishReasons: 'gen_ai.response.finish_reasons',
  organization: 'orchestrator.organization.id',
  issue: 'orchestrator.issue.id',
  invocation: 'orchestrator.invocation.id',
  request: 'orchestrator.request.id',
  stage: 'orchestrator.stage',
  cacheReadTokens: 'orchestrator.usage.cache_read_tokens',
  cacheWriteTokens: 'orchestrator.usage.cache_write_tokens',
  costUsd: 'orchestrator.cost_usd',
  channel: 'orchestrator.delivery.channel',
  event: 'orchestrator.delivery.event',
  attempt: 'orchestrator.delivery.attempt',
  repository: 'orchestrator.github.repository',
} as const;

/** The organization, issue or skill run (and API request) the current work is for, from the log context. */
export function workAttributes(work: LogContext = currentLogContext()): Attributes {
  const attributes: Attributes = {};
  if (work.organizationId) attributes[ATTR.organization] = work.organizationId;
  if (work.issueId) attributes[ATTR.issue] = work.issueId;
  if (work.invocationId) attributes[ATTR.invocation] = work.invocationId;
  if (work.requestId) attributes[ATTR.request] = work.requestId;
  return attributes;
}

/** `server.address` and `server.port` of a URL: the host only, never its credentials, path or query. */
export function serverAttributes(url: string | URL): Attributes {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : parsed.protocol === 'http:' ? 80 : undefined;
    return { [ATTR.serverAddress]: parsed.hostname, ...(port !== undefined ? { [ATTR.serverPort]: port } : {}) };
  } catch {
    return {};
  }
}

/** An HTTP status an error carries (our AppError's details, an SDK error's `status`). */
export function statusOfError(error: unknown): number | undefined {
  if (isAppError(error)) {
    const status = (error.details as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number') return status;
  }
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Runs `work` in a CLIENT span named `name`, child of the current span, with `attributes`
 * and the current work's ids. A failure sets the span's status to ERROR with `error.type`
 * (our error code, or the error's class) and the HTTP status it carries — never its message,
 * which may quote what the peer answered. Tracing off: `work(undefined)`, nothing else (pass
 * `attributes` as a function when they take work to make).
 */
export async function withClientSpan<T>(name: string, attributes: Attributes | (() => Attributes), work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!tracer) return work(undefined);
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { ...workAttributes(), ...(typeof attributes === 'function' ? attributes() : attributes) } });
  try {
    return await context.with(trace.setSpan(context.active(), span), () => work(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** The answer's HTTP status on the span; 4xx and 5xx make it an ERROR (OpenTelemetry's rule for clients). */
export function recordHttpStatus(span: Span | undefined, status: number): void {
  if (!span) return;
  span.setAttribute(ATTR.httpStatus, status);
  if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
}

/** ERROR status with the error's type and HTTP status (if any), not its text. */
export function markFailed(span: Span, error: unknown): void {
  const type = isAppError(error) ? error.code : error instanceof Error ? error.name : 'Error';
  const status = statusOfError(error);
  span.setAttributes({ [ATTR.errorType]: type, ...(status !== undefined ? { [ATTR.httpStatus]: status } : {}) });
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}
