/**
 * The `workers` readiness check against the real dev server: no worker → refused with the
 * missing kind; an unversioned worker, or a versioned one, polling → passes; stopped → refused
 * again once its polls are older than the allowed age.
 */
import { Worker } from '@temporalio/worker';
import { requireWorkersPolling } from '../../src/temporal/pollers';
import { connectTemporal, eventually, type TemporalHarness, uniqueId } from '../support/harness';
import { testEnv } from '../support/env';

describe('requireWorkersPolling', () => {
  let temporal: TemporalHarness;
  beforeAll(async () => {
    temporal = await connectTemporal();
  });
  afterAll(() => temporal.close());

  async function pollingWorker(taskQueue: string, versioned: boolean) {
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowBundle: { codePath: testEnv('workflowBundle') },
      activities: { noop: async () => undefined },
      ...(versioned
        ? { workerDeploymentOptions: { version: { deploymentName: uniqueId('pollers').replace(/[^A-Za-z0-9_-]/g, '-'), buildId: 'b1' }, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' as const } }
        : {}),
    });
    return { worker, run: worker.run() };
  }

  it('refuses a task queue nobody polls, naming the kind', async () => {
    await expect(requireWorkersPolling(temporal.client, uniqueId('nobody'))).rejects.toThrow(/no workflow worker has polled task queue nobody-\S+ in the last 90 s/);
  });

  it.each([
    ['an unversioned worker', false],
    ['a versioned worker', true],
  ])('passes while %s polls, and fails once its polls are too old', async (_name, versioned) => {
    const taskQueue = uniqueId('pollers');
    const { worker, run } = await pollingWorker(taskQueue, versioned);
    try {
      await eventually(
        () => requireWorkersPolling(temporal.client, taskQueue).then(() => true, () => false),
        (ok) => ok,
        20_000,
      );
    } finally {
      worker.shutdown();
      await run;
    }
    // A poll older than the allowed age does not count.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expect(requireWorkersPolling(temporal.client, taskQueue, 1_000)).rejects.toThrow('no workflow worker');
  });
});
