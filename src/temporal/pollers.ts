import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const { TaskQueueType, WorkerVersioningMode } = temporal.api.enums.v1;

type Poller = temporal.api.taskqueue.v1.IPollerInfo;
type Version = temporal.api.deployment.v1.IWorkerDeploymentVersion | null | undefined;

/** Where the task queue sends new runs: a build of a worker deployment, or unversioned workers (null). */
interface Target {
  build: { deploymentName: string; buildId: string } | null;
  /** How it gets them, for the message: `current`, or `ramping N%`. */
  role: string;
}

const versioned = (poller: Poller) => poller.deploymentOptions?.workerVersioningMode === WorkerVersioningMode.WORKER_VERSIONING_MODE_VERSIONED;
const buildOf = (version: Version) => (version?.buildId ? { deploymentName: version.deploymentName ?? '', buildId: version.buildId } : null);
const serves = (target: Target) => (poller: Poller) =>
  target.build === null
    ? !versioned(poller)
    : versioned(poller) && poller.deploymentOptions?.deploymentName === target.build.deploymentName && poller.deploymentOptions?.buildId === target.build.buildId;

/**
 * Whether the workers new runs are routed to are taking work from `taskQueue`: for the
 * workflow and the activity side each, a poller seen by the server within `maxAgeMs` of the
 * task queue's current build (Worker Versioning; unversioned workers when it has none) and of
 * its ramping build while a ramp sends it a share. The routing comes from the same
 * describeTaskQueue answers as the pollers: two calls, made at once, which /health's
 * one-second budget allows. Throws, naming what is missing and what to do, when not: /health
 * reports it as the `workers` check, and a versioned worker logs it when it is not current.
 *
 * A worker's long poll lasts up to a minute and is listed with the time it began, and the
 * server lists a poller for minutes after it died: hence the default age of 90 s.
 */
export async function requireWorkersPolling(client: Client, taskQueue: string, options: { maxAgeMs?: number } = {}): Promise<void> {
  const maxAgeMs = options.maxAgeMs ?? 90_000;
  const kinds = [['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW], ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]] as const;
  const described = await Promise.all(
    kinds.map(([, type]) => client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType: type })),
  );
  const routing = described[0]?.versioningInfo;
  const targets: Target[] = [{ build: buildOf(routing?.currentDeploymentVersion), role: 'current' }];
  const rampPercentage = routing?.rampingVersionPercentage ?? 0;
  if (rampPercentage > 0) targets.push({ build: buildOf(routing?.rampingDeploymentVersion), role: `ramping ${rampPercentage}%` });
  const within = `in the last ${Math.round(maxAgeMs / 1000)} s`;
  const now = Date.now();
  for (const [index, [kind]] of kinds.entries()) {
    const recent = (described[index]?.pollers ?? []).filter((poller) => now - Number(poller.lastAccessTime?.seconds ?? 0) * 1000 <= maxAgeMs);
    if (recent.length === 0) throw new Error(`no ${kind} worker has polled task queue ${taskQueue} ${within}`);
    for (const target of targets) {
      if (recent.some(serves(target))) continue;
      if (target.build === null) {
        const builds = [...new Set(recent.map((poller) => `${poller.deploymentOptions?.deploymentName}:${poller.deploymentOptions?.buildId}`))].join(', ');
        throw new Error(
          `new runs go to unversioned workers (${target.role}: task queue ${taskQueue} has no versioned build there), but only versioned ${kind} workers (${builds}) polled it ${within}: promote a build (npm run deployment -- promote <build>) or start unversioned workers`,
        );
      }
      const { deploymentName, buildId } = target.build;
      throw new Error(
        `new runs go to build ${buildId} of deployment ${deploymentName} (${target.role}), but none of its ${kind} workers has polled task queue ${taskQueue} ${within}: start its workers, or route to a build that has them (npm run deployment -- status)`,
      );
    }
  }
}

/**
 * Whether each of `taskQueues` (the workspace pools: README "Worker pools") has an activity
 * worker that polled it within `maxAgeMs`. Pools are unversioned, so any poller counts. Throws
 * naming the queues without one: their issues wait (and say so) until a worker starts.
 */
export async function requireActivityPollers(client: Client, taskQueues: string[], options: { maxAgeMs?: number } = {}): Promise<void> {
  const maxAgeMs = options.maxAgeMs ?? 90_000;
  const now = Date.now();
  const described = await Promise.all(
    taskQueues.map((name) => client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name }, taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY })),
  );
  const idle = taskQueues.filter((_, index) => !(described[index]?.pollers ?? []).some((poller) => now - Number(poller.lastAccessTime?.seconds ?? 0) * 1000 <= maxAgeMs));
  if (idle.length > 0) throw new Error(`no workspace worker has polled ${idle.join(', ')} in the last ${Math.round(maxAgeMs / 1000)} s: issues routed there wait until one starts`);
}
