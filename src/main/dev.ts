/**
 * `npm run dev`: the whole system in one process on embedded defaults.
 *
 * Starts (or reuses) the Temporal dev server with a persisted SQLite file and the Web UI,
 * opens Postgres (DATABASE_URL) or embedded PGlite, applies migrations, seeds a local
 * organization and API key, starts the worker and the HTTP API, and prints where they are.
 * Ctrl-C stops everything it started, the Temporal server included.
 */
import { startRecoverySweep } from './recovery';
import { checkSandboxReaches, createConfiguredSandbox, describeSandbox } from '../sandbox';
import { startWorkspaceSweep } from '../workspace/sweep';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { installTemporalRuntime } from '../temporal/runtime';
import { serveMetrics } from '../metrics/server';
import { loadConfig } from '../config';
import { migrateDatabase } from '../db/client';
import { connectDevErp, DEV_ORGANIZATION_ID, DEV_REVIEWER, ensureDevApiKey } from './local-organization';
import { startFakeErp } from '../fakes/fake-erp';
import { listeningPeopleDirectory } from '../identity/people-directory';
import { listeningPrincipalCache } from '../identity/principal-cache';
import { connectClient, connectWorker } from '../temporal/connection';
import { type DevServer, localDevServerOptions, startDevServer } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { PROJECT_SEARCH_ATTRIBUTES } from '../temporal/dev-server';
import { processLogger } from './logging';
import { startTracing } from '../telemetry/tracing';
import {
  createConfiguredApp,
  createConfiguredServices,
  createConfiguredLlm,
  announceDeployment,
  createConfiguredWorker,
  openConfiguredDatabase,
} from './services';


