/**
 * `npm run demo`: the offline walkthrough. Starts Temporal (the embedded dev server unless
 * TEMPORAL_ADDRESS is set) and Postgres (PGlite unless DATABASE_URL is set), then has the
 * real pipeline fix the bug in examples/invoice-service with RECORDED model replies, and
 * prints the pull request: branch, diff, tests failing then passing, cost.
 */
import path from 'node:path';
import { checkSandboxReaches, createConfiguredSandbox } from '../sandbox';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../config';
import { migrateDatabase } from '../db/client';
import { formatDemoReport, runDemo } from '../demo/run-demo';
import { connectClient, connectWorker } from '../temporal/connection';
import { localDevServerOptions, startDevServer } from '../temporal/dev-server';
import { openConfiguredDatabase } from './services';
import { processLogger } from './logging';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = processLogger(config, 'demo', 'pretty');
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  process.stdout.write('Offline demo: the model responses are RECORDED (examples/invoice-service.recorded-claude.json), not Claude.\n\n');

  const server = config.temporal.address ? undefined : await startDevServer(localDevServerOptions(config, (m) => log.info(m)));
  const address = config.temporal.address ?? (server?.address as string);
  const db = await openConfiguredDatabase(config, log);
  try {
    await migrateDatabase(db);
    const client = await connectClient(config.temporal, address);
    const connection = await connectWorker(config.temporal, address);
    try {
      const sandbox = createConfiguredSandbox(config.sandbox, (message) => log.warn(message));
      await checkSandboxReaches(sandbox, path.join(config.dataDir, 'demo', 'workspaces'));
      const result = await runDemo({
        temporal: { client, connection, namespace: config.temporal.namespace },
        db,
        workDir: path.join(config.dataDir, 'demo'),
        sandbox,
        log: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(formatDemoReport(result));
      if (config.temporal.uiUrl) process.stdout.write(`See the run in the Temporal Web UI: ${config.temporal.uiUrl}\n`);
      process.exitCode = result.status === 'completed' ? 0 : 1;
    } finally {
      await connection.close();
      await client.connection.close();
    }
  } finally {
    await db.close();
    await server?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
