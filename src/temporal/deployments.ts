/**
 * Rolling upgrades with Temporal Worker Versioning (worker deployments).
 *
 * A worker started with WORKER_BUILD_ID joins the worker deployment WORKER_DEPLOYMENT_NAME as
 * that build. New workflow runs go to the deployment's *current* build (or, for a ramp's
 * share, to the *ramping* one). Issue and skill runs are PINNED: each finishes on the build it
 * started on, so a changed workflow needs no `patched()` for runs already in flight. The
 * concurrency limiter and the status-callback workflow AUTO_UPGRADE (they are long-lived or
 * trivial, and would otherwise keep an old build alive for ever).
 *
 * An upgrade: start the new build's workers beside the old → `promote` it (or `ramp` first) →
 * the old build drains as its pinned runs end → stop its workers → `retire` it.
 *
 * Server dynamic config this needs (defaults of Temporal ≥ 1.28 and the CLI dev server):
 * `frontend.workerVersioningWorkflowAPIs` and `system.enableDeploymentVersions` true. How soon a
 * build reads as drained: `matching.wv.VersionDrainageStatusRefreshInterval` and
 * `matching.wv.VersionDrainageStatusVisibilityGracePeriod` (3 min each by default); how soon a
 * build whose workers stopped may be deleted: `matching.PollerHistoryTTL` (5 min).
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DEPLOYMENT_PART } from './deployment-names';


/** WORKER_BUILD_ID=auto: a build id that changes exactly when the workflow code does. */
export function buildIdOfBundle(code: string): string {
  return `wf-${createHash('sha256').update(code).digest('hex').slice(0, 12)}`;
}

export type VersionStatus = 'current' | 'ramping' | 'draining' | 'drained' | 'inactive';

export interface VersionSummary {
  buildId: string;
  status: VersionStatus;
  createdAt: Date | null;
}

export interface DeploymentState {
  name: string;
  /** null: no current build; new runs go to unversioned workers (or wait for one). */
  current: string | null;
  ramping: { buildId: string; percentage: number } | null;
  /** When the current build was last set (to a build or to unversioned workers); null: never. */
  currentChangedAt: Date | null;
  versions: VersionSummary[];
  conflictToken: Uint8Array | null;
}

const { WorkerDeploymentVersionStatus } = temporal.api.enums.v1;
const STATUS_NAMES: Record<number, VersionStatus> = {
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT]: 'current',
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING]: 'ramping',
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING]: 'draining',
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED]: 'drained',
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE]: 'inactive',
};

/** An operator's request the deployment refuses, with what to do; `code` for callers that retry. */
export class DeploymentError extends Error {
  constructor(
    message: string,
    readonly code: 'refused' | 'workers-still-polling' = 'refused',
  ) {
    super(message);
  }
}

function checkPart(kind: string, value: string): void {
  if (!DEPLOYMENT_PART.test(value)) throw new DeploymentError(`${kind} must be 1–64 letters, digits, '_' or '-': ${JSON.stringify(value)}`);
}

