import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { type NativeConnection, Worker } from '@temporalio/worker';
import { createWorkspaceHostActivities, type WorkspaceHostDeps } from '../../activities/workspace-host';
import { activityLogContext } from './log-context';

/**
 * A workspace worker's Temporal workers (README "Worker pools"): one per pool queue it serves,
 * and one on its own host queue, which the issues whose workspace it opened send their next
 * calls to. Activities only: no workflow runs here, and nothing here can reach the database,
 * the model or the code host.
 */

/** This process's own queue: new on every start, so a restarted host is told apart from a live one. */
export function hostQueueName(poolQueue: string): string {
  const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 60) || 'host';
  return `${poolQueue}-host-${host}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

export interface WorkspaceWorkers {
  hostQueue: string;
  queues: string[];
  /** Runs every worker until shutdown (SIGINT/SIGTERM, or `shutdown()`). */
  run(): Promise<void>;
  shutdown(): void;
}

export async function createWorkspaceWorkers(options: {
  connection: NativeConnection;
  namespace: string;
  /** The pool queues this worker serves (its capabilities', or the default pool's). */
  queues: string[];
  hostQueue: string;
  deps: Omit<WorkspaceHostDeps, 'hostQueue'>;
  /** Tool calls and tests at once on this host (each command is a sandboxed process). */
  maxConcurrentActivities?: number;
}): Promise<WorkspaceWorkers> {
  const activities = createWorkspaceHostActivities({ ...options.deps, hostQueue: options.hostQueue });
  const workers = await Promise.all(
    [...options.queues, options.hostQueue].map((taskQueue) =>
      Worker.create({
        connection: options.connection,
        namespace: options.namespace,
        taskQueue,
        activities,
        interceptors: { activity: [activityLogContext] },
        maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 20,
        shutdownGraceTime: '10 seconds',
        maxHeartbeatThrottleInterval: '2 seconds',
      }),
    ),
  );
  return {
    hostQueue: options.hostQueue,
    queues: options.queues,
    run: async () => {
      await Promise.all(workers.map((worker) => worker.run()));
    },
    shutdown: () => {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    },
  };
}
