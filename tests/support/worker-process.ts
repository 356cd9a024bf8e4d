/**
 * A worker in a child process, so a test can kill it with SIGKILL mid-activity — a real
 * crash, not a graceful shutdown. Configured by the environment the test passes.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { serveMetrics } from '../../src/metrics/server';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { createLogger } from '../../src/logger';
import { createActivities } from '../../activities';
import { testWorkspaceDeps } from './harness';
import { openDatabase } from '../../src/db/client';
import { createAnthropicClient } from '../../src/llm/anthropic';
import { MODELS } from './pipeline';

async function main(): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  // As src/main/worker.ts: the SDK's metrics (TEMPORAL_METRICS_BIND_ADDRESS) and ours (WORKER_METRICS_PORT) when asked.
  installTemporalRuntime({ logLevel: 'ERROR', log: createLogger('error', 'test-worker'), metricsBindAddress: process.env.TEMPORAL_METRICS_BIND_ADDRESS });
  const metrics = process.env.WORKER_METRICS_PORT ? await serveMetrics({ host: '127.0.0.1', port: Number(process.env.WORKER_METRICS_PORT) }) : undefined;
  const db = await openDatabase({ url: env('TEST_DATABASE_URL'), pgliteDir: '' });
  const llm = createAnthropicClient({ apiKey: 'sk-test', baseUrl: env('FAKE_ANTHROPIC_URL'), timeoutMs: 120_000 });
  const connection = await NativeConnection.connect({ address: env('TEST_TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: env('TASK_QUEUE'),
    activities: createActivities({ db: db.db, llm, models: MODELS, maxOutputTokens: 1024, ...testWorkspaceDeps(process.env.GITHUB_API_URL) }),
    workflowBundle: { codePath: env('TEST_WORKFLOW_BUNDLE') },
    // After the crash, the survivor should get the workflow task quickly.
    stickyQueueScheduleToStartTimeout: '1 second',
    maxHeartbeatThrottleInterval: '1 second',
  });
  process.stdout.write('worker ready\n');
  await worker.run();
  await metrics?.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
