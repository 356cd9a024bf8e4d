import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const { TaskQueueType } = temporal.api.enums.v1;

/**
 * Whether workers are taking work from `taskQueue`: a workflow poller and an activity poller
 * seen by the server within `maxAgeMs` (a worker's long poll lasts up to a minute, and the
 * server keeps a poller listed for minutes after it died, hence the age). Throws, naming what is
 * missing, when not: /ready and /health report it as the `workers` check.
 */
export async function requireWorkersPolling(client: Client, taskQueue: string, maxAgeMs = 90_000): Promise<void> {
  const now = Date.now();
  for (const [kind, type] of [['workflow', TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW], ['activity', TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]] as const) {
    const { pollers } = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType: type });
    const recent = (pollers ?? []).filter((poller) => now - Number(poller.lastAccessTime?.seconds ?? 0) * 1000 <= maxAgeMs);
    if (recent.length === 0) throw new Error(`no ${kind} worker has polled task queue ${taskQueue} in the last ${Math.round(maxAgeMs / 1000)} s`);
  }
}
