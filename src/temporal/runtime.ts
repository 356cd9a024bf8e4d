import { DefaultLogger, type LogEntry, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from '../logger';

/**
 * The Temporal SDK's process-wide runtime, installed once before any connection: its log level,
 * its lines sent through our JSON logger, and, with `metricsBindAddress`
 * (TEMPORAL_METRICS_BIND_ADDRESS), the SDK's own Prometheus metrics — workflow and activity task
 * latencies, pollers, slots, sticky cache — served by the SDK at http://<address>/metrics
 * (README "Metrics").
 */
export function installTemporalRuntime(options: { logLevel: LogLevel; log: Logger; metricsBindAddress?: string | undefined; handleSignals?: boolean }): void {
  Runtime.install({
    logger: new DefaultLogger(options.logLevel, (entry) => forwardSdkLog(options.log, entry)),
    ...(options.metricsBindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: options.metricsBindAddress } } } } : {}),
    ...(options.handleSignals === false ? { shutdownSignals: [] } : {}),
  });
}

const LEVELS = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * One SDK log entry as one JSON line. The SDK's metadata (sdkComponent, taskQueue, workflowId,
 * activityType, …) become fields — the SDK's own printer would dump them as a multi-line object —
 * and a workflow id of ours names its organization, which the line then carries too.
 */
export function forwardSdkLog(log: Logger, entry: LogEntry): void {
  // The task token is an opaque credential for completing the task: noise in a log, and not for readers.
  const { taskToken: _taskToken, ...fields }: Record<string, unknown> = { ...entry.meta };
  const organizationId = typeof fields.workflowId === 'string' ? organizationOfWorkflowId(fields.workflowId) : undefined;
  if (organizationId && fields.organizationId === undefined) fields.organizationId = organizationId;
  log[LEVELS[entry.level]](entry.message, fields);
}

/** `issue:<org>:…` and `skill:<org>:…` (workflows/definitions.ts) carry the organization; other ids none. */
function organizationOfWorkflowId(workflowId: string): string | undefined {
  return /^(?:issue|skill):([^:]+):/.exec(workflowId)?.[1];
}
