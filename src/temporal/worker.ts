import fs from 'node:fs';
import path from 'node:path';
import type { Duration } from '@temporalio/common';
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { WorkerTracing } from '../telemetry/tracing';
import { buildIdOfBundle } from './deployments';
import { activityLogContext } from './log-context';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows/index.ts');

/**
 * The tracing's workflow interceptors (RunWorkflow, StartActivity, … spans, and the trace
 * context in every activity's headers): in the bundle only when tracing is on.
 */
export const TRACING_WORKFLOW_INTERCEPTORS = path.resolve(__dirname, '../telemetry/workflow-interceptors.ts');
/** In the code of a bundle with the tracing interceptors, and of no other. */
const TRACED_BUNDLE_MARKER = '@temporalio/interceptor-workflow';

/**
 * Bundles workflows/ the way the worker loads them; a disallowed import fails here. With
 * `tracing`, the bundle a tracing worker needs: the same workflows with the tracing interceptors
 * (they add no command and no microtask turn, only headers and spans, so a history replays on
 * either bundle: src/telemetry/workflow-interceptors.ts).
 */
export async function bundleWorkflows(options: { tracing?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    ...(options.tracing ? { workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTORS] } : {}),
    logger: quietBundlerLogger(),
  });
}

/** Where `npm run build:workflows` puts the traced bundle beside the plain one (`x.js` → `x.traced.js`). */
export function tracedBundlePath(bundlePath: string): string {
  return bundlePath.replace(/(\.js)?$/, '.traced.js');
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
  /**
   * Tracing on: RunActivity spans and the workflow spans' sink. The bundle must then be the
   * traced one (bundleWorkflows({ tracing: true })), and otherwise the plain one: checked here.
   */
  tracing?: WorkerTracing;
}

export interface IssueWorker {
  worker: Worker;
  /** The resolved deployment version, when versioned. */
  version: { deploymentName: string; buildId: string } | undefined;
}

export async function createIssueWorker(options: IssueWorkerOptions): Promise<IssueWorker> {
  const workflowBundle = options.workflowBundle ?? (await bundleWorkflows({ tracing: options.tracing !== undefined }));
  const code = bundleCode(workflowBundle);
  requireBundleMatchesTracing(code, options.tracing !== undefined);
  const version = options.deployment
    ? { deploymentName: options.deployment.name, buildId: options.deployment.buildId === 'auto' ? buildIdOfBundle(code) : options.deployment.buildId }
    : undefined;
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowBundle,
    // The tracing's first: its RunActivity span is current when the log context is bound (and named on it).
    interceptors: { activity: [...(options.tracing?.activityInterceptors ?? []), activityLogContext] },
    ...(options.tracing ? { sinks: options.tracing.sinks } : {}),
    // AUTO_UPGRADE unless a workflow declares PINNED: see workflows/shared/versioning.ts for why.
    workerDeploymentOptions: version ? { version, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' } : undefined,
    shutdownGraceTime: options.shutdownGraceTime ?? '10 seconds',
    // Cancellation reaches an activity with a heartbeat response: send heartbeats often
    // enough that a cancel stops a model call within seconds, not at 0.8 × heartbeatTimeout.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
  return { worker, version };
}

/**
 * A tracing worker on the plain bundle would record no workflow span and break every trace at
 * the workflow; a plain worker on the traced bundle would call a sink nobody registered on every
 * workflow task. Either is a deployment mistake: said at start, not found in the traces later.
 */
function requireBundleMatchesTracing(code: string, tracing: boolean): void {
  const traced = code.includes(TRACED_BUNDLE_MARKER);
  if (traced === tracing) return;
  throw new Error(
    tracing
      ? 'Tracing is on (OTEL_*), but the workflow bundle has no tracing interceptors: point WORKFLOW_BUNDLE_PATH at the bundle `npm run build:workflows` writes beside it (*.traced.js is chosen for you when tracing is on), or leave it unset.'
      : 'The workflow bundle has the tracing interceptors, but tracing is off: use the plain bundle (WORKFLOW_BUNDLE_PATH without .traced), or turn tracing on (README "Tracing").',
  );
}

function bundleCode(bundle: WorkflowBundleWithSourceMap | { codePath: string }): string {
  return 'code' in bundle ? bundle.code : fs.readFileSync(bundle.codePath, 'utf8');
}

/** The workflow bundler's logger: its progress chatter dropped, its warnings and errors to `report`. */
export function quietBundlerLogger(report: (message: string) => void = (message) => console.error(message)) {
  const problem = (message: string, meta?: Record<string, unknown>) => report(meta && Object.keys(meta).length > 0 ? `${message} ${JSON.stringify(meta)}` : message);
  return { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: problem, error: problem, log: () => undefined };
}
