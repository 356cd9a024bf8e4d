/** The Temporal worker process: workflows (prebuilt bundle) and activities. */
import { loadConfig } from '../config';
import { listeningPeopleDirectory } from '../identity/people-directory';
import { connectClient, connectWorker } from '../temporal/connection';
import { installTemporalRuntime } from '../temporal/runtime';
import { serveMetrics } from '../metrics/server';
import { checkSandboxReaches, createConfiguredSandbox, describeSandbox } from '../sandbox';
import { startWorkspaceSweep } from '../workspace/sweep';
import { requireTemporalAddress } from './require-temporal';
import { announceDeployment, createConfiguredLlm, createConfiguredWorker, openConfiguredDatabase } from './services';
import { processLogger } from './logging';
import { createLogger } from '../logger';
import { startTracing } from '../telemetry/tracing';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = processLogger(config, 'worker');
  // Before the client and the worker are made: they take its interceptors, sinks and bundle.
  const tracing = await startTracing(config.tracing, { role: 'worker' });
  if (tracing) log.info(`Tracing: spans to ${tracing.description}`);
  installTemporalRuntime({ logLevel: config.logLevel === 'debug' ? 'DEBUG' : 'INFO', log: log.child({ component: 'temporal-sdk' }), metricsBindAddress: config.metrics.temporalBindAddress });
  if (config.metrics.temporalBindAddress) log.info(`Temporal SDK metrics at http://${config.metrics.temporalBindAddress}/metrics`);
  const address = requireTemporalAddress(config, 'worker');
  // Before anything else: a worker that cannot confine agent commands does not start.
  const sandbox = createConfiguredSandbox(config.sandbox, (message) => log.warn(message));
  await checkSandboxReaches(sandbox, config.workspacesDir);
  log.info(`Sandbox: ${describeSandbox(sandbox)}`);
  const db = await openConfiguredDatabase(config, log);
  const llm = await createConfiguredLlm(config, log);
  const connection = await connectWorker(config.temporal, address);
  const client = await connectClient(config.temporal, address, tracing?.client); // the limiter's signals
  // Reviewer checks find people here: a cache the database's change notifications keep current.
  const people = await listeningPeopleDirectory(db);
  const { worker, version } = await createConfiguredWorker(config, { connection, db, llm: llm.llm, client, sandbox, people, tracing: tracing?.worker });
  const stopSweep = startWorkspaceSweep({ db: db.db, workspacesDir: config.workspacesDir, mirrorsDir: config.mirrorsDir, transferDir: config.transferDir, ttlMs: config.workspaceTtlHours * 3_600_000, log });
  const metrics = config.metrics.workerPort === undefined ? undefined : await serveMetrics({ host: config.metrics.workerHost, port: config.metrics.workerPort });
  if (metrics) log.info(`Worker metrics at ${metrics.url}`);
  log.info(`Worker polling ${config.temporal.taskQueue} on ${address} (${config.temporal.namespace})`);
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets activities finish.
  try {
    const running = worker.run();
    announceDeployment(client, version, config.temporal.taskQueue, log);
    await running;
  } finally {
    stopSweep();
    await metrics?.close();
    await connection.close();
    await client.connection.close();
    await llm.close();
    await people.close();
    await db.close();
    await tracing?.shutdown(); // last: what the shutdown itself traced is sent too
  }
}

main().catch((error: unknown) => {
  // One JSON line like every other (the configuration may be what failed, so not its logger).
  createLogger('error', 'worker').error('the worker could not start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
