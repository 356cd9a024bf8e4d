import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { TracingConfig } from '../config';

/**
 * Distributed tracing with OpenTelemetry: one trace from the API request that submits an issue,
 * through its workflow and activities, to the calls they make to Claude, GitHub and the ERP.
 *
 * Off unless OpenTelemetry's standard variables ask for it (src/config.ts `tracingConfig`):
 * then nothing here is loaded — no SDK, no provider, no interceptors, the plain workflow bundle.
 * On, `startTracing` loads the SDK (sdk.ts), registers the provider, the W3C propagator and the
 * async-hooks context manager globally, and returns what the Temporal client and worker need.
 *
 * No auto-instrumentation (require hooks): the spans are explicit (spans.ts, http.ts) and the
 * Temporal interceptors are passed in, so it needs no start-up ordering beyond "before the
 * client, worker and app are made", and each span carries only what we chose.
 */
export interface Tracing {
  /** For the Temporal client: starting, signalling, updating and querying a workflow carries the trace context into it. */
  client: ClientInterceptors;
  worker: WorkerTracing;
  /** How spans leave the process, for the start-up line. */
  description: string;
  /** Sends what is buffered, then unregisters the provider, propagator and context manager. */
  shutdown(): Promise<void>;
}

/** For the Temporal worker: the traced workflow bundle goes with these (src/temporal/worker.ts). */
export interface WorkerTracing {
  /** RunActivity spans, children of the workflow's StartActivity span. */
  activityInterceptors: ActivityInterceptorsFactory[];
  /** Exports the spans the workflow interceptors record inside the sandbox (RunWorkflow, StartActivity, …). */
  sinks: InjectedSinks<OpenTelemetrySinks>;
}

export interface StartTracingOptions {
  /** The process (`api`, `worker`, `dev`): the default `service.name` is `agent-orchestrator-<role>`. */
  role: string;
  /** Instead of the configured exporters (tests: an InMemorySpanExporter's processor). Spans reach them unscrubbed. */
  spanProcessors?: SpanProcessor[];
}

/** Starts tracing when `config` says so (undefined: off, and this returns undefined having loaded nothing). */
export async function startTracing(config: TracingConfig | undefined, options: StartTracingOptions): Promise<Tracing | undefined> {
  if (!config) return undefined;
  const { startTracingSdk } = await import('./sdk');
  return startTracingSdk(config, options);
}
