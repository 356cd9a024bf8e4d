/**
 * Not a workflow: the tracing's workflow interceptors, bundled into the traced workflow bundle
 * only (src/temporal/worker.ts `bundleWorkflows({ tracing: true })`). Sandbox code: deterministic,
 * no Node modules.
 *
 * They record what `@temporalio/interceptors-opentelemetry`'s do — RunWorkflow, HandleSignal,
 * HandleUpdate, StartActivity, StartChildWorkflow, SignalChildWorkflow/SignalWorkflow,
 * ContinueAsNew spans, and the trace context in the headers of every activity, child and signal
 * — with its exporter, context manager and header format, but TIMING-NEUTRAL: each returns the
 * very promise the SDK gave it and ends its span on the side, where the library's
 * `instrument()` awaits it through several async layers. Those extra microtask turns reorder a
 * workflow's continuations when an update or signal races an activity result, so a history
 * recorded without the interceptors (every run in flight when tracing is turned on) failed to
 * replay with them (tests/workflows/replay.test.ts, pipeline-clarification-supervised), and the
 * library's SDK flags would pin each run to the bundle it started on. These need no flag: a run
 * replays on the plain and the traced bundle alike, so tracing can be turned on and off freely.
 */
// First: makes the sandbox look enough like a browser for the OpenTelemetry SDK.
import '@temporalio/interceptors-opentelemetry/lib/workflow/runtime';
import * as otel from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { extractContextFromHeaders, headersWithContext, UPDATE_ID_ATTR_KEY } from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { ContextManager } from '@temporalio/interceptors-opentelemetry/lib/workflow/context-manager';
import { SpanExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/span-exporter';
import { ContinueAsNew, workflowInfo, type WorkflowInterceptors } from '@temporalio/workflow';

let tracer: otel.Tracer | undefined;
let contextManager: ContextManager | undefined;

/**
 * Span and trace ids that draw nothing from the workflow's random numbers. The SDK's default
 * generator calls Math.random, which in a workflow is the run's seeded generator: every span
 * would shift the values uuid4() returns afterwards, so a question id made after a span differs
 * from the recorded one and the replay fails (pipeline-clarification-supervised did). Instead:
 * the run id is the trace id of a span with no parent, and span ids are a hash of the run id and
 * a counter that starts again with each instance of the run — a replay makes the same ids.
 */
const runs = new Map<string, { prefix: string; spans: number }>();

function ofThisRun(): { prefix: string; spans: number } {
  const { runId } = workflowInfo();
  let run = runs.get(runId);
  if (!run) runs.set(runId, (run = { prefix: fnv1a(runId), spans: 0 }));
  return run;
}

const idGenerator = {
  generateTraceId: () => workflowInfo().runId.replace(/-/g, '').padEnd(32, '0').slice(0, 32),
  generateSpanId: () => {
    const run = ofThisRun();
    run.spans += 1;
    return `${run.prefix}${(run.spans >>> 0).toString(16).padStart(8, '0')}`;
  },
};

/** 32-bit FNV-1a as 8 hex digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** One provider per sandbox, registered there (its propagator reads and writes the headers). */
function workflowTracer(): otel.Tracer {
  contextManager ??= new ContextManager();
  if (!tracer) {
    const provider = new BasicTracerProvider({ idGenerator, spanProcessors: [new SimpleSpanProcessor(new SpanExporter())] });
    provider.register({ contextManager });
    tracer = provider.getTracer('@temporalio/interceptor-workflow');
  }
  return tracer;
}

/**
 * Runs `work` in a span (child of `parent`, else of the current span) and returns work's own
 * promise: the span ends in a reaction of its own, so nothing the workflow awaits is delayed.
 */
function traced<T>(name: string, parent: otel.Context | undefined, work: (span: otel.Span) => Promise<T>, acceptable?: (error: unknown) => boolean): Promise<T> {
  const base = parent ?? otel.context.active();
  const span = workflowTracer().startSpan(name, undefined, base);
  let result: Promise<T>;
  try {
    result = otel.context.with(otel.trace.setSpan(base, span), () => work(span));
  } catch (error) {
    end(span, error, acceptable);
    throw error;
  }
  result.then(
    () => end(span),
    (error: unknown) => end(span, error, acceptable),
  );
  return result;
}

function end(span: otel.Span, error?: unknown, acceptable?: (error: unknown) => boolean): void {
  if (error === undefined || acceptable?.(error)) {
    span.setStatus({ code: otel.SpanStatusCode.OK });
  } else {
    const message = error instanceof Error ? error.message : String(error);
    span.setStatus({ code: otel.SpanStatusCode.ERROR, message });
    span.recordException(error instanceof Error ? error : message);
  }
  span.end();
}

const isContinueAsNew = (error: unknown) => error instanceof ContinueAsNew;

export const interceptors = (): WorkflowInterceptors => {
  workflowTracer();
  // A new instance of the run (its start, or a replay after eviction) numbers its spans from 1 again.
  const { runId } = workflowInfo();
  runs.set(runId, { prefix: fnv1a(runId), spans: 0 });
  return {
    inbound: [
      {
        execute: (input, next) => traced(`RunWorkflow:${workflowInfo().workflowType}`, extractContextFromHeaders(input.headers), () => next(input), isContinueAsNew),
        handleSignal: (input, next) => traced(`HandleSignal:${input.signalName}`, extractContextFromHeaders(input.headers), () => next(input)),
        handleUpdate: (input, next) =>
          traced(`HandleUpdate:${input.name}`, extractContextFromHeaders(input.headers), (span) => {
            span.setAttribute(UPDATE_ID_ATTR_KEY, input.updateId);
            return next(input);
          }),
      },
    ],
    outbound: [
      {
        // Each inside its span: headersWithContext writes that span's context for the receiver.
        scheduleActivity: (input, next) => traced(`StartActivity:${input.activityType}`, undefined, () => next({ ...input, headers: headersWithContext(input.headers) })),
        scheduleLocalActivity: (input, next) => traced(`StartActivity:${input.activityType}`, undefined, () => next({ ...input, headers: headersWithContext(input.headers) })),
        startChildWorkflowExecution: (input, next) => traced(`StartChildWorkflow:${input.workflowType}`, undefined, () => next({ ...input, headers: headersWithContext(input.headers) })),
        signalWorkflow: (input, next) => traced(`SignalWorkflow:${input.signalName}`, undefined, () => next({ ...input, headers: headersWithContext(input.headers) })),
        continueAsNew: (input, next) =>
          traced(`ContinueAsNew:${input.options.workflowType ?? workflowInfo().workflowType}`, undefined, () => next({ ...input, headers: headersWithContext(input.headers) }), isContinueAsNew),
        getLogAttributes: (input, next) => {
          const context = otel.trace.getSpan(otel.context.active())?.spanContext();
          return next(context && otel.isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId, ...input } : input);
        },
      },
    ],
    internals: [
      {
        dispose: (input, next) => {
          runs.delete(runId);
          contextManager?.disable();
          next(input);
        },
      },
    ],
  };
};
