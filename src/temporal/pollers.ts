import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describeDeployment } from './deployments';

const { TaskQueueType, WorkerVersioningMode } = temporal.api.enums.v1;

export interface WorkersPollingOptions {
  /**
   * The worker deployment the task queue's workers may belong to (config
   * WORKER_DEPLOYMENT_NAME). When it has a current build, new runs go to that build only, so
   * only its workers count; otherwise only unversioned workers do.
   */
  deploymentName?: string;
  /** A worker's long poll lasts up to a minute, and the server lists a poller for minutes after it died. */
  maxAgeMs?: number;
}

/**
 * Whether workers that new runs are routed to are taking work from `taskQueue`: a workflow
 * poller and an activity poller of the right build (see `deploymentName`) seen by the server
 * within `maxAgeMs`. Throws, naming what is missing and what to do, when not: /health reports
 * it as the `workers` check, and a versioned worker logs it at start.
 */
export async function requireWorkersPolling(client: Client, taskQueue: string, options: WorkersPollingOptions = {}): Promise<void> {
  const maxAgeMs = options.maxAgeMs ?? 90_000;
  const kinds = [['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW], ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]] as const;
  // One round trip's time, not three: /health gives its checks a second.
  const [deployment, ...described] = await Promise.all([
    options.deploymentName ? describeDeployment(client, options.deploymentName) : null,
    ...kinds.map(([, type]) => client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType: type })),
  ]);
  const current = deployment?.current ?? null;
  const within = `in the last ${Math.round(maxAgeMs / 1000)} s`;
  const now = Date.now();
  for (const [index, [kind]] of kinds.entries()) {
    const pollers = described[index]?.pollers;
    const recent = (pollers ?? []).filter((poller) => now - Number(poller.lastAccessTime?.seconds ?? 0) * 1000 <= maxAgeMs);
    if (recent.length === 0) throw new Error(`no ${kind} worker has polled task queue ${taskQueue} ${within}`);
    const versioned = (poller: (typeof recent)[number]) => poller.deploymentOptions?.workerVersioningMode === WorkerVersioningMode.WORKER_VERSIONING_MODE_VERSIONED;
    if (current) {
      const serving = recent.filter((poller) => versioned(poller) && poller.deploymentOptions?.deploymentName === deployment?.name && poller.deploymentOptions?.buildId === current);
      if (serving.length === 0) {
        throw new Error(
          `new runs go to build ${current}, the current build of deployment ${deployment?.name}, but none of its ${kind} workers has polled task queue ${taskQueue} ${within}: start its workers, or promote a build that has them (npm run deployment -- status)`,
        );
      }
    } else if (!recent.some((poller) => !versioned(poller))) {
      const builds = [...new Set(recent.map((poller) => `${poller.deploymentOptions?.deploymentName}:${poller.deploymentOptions?.buildId}`))].join(', ');
      throw new Error(
        `only versioned ${kind} workers (${builds}) poll task queue ${taskQueue}, and ${options.deploymentName ? `deployment ${options.deploymentName} has no current build` : 'no deployment was named'}: new runs wait for an unversioned worker until a build is promoted (npm run deployment -- promote <build>)`,
      );
    }
  }
}