/** The deployment's routing and its builds; `null` when no worker of it has ever polled. */
export async function describeDeployment(client: Client, name: string): Promise<DeploymentState | null> {
  checkPart('deployment name', name);
  let response: temporal.api.workflowservice.v1.IDescribeWorkerDeploymentResponse;
  try {
    response = await client.workflowService.describeWorkerDeployment({ namespace: client.options.namespace, deploymentName: name });
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
  const info = response.workerDeploymentInfo;
  const routing = info?.routingConfig;
  const rampingBuild = routing?.rampingDeploymentVersion?.buildId;
  return {
    name,
    current: routing?.currentDeploymentVersion?.buildId || null,
    ramping: rampingBuild ? { buildId: rampingBuild, percentage: routing?.rampingVersionPercentage ?? 0 } : null,
    currentChangedAt: timestampToDate(routing?.currentVersionChangedTime),
    versions: (info?.versionSummaries ?? []).map((summary) => ({
      buildId: summary.deploymentVersion?.buildId ?? '',
      status: STATUS_NAMES[summary.status ?? 0] ?? 'inactive',
      createdAt: timestampToDate(summary.createTime),
    })),
    conflictToken: response.conflictToken ?? null,
  };
}

/** Pinned runs still open on a build: what keeps it from draining. */
export async function openPinnedRuns(client: Client, name: string, buildId: string): Promise<number> {
  checkPart('deployment name', name);
  checkPart('build id', buildId);
  const query = `TemporalWorkerDeploymentVersion = '${name}:${buildId}' AND TemporalWorkflowVersioningBehavior = 'Pinned' AND ExecutionStatus = 'Running'`;
  return (await client.workflow.count(query)).count;
}

/**
 * Makes `buildId` the build new runs start on. Its workers must be polling already (the
 * server refuses a build it has not seen). Runs pinned to the previous build stay there.
 */
export async function promote(client: Client, name: string, buildId: string, identity: string): Promise<void> {
  const state = await requireReadyBuild(client, name, buildId);
  await setCurrent(client, state, buildId, identity);
}

/** Routes new runs to `buildId`, refused if the deployment changed since `state` was read (its conflict token). */
async function setCurrent(client: Client, state: DeploymentState, buildId: string, identity: string): Promise<void> {
  await client.workflowService.setWorkerDeploymentCurrentVersion({
    namespace: client.options.namespace,
    deploymentName: state.name,
    buildId,
    identity,
    conflictToken: state.conflictToken ?? undefined,
  });
}

/**
 * Leaves Worker Versioning: new runs go to unversioned workers (start them first). Runs pinned
 * to a build stay on it, so keep its workers until `status` shows it drained; the limiter and
 * callbacks move to the unversioned workers (workflows/shared/versioning.ts).
 */
export async function routeToUnversioned(client: Client, name: string, identity: string): Promise<void> {
  const state = await describeDeployment(client, name);
  if (!state) throw new DeploymentError(`no worker deployment named ${name}: new runs already go to unversioned workers`);
  if (!state.current) throw new DeploymentError(`deployment ${name} has no current build: new runs already go to unversioned workers`);
  if (state.ramping) throw new DeploymentError(`${state.ramping.buildId} is ramping at ${state.ramping.percentage}% in ${name}: end the ramp first (ramp ${state.ramping.buildId} 0)`);
  await setCurrent(client, state, '', identity);
}

/** Sends `percentage` % of new runs to `buildId` (0 ends its ramp); the rest go to the current build. */
export async function ramp(client: Client, name: string, buildId: string, percentage: number, identity: string): Promise<void> {
  if (!Number.isInteger(percentage) || percentage < 0 || percentage > 100) throw new DeploymentError(`percentage must be a whole number 0–100, not ${percentage}`);
  const state = percentage === 0 ? await requireBuild(client, name, buildId) : await requireReadyBuild(client, name, buildId);
  if (state.current === buildId) throw new DeploymentError(`${buildId} is already the current build of ${name}`);
  if (percentage === 0 && state.ramping?.buildId !== buildId) {
    throw new DeploymentError(`${buildId} is not ramping in ${name} (${state.ramping ? `${state.ramping.buildId} is, at ${state.ramping.percentage}%` : 'no build is'}): nothing to end`);
  }
  await client.workflowService.setWorkerDeploymentRampingVersion({
    namespace: client.options.namespace,
    deploymentName: name,
    buildId: percentage === 0 ? '' : buildId,
    percentage,
    identity,
    conflictToken: state.conflictToken ?? undefined,
  });
}

/**
 * Deletes a drained build from the deployment. Refused while it is current or ramping, while
 * pinned runs are open on it, while the server still counts it as draining, or (by the
 * server) while its workers still poll.
 */
export async function retire(client: Client, name: string, buildId: string, identity: string): Promise<void> {
  const state = await requireBuild(client, name, buildId);
  const version = state.versions.find((v) => v.buildId === buildId);
  if (version?.status === 'current' || version?.status === 'ramping') {
    throw new DeploymentError(`${buildId} is ${version.status}: promote another build first`);
  }
  const open = await openPinnedRuns(client, name, buildId);
  if (open > 0) throw new DeploymentError(`${open} pinned run(s) are still open on ${buildId}: let them finish (see \`status\`)`);
  if (version?.status === 'draining') {
    throw new DeploymentError(`${buildId} is still draining (the server has not yet seen its last pinned run end): wait until \`status\` shows it drained`);
  }
  try {
    await client.workflowService.deleteWorkerDeploymentVersion({
      namespace: client.options.namespace,
      deploymentVersion: { deploymentName: name, buildId },
      identity,
    });
  } catch (error) {
    if (/poller/i.test(String((error as Error).message))) {
      throw new DeploymentError(`${buildId}'s workers are still polling (or polled within matching.PollerHistoryTTL): stop them, then retry`, 'workers-still-polling');
    }
    throw error;
  }
}

/**
 * A brand-new deployment has no current build, so its first runs would wait for an
 * unversioned worker. The first versioned worker therefore promotes its own build when, and
 * only when, no build has ever been made current: a deployment an operator routed back to
 * unversioned workers (`routeToUnversioned`) stays so. Later builds are promoted deliberately
 * (`promote`). Returns what it did, for the worker's log.
 */
export async function promoteIfNoCurrent(
  client: Client,
  name: string,
  buildId: string,
  identity: string,
  timeoutMs = 30_000,
): Promise<'promoted' | 'already-current' | 'other-current' | 'routed-to-unversioned'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await describeDeployment(client, name);
    if (state?.current) return state.current === buildId ? 'already-current' : 'other-current';
    if (state?.currentChangedAt) return 'routed-to-unversioned';
    if (state?.versions.some((v) => v.buildId === buildId)) {
      try {
        await setCurrent(client, state, buildId, identity);
        return 'promoted';
      } catch (error) {
        // Another worker of the same first build won the race: its conflict token was newer.
        if (Date.now() > deadline) throw error;
      }
    } else if (Date.now() > deadline) {
      throw new DeploymentError(`build ${buildId} did not appear in deployment ${name} within ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function requireBuild(client: Client, name: string, buildId: string): Promise<DeploymentState> {
  checkPart('build id', buildId);
  const state = await describeDeployment(client, name);
  if (!state) throw new DeploymentError(`no worker deployment named ${name} (no versioned worker has polled yet)`);
  if (!state.versions.some((v) => v.buildId === buildId)) {
    const known = state.versions.map((v) => v.buildId).join(', ') || 'none';
    throw new DeploymentError(`build ${buildId} is not in deployment ${name} (start its workers first); known builds: ${known}`);
  }
  return state;
}

/** The task queues (and their kinds: workflow, activity) a build's workers poll. */
export async function taskQueuesOf(client: Client, name: string, buildId: string): Promise<string[]> {
  const response = await client.workflowService.describeWorkerDeploymentVersion({
    namespace: client.options.namespace,
    deploymentVersion: { deploymentName: name, buildId },
  });
  return (response.workerDeploymentVersionInfo?.taskQueueInfos ?? []).map((queue) => `${queue.name} (${TASK_QUEUE_KINDS[queue.type ?? 0] ?? 'other'})`).sort();
}

const TASK_QUEUE_KINDS: Record<number, string> = { 1: 'workflow', 2: 'activity', 3: 'nexus' };

/**
 * The server refuses to route to a build that does not serve every task queue the current
 * build serves (those queues would become unversioned). A worker registers its workflow and
 * activity pollers a moment apart, so wait a little for the new build to catch up. A build
 * the deployment already lists can still be unknown to the version's own record for a moment
 * (NOT_FOUND): that is waited out too.
 */
async function requireReadyBuild(client: Client, name: string, buildId: string, timeoutMs = 15_000): Promise<DeploymentState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await requireBuild(client, name, buildId);
    if (!state.current || state.current === buildId) return state;
    let missing: string[];
    try {
      const [needed, served] = await Promise.all([taskQueuesOf(client, name, state.current), taskQueuesOf(client, name, buildId)]);
      missing = needed.filter((queue) => !served.includes(queue));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      missing = [`(build ${buildId} not yet described by the server)`];
    }
    if (missing.length === 0) return state;
    if (Date.now() > deadline) {
      throw new DeploymentError(`${buildId}'s workers do not poll ${missing.join(', ')}, which the current build ${state.current} serves: start them on those task queues first`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 5 /* grpc NOT_FOUND */;
}

function timestampToDate(timestamp: temporal.api.deployment.v1.WorkerDeploymentInfo.IWorkerDeploymentVersionSummary['createTime']): Date | null {
  if (!timestamp?.seconds) return null;
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1e6));
}