async function main(): Promise<void> {
  const config = loadConfig();
  const log = processLogger(config, 'dev', 'pretty');
  // shutdownSignals: [] — this process orders the shutdown itself (API, worker, then server).
  installTemporalRuntime({ logLevel: config.logLevel === 'debug' ? 'DEBUG' : 'WARN', log: log.child({ component: 'temporal-sdk' }), metricsBindAddress: config.metrics.temporalBindAddress, handleSignals: false });
  const cleanups: Array<() => Promise<unknown>> = [];
  let stopping = false;

  async function shutdown(code: number): Promise<never> {
    if (!stopping) {
      stopping = true;
      log.info('Shutting down…');
      for (const cleanup of cleanups.reverse()) {
        await cleanup().catch((error: unknown) => log.warn('cleanup failed', { error }));
      }
    }
    process.exit(code);
  }
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    // Before the clients, worker and app are made: they take its interceptors, sinks, bundle and middleware.
    const tracing = await startTracing(config.tracing, { role: 'dev' });
    if (tracing) {
      cleanups.push(() => tracing.shutdown()); // runs last: cleanups run in reverse
      log.info(`Tracing: spans to ${tracing.description}`);
    }
    // First: without a working sandbox (and no SANDBOX=off) nothing starts.
    const sandbox = createConfiguredSandbox(config.sandbox, (message) => log.warn(message));
    await checkSandboxReaches(sandbox, config.workspacesDir);
    let address = config.temporal.address;
    let devServer: DevServer | undefined;
    if (!address) {
      devServer = await startDevServer(localDevServerOptions(config, (message) => log.info(message)));
      cleanups.push(() => (devServer as DevServer).stop());
      address = devServer.address;
      log.info(`Temporal dev server ${devServer.origin} at ${address}${devServer.cli ? ` (${devServer.cli.path})` : ''}`);
    } else {
      await ensureSearchAttributes(address, config.temporal.namespace, PROJECT_SEARCH_ATTRIBUTES).catch((error: unknown) =>
        log.warn(String(error)),
      );
    }

    const db = await openConfiguredDatabase(config, log);
    cleanups.push(() => db.close());
    await migrateDatabase(db);
    log.info('Migrations applied');
    const apiKey = await ensureDevApiKey(db.db, path.join(config.dataDir, 'dev-api-key'), 'dev (npm run dev)');

    const llm = await createConfiguredLlm(config, log);
    cleanups.push(() => llm.close());
    // Offline, the ERP is faked too (in memory, gone at exit): skills and builders have one to use.
    let fakeErpUrl: string | undefined;
    if (config.llm.mode === 'fake') {
      const erp = await startFakeErp();
      if (await connectDevErp(db.db, erp)) {
        fakeErpUrl = erp.apiUrl;
        cleanups.push(() => erp.close());
      } else {
        await erp.close();
      }
    }

    const client = await connectClient(config.temporal, address, tracing?.client);
    cleanups.push(() => client.connection.close());
    const workerConnection = await connectWorker(config.temporal, address);
    cleanups.push(() => workerConnection.close());
    // The worker's reviewer checks and the API's acting person, from one notification-fed cache.
    const people = await listeningPeopleDirectory(db);
    cleanups.push(() => people.close());
    const { worker, version } = await createConfiguredWorker(config, { connection: workerConnection, db, llm: llm.llm, client, sandbox, people, tracing: tracing?.worker });
    const stopSweep = startWorkspaceSweep({ db: db.db, workspacesDir: config.workspacesDir, mirrorsDir: config.mirrorsDir, transferDir: config.transferDir, ttlMs: config.workspaceTtlHours * 3_600_000, log });
    cleanups.push(async () => stopSweep());
    const workerRun = worker.run();
    announceDeployment(client, version, config.temporal.taskQueue, log);
    if (config.metrics.workerPort !== undefined) {
      const metrics = await serveMetrics({ host: config.metrics.workerHost, port: config.metrics.workerPort });
      log.info(`Worker metrics at ${metrics.url}`);
      cleanups.push(() => metrics.close());
    }
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });
    workerRun.catch((error: unknown) => {
      log.error('worker stopped', { error });
      void shutdown(1);
    });

    const principals = await listeningPrincipalCache(db);
    cleanups.push(() => principals.close());
    const services = createConfiguredServices(config, { client, db, principals, people });
    const app = createConfiguredApp(config, { client, db, log }, services);
    const stopRecovery = startRecoverySweep({ ...services, db: db.db }, log);
    cleanups.push(async () => stopRecovery());
    const server = serve({ fetch: app.fetch, port: config.http.port, hostname: config.http.host });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });

    const apiUrl = `http://${config.http.host}:${config.http.port}`;
    process.stdout.write(
      [
        '',
        'Agent orchestrator is up.',
        `  API          ${apiUrl}   (health: ${apiUrl}/health)`,
        `  Console      ${apiUrl}/console   (sign in with a personal key: npm run admin -- key:create … --scopes review --reviewer <you>)`,
        `  Temporal UI  ${config.temporal.uiUrl ?? '(not available for this server)'}`,
        `  Temporal     ${address}, namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
        `  Database     ${db.driver} (${db.location})`,
        ...(fakeErpUrl ? [`  ERP          FAKE (in memory, for the local organization) at ${fakeErpUrl}`] : []),
        `  Sandbox      ${describeSandbox(sandbox)}`,
        `  Model        ${config.llm.mode === 'fake' ? 'FAKE (recorded replies, no Claude calls)' : `Claude (${config.llm.models.small} / ${config.llm.models.medium} / ${config.llm.models.large})`}`,
        `  API key      ${apiKey}   (organization "${DEV_ORGANIZATION_ID}", also in ${path.join(config.dataDir, 'dev-api-key')})`,
        '',
        'Try:',
        `  curl -s -X POST ${apiUrl}/api/issues -H "Authorization: Bearer ${apiKey}" -H 'Content-Type: application/json' \\`,
        `    -d '{"type":"bug","priority":"high","title":"Invoice totals are off by one cent","description":"Rounding error on multi-line invoices","externalId":"ERP-1"}'`,
        `  # when it waits for approval (status awaiting_approval), approve as reviewer "${DEV_REVIEWER}":`,
        `  curl -s -X POST ${apiUrl}/api/issues/<id>/approval -H "Authorization: Bearer ${apiKey}" -H 'Content-Type: application/json' \\`,
        `    -d '{"decision":"approve","reviewer":"${DEV_REVIEWER}"}'`,
        '  # run a skill (the five shipped skills and the persona "operations-assistant" are installed):',
        `  curl -s -X POST ${apiUrl}/api/skills/client-analyzer/invoke -H "Authorization: Bearer ${apiKey}" -H 'Content-Type: application/json' \\`,
        `    -d '{"persona":"operations-assistant","input":{"clientId":"c1"}}'`,
        '',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error));
    await shutdown(1);
  }
}

void main();
