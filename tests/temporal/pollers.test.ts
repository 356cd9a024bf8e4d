/**
 * The `workers` health check against the real dev server: no worker → refused with the
 * missing kind; an unversioned worker polling → passes; a versioned build counts only once it
 * is the deployment's current build (new runs go nowhere else), and only its own workers
 * count: a current build whose workers are gone is refused even while other workers poll.
 */
import { Worker } from '@temporalio/worker';
import { promoteIfNoCurrent } from '../../src/temporal/deployments';
import { requireWorkersPolling } from '../../src/temporal/pollers';
import { connectTemporal, eventually, type TemporalHarness, uniqueId } from '../support/harness';
import { testEnv } from '../support/env';

describe('requireWorkersPolling', () => {
  let temporal: TemporalHarness;
  beforeAll(async () => {
    temporal = await connectTemporal();
  });
  afterAll(() => temporal.close());

  async function pollingWorker(taskQueue: string, version?: { deploymentName: string; buildId: string }) {
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: testEnv('workflowBundle') },
      activities: { noop: async () => undefined },
      ...(version ? { workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'AUTO_UPGRADE' as const } } : {}),
    });
    const run = worker.run();
    return {
      stop: async () => {
        worker.shutdown();
        await run;
      },
    };
  }

  const outcome = (taskQueue: string, maxAgeMs?: number) =>
    requireWorkersPolling(temporal.client, taskQueue, maxAgeMs ? { maxAgeMs } : {}).then(
      () => 'ok',
      (error: Error) => error.message,
    );

  it('refuses a task queue nobody polls, naming the kind', async () => {
    await expect(requireWorkersPolling(temporal.client, uniqueId('nobody'))).rejects.toThrow(/no workflow worker has polled task queue nobody-\S+ in the last 90 s/);
  });

  it('passes while an unversioned worker polls, and fails once its polls are too old', async () => {
    const taskQueue = uniqueId('pollers');
    const worker = await pollingWorker(taskQueue);
    try {
      await eventually(() => outcome(taskQueue), (result) => result === 'ok', 20_000);
    } finally {
      await worker.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await outcome(taskQueue, 1_000)).toMatch('no workflow worker');
  });

  it('counts a versioned build only while it is current, and only its own workers', async () => {
    const taskQueue = uniqueId('pollers');
    const deploymentName = uniqueId('pollers').replace(/[^A-Za-z0-9_-]/g, '-');
    const v1 = await pollingWorker(taskQueue, { deploymentName, buildId: 'v1' });
    let unversioned: Awaited<ReturnType<typeof pollingWorker>> | undefined;
    try {
      // Polling, but not current: new runs would wait for an unversioned worker.
      expect(await eventually(() => outcome(taskQueue), (result) => result !== 'ok' && !result.startsWith('no '), 20_000)).toMatch(
        `new runs go to unversioned workers (current: task queue ${taskQueue} has no versioned build there), but only versioned workflow workers (${deploymentName}:v1) polled it`,
      );
      expect(await promoteIfNoCurrent(temporal.client, deploymentName, 'v1', 'pollers test')).toBe('promoted');
      expect(await eventually(() => outcome(taskQueue), (result) => result === 'ok', 10_000)).toBe('ok');
      // The current build's workers leave; an unversioned one polls: new runs still go to v1.
      // (An idle poll is listed with the time it began, so ages here stay within a fresh worker's first polls.)
      await v1.stop();
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      unversioned = await pollingWorker(taskQueue);
      // Fresh polls of the unversioned worker only: not "no worker", but not v1's either.
      const routedWorker = await eventually(() => outcome(taskQueue, 3_000), (result) => !result.startsWith('no workflow worker'), 20_000);
      expect(routedWorker).toMatch(`new runs go to build v1 of deployment ${deploymentName} (current), but none of its workflow workers has polled task queue ${taskQueue}`);
    } finally {
      await unversioned?.stop();
      await v1.stop().catch(() => undefined);
    }
  });
});
