import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';

/**
 * The Temporal SDK's process-wide runtime, installed once before any connection: its log level
 * and, with `metricsBindAddress` (TEMPORAL_METRICS_BIND_ADDRESS), the SDK's own Prometheus
 * metrics — workflow and activity task latencies, pollers, slots, sticky cache — served by the
 * SDK at http://<address>/metrics (README "Metrics").
 */
export function installTemporalRuntime(options: { logLevel: LogLevel; metricsBindAddress?: string | undefined; handleSignals?: boolean }): void {
  Runtime.install({
    logger: new DefaultLogger(options.logLevel),
    ...(options.metricsBindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: options.metricsBindAddress } } } } : {}),
    ...(options.handleSignals === false ? { shutdownSignals: [] } : {}),
  });
}
