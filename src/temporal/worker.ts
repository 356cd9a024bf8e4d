import fs from 'node:fs';
import path from 'node:path';
import type { Duration } from '@temporalio/common';
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { buildIdOfBundle } from './deployments';
import { activityLogContext } from './log-context';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows/index.ts');

/** Bundles workflows/ the way the worker loads them; a disallowed import fails here. */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger() });
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
  /**
   * A versioned worker of this deployment and build (src/temporal/deployments.ts); buildId
   * `auto` is derived from the bundle's code. Runs default to PINNED: each finishes on the
   * build it started on.
   */
  deployment?: { name: string; buildId: string };
}

export interface IssueWorker {
  worker: Worker;
  /** The resolved deployment version, when versioned. */
  version: { deploymentName: string; buildId: string } | undefined;
}

export async function createIssueWorker(options: IssueWorkerOptions): Promise<IssueWorker> {
  const workflowBundle = options.workflowBundle ?? (await bundleWorkflows());
  const version = options.deployment
    ? { deploymentName: options.deployment.name, buildId: options.deployment.buildId === 'auto' ? buildIdOfBundle(bundleCode(workflowBundle)) : options.deployment.buildId }
    : undefined;
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowBundle,
    interceptors: { activity: [activityLogContext] },
    // AUTO_UPGRADE unless a workflow declares PINNED: see workflows/shared/versioning.ts for why.
    workerDeploymentOptions: version ? { version, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' } : undefined,
    shutdownGraceTime: options.shutdownGraceTime ?? '10 seconds',
    // Cancellation reaches an activity with a heartbeat response: send heartbeats often
    // enough that a cancel stops a model call within seconds, not at 0.8 × heartbeatTimeout.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
  return { worker, version };
}

function bundleCode(bundle: WorkflowBundleWithSourceMap | { codePath: string }): string {
  return 'code' in bundle ? bundle.code : fs.readFileSync(bundle.codePath, 'utf8');
}

/** The workflow bundler's logger: its progress chatter dropped, its warnings and errors to `report`. */
export function quietBundlerLogger(report: (message: string) => void = (message) => console.error(message)) {
  const problem = (message: string, meta?: Record<string, unknown>) => report(meta && Object.keys(meta).length > 0 ? `${message} ${JSON.stringify(meta)}` : message);
  return { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: problem, error: problem, log: () => undefined };
}
