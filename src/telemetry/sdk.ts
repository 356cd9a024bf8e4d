import os from 'node:os';
import { type Attributes, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type SerializableSpan,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { TracingConfig } from '../config';
import { scrubSecrets } from '../logger';
import { APP_VERSION } from '../version';
import { ATTR, useTracer } from './spans';
import type { StartTracingOptions, Tracing } from './tracing';

/**
 * The OpenTelemetry SDK, loaded only when tracing is on (tracing.ts imports this lazily).
 *
 * Versions: `@temporalio/interceptors-opentelemetry` 1.24 is built on SDK 1.x (core, resources,
 * sdk-trace-base ^1.25), so this uses the last 1.x line (1.30) and the exporters released with it
 * (0.57): one copy of the SDK in the tree, and the spans the workflow sink hands over are the
 * same classes the exporters read.
 */
export async function startTracingSdk(config: TracingConfig, options: StartTracingOptions): Promise<Tracing> {
  const resource = new Resource({
    ...Resource.default().attributes,
    'service.name': `agent-orchestrator-${options.role}`,
    'service.version': APP_VERSION,
    'service.instance.id': `${os.hostname()}:${process.pid}`,
    'host.name': os.hostname(),
    ...config.resourceAttributes,
    // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES (the specification's order).
    ...(config.serviceName ? { 'service.name': config.serviceName } : {}),
  });
  const processors = options.spanProcessors ?? (await Promise.all(config.exporters.map((name) => processorFor(name, config))));
  // The sampler comes from OTEL_TRACES_SAMPLER (default: parent-based, always on), as the SDK reads it.
  const provider = new BasicTracerProvider({ resource, spanProcessors: processors });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  provider.register({
    contextManager,
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  const temporalTracer = provider.getTracer('@temporalio/interceptors-opentelemetry');
  useTracer(provider.getTracer('agent-orchestrator', APP_VERSION));

  // Spans recorded in the workflow sandbox leave it through this sink, outside replay only.
  const workflowSpans = makeWorkflowExporter(fanOut(processors), resource);
  return {
    client: { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: temporalTracer })] },
    worker: {
      activityInterceptors: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: temporalTracer }),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
      sinks: {
        exporter: {
          export: {
            // The library copies the whole WorkflowInfo onto each span (memo, search attributes,
            // last result, functions): only the workflow's identity is handed on.
            fn: (info: WorkflowInfo, spans: SerializableSpan[]) => workflowSpans.export.fn(workflowIdentity(info) as unknown as WorkflowInfo, spans),
            callDuringReplay: false,
          },
        },
      },
    },
    description: options.spanProcessors ? 'the given span processors' : config.exporters.map((name) => (name === 'otlp' ? `OTLP ${config.protocol} to ${config.endpoint ?? 'the default local collector'}` : 'the console')).join(' and '),
    async shutdown() {
      useTracer(undefined);
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}

async function processorFor(name: 'otlp' | 'console', config: TracingConfig): Promise<SpanProcessor> {
  if (name === 'console') return new SimpleSpanProcessor(scrubbing(new ConsoleSpanExporter()));
  // Only the chosen transport is loaded. Headers, timeout, compression and certificates are read
  // by the exporter from OTEL_EXPORTER_OTLP_* itself.
  const url = config.endpoint ? { url: config.endpoint } : {};
  const exporter =
    config.protocol === 'grpc'
      ? new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter(url)
      : config.protocol === 'http/json'
        ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(url)
        : new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter(url);
  return new BatchSpanProcessor(scrubbing(exporter));
}

/** The span processors, as one (what the workflow sink takes). */
function fanOut(processors: SpanProcessor[]): SpanProcessor {
  return {
    onStart: (span, parent) => processors.forEach((processor) => processor.onStart(span, parent)),
    onEnd: (span) => processors.forEach((processor) => processor.onEnd(span)),
    forceFlush: async () => void (await Promise.all(processors.map((processor) => processor.forceFlush()))),
    shutdown: async () => void (await Promise.all(processors.map((processor) => processor.shutdown()))),
  };
}

function workflowIdentity(info: WorkflowInfo): Attributes {
  const organization = /^(?:issue|skill):([^:]+):/.exec(info.workflowId)?.[1];
  return {
    temporalWorkflowId: info.workflowId,
    run_id: info.runId,
    temporalWorkflowType: info.workflowType,
    temporalTaskQueue: info.taskQueue,
    temporalNamespace: info.namespace,
    ...(organization ? { [ATTR.organization]: organization } : {}),
  };
}

/**
 * The last guard before spans leave the process: every configured credential (the ones the
 * logs never carry, src/logger.ts `neverLog`) is cut out of attribute values, event attributes
 * (an exception's message and stack, recorded by the Temporal interceptors) and status messages.
 * Our own spans never put one there; an error message quoting a URL might.
 */
export function scrubbing(exporter: SpanExporter): SpanExporter {
  return {
    export: (spans, done) => exporter.export(spans.map(scrubbedSpan), done),
    shutdown: () => exporter.shutdown(),
    ...(exporter.forceFlush ? { forceFlush: () => (exporter.forceFlush as () => Promise<void>)() } : {}),
  };
}

function scrubbedSpan(span: ReadableSpan): ReadableSpan {
  const attributes = scrubbedAttributes(span.attributes);
  let eventsChanged = false;
  const events = span.events.map((event) => {
    const scrubbed = event.attributes && scrubbedAttributes(event.attributes);
    if (scrubbed === event.attributes) return event;
    eventsChanged = true;
    return { ...event, attributes: scrubbed };
  });
  const message = span.status.message === undefined ? undefined : scrubSecrets(span.status.message);
  if (attributes === span.attributes && !eventsChanged && message === span.status.message) return span;
  // The same span (its methods and other fields through the prototype) with the scrubbed fields over it.
  return Object.create(span, {
    attributes: { value: attributes, enumerable: true },
    events: { value: events, enumerable: true },
    status: { value: { ...span.status, message }, enumerable: true },
  }) as ReadableSpan;
}

/** The same object when nothing needed scrubbing. */
function scrubbedAttributes(attributes: Attributes): Attributes {
  let out: Attributes | undefined;
  for (const [key, value] of Object.entries(attributes)) {
    const scrubbed = typeof value === 'string' ? scrubSecrets(value) : Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? scrubSecrets(item) : item)) : value;
    const changed = Array.isArray(value) ? (scrubbed as unknown[]).some((item, index) => item !== value[index]) : scrubbed !== value;
    if (changed) (out ??= { ...attributes })[key] = scrubbed as Attributes[string];
  }
  return out ?? attributes;
}
