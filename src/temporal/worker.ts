import path from 'node:path';
import type { Duration } from '@temporalio/common';
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../activities';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows/index.ts');

/** Bundles workflows/ the way the worker loads them; a disallowed import fails here. */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
}

export interface IssueWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (code or file path); bundled at start when omitted. */
  workflowBundle?: WorkflowBundleWithSourceMap | { codePath: string };
  /** Graceful shutdown: how long running activities get to finish. */
  shutdownGraceTime?: Duration;
}

export async function createIssueWorker(options: IssueWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
    shutdownGraceTime: options.shutdownGraceTime ?? '10 seconds',
    // Cancellation reaches an activity with a heartbeat response: send heartbeats often
    // enough that a cancel stops a model call within seconds, not at 0.8 × heartbeatTimeout.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
}

const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
  log: () => undefined,
};
