/**
 * One worker cold start, in a fresh process: from process start to the first completed
 * workflow task, with a prebuilt bundle. `orchestrator` loads our activities (DB, Claude
 * client) and runs IssueWorkflow; `hello` is a bare worker with a one-step workflow.
 * Prints `{"ms": …}`.
 */
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  const mode = process.argv[2];
  const env = (name: string) => process.env[name] as string;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const address = env('TEMPORAL_ADDRESS');
  const taskQueue = env('TASK_QUEUE');
  let activities: object;
  let closeDb = async () => undefined as unknown;
  if (mode === 'orchestrator') {
    const { createActivities } = await import('../activities');
    const { openDatabase } = await import('../src/db/client');
    const { createAnthropicClient } = await import('../src/llm/anthropic');
    const { bestAvailableSandbox: benchSandbox } = await import('../src/sandbox');
    const db = await openDatabase({ url: env('DATABASE_URL'), pgliteDir: '' });
    closeDb = () => db.close();
    activities = createActivities({
      db: db.db,
      llm: createAnthropicClient({ apiKey: undefined, baseUrl: env('FAKE_URL'), timeoutMs: 10_000 }),
      models: { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-6', large: 'claude-opus-4-6' },
      maxOutputTokens: 1024,
      workspacesDir: '/tmp/bench-workspaces',
      mirrorsDir: '/tmp/bench-git-mirrors',
      sandbox: benchSandbox(),
      github: { token: undefined, apiUrl: 'https://api.github.com' },
      publicBaseUrl: 'http://localhost',
    });
  } else {
    activities = { noop: async () => undefined };
  }
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, namespace: 'default', taskQueue, activities, workflowBundle: { codePath: env('BUNDLE_PATH') } });
  const client = new Client({ connection: await Connection.connect({ address }) });
  const running = worker.run();
  const handle =
    mode === 'orchestrator'
      ? await client.workflow.start('issueWorkflow', { taskQueue, workflowId: `cold-${taskQueue}`, args: [JSON.parse(env('WORKFLOW_INPUT'))] })
      : await client.workflow.start('helloWorkflow', { taskQueue, workflowId: `cold-${taskQueue}` });
  for (;;) {
    const { events } = await handle.fetchHistory();
    if (events?.some((event) => event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const ms = performance.now();
  process.stdout.write(`${JSON.stringify({ ms })}\n`);
  await handle.terminate('cold start measured').catch(() => undefined);
  worker.shutdown();
  await running;
  await closeDb();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
