import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DEV_SERVER_DYNAMIC_CONFIG, startDevServer } from '../src/temporal/dev-server';

/**
 * Temporal's own floor as we run it: sequential no-op activity steps on a fresh in-memory dev
 * server, once as the CLI ships it and once with DEV_SERVER_DYNAMIC_CONFIG (the history
 * queues' read-rate limits lifted, eager activity dispatch on). The first workflow is left out: it runs on the limiter's
 * initial burst and hides the steady state.
 */

/** The server's own defaults for the keys we change (temporalio/temporal dynamicconfig). */
const STOCK: Record<string, unknown> = {
  'history.transferProcessorMaxPollRPS': 20,
  'history.timerProcessorMaxPollRPS': 20,
  'history.visibilityProcessorMaxPollRPS': 20,
  'system.enableActivityEagerExecution': false,
};
for (const key of Object.keys(DEV_SERVER_DYNAMIC_CONFIG)) {
  if (!(key in STOCK)) throw new Error(`bench/dev-server-floor.ts: no stock value for ${key}`);
}

export interface StepFloor {
  msPerStep: number;
  runs: number;
  stepsPerRun: number;
}

export async function measureStepFloor(options: { stock: boolean; runs: number; bareBundlePath: string; cliPath?: string; cacheDir: string }): Promise<StepFloor> {
  const stepsPerRun = 11;
  const server = await startDevServer({
    port: 0,
    uiPort: null,
    namespace: 'default',
    cacheDir: options.cacheDir,
    ...(options.cliPath ? { cliPath: options.cliPath } : {}),
    dynamicConfig: options.stock ? STOCK : {},
  });
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const worker = await Worker.create({
      connection: native,
      taskQueue: 'floor',
      activities: { noop: async () => undefined },
      workflowBundle: { codePath: options.bareBundlePath },
    });
    const running = worker.run();
    const times: number[] = [];
    for (let i = 0; i <= options.runs; i++) {
      const started = performance.now();
      await client.workflow.execute('bareStepsWorkflow', { taskQueue: 'floor', workflowId: `floor-${i}`, args: [stepsPerRun] });
      if (i > 0) times.push(performance.now() - started);
    }
    worker.shutdown();
    await running;
    return { msPerStep: times.reduce((sum, t) => sum + t, 0) / times.length / stepsPerRun, runs: options.runs, stepsPerRun };
  } finally {
    await native.close();
    await connection.close();
    await server.stop();
  }
}

export const floorCacheDir = (root: string) => path.join(root, '.data', 'bin');
