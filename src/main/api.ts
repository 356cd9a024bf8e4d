/** The HTTP API process. */
import { serve } from '@hono/node-server';
import { loadConfig } from '../config';
import { listeningPeopleDirectory } from '../identity/people-directory';
import { listeningPrincipalCache } from '../identity/principal-cache';
import { connectClient } from '../temporal/connection';
import { requireTemporalAddress } from './require-temporal';
import { startRecoverySweep } from './recovery';
import { createConfiguredApp, createConfiguredServices, openConfiguredDatabase } from './services';
import { processLogger } from './logging';
import { createLogger } from '../logger';
import { startTracing } from '../telemetry/tracing';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = processLogger(config, 'api');
  // Before the client and the app are made: they take its interceptors and its middleware.
  const tracing = await startTracing(config.tracing, { role: 'api' });
  if (tracing) log.info(`Tracing: spans to ${tracing.description}`);
  const address = requireTemporalAddress(config, 'api');
  const db = await openConfiguredDatabase(config, log);
  const client = await connectClient(config.temporal, address, tracing?.client);
  const principals = await listeningPrincipalCache(db);
  const people = await listeningPeopleDirectory(db);
  const services = createConfiguredServices(config, { client, db, principals, people });
  const app = createConfiguredApp(config, { client, db, log }, services);
  const stopRecovery = startRecoverySweep({ ...services, db: db.db }, log);
  const server = serve({ fetch: app.fetch, port: config.http.port, hostname: config.http.host }, (info) =>
    log.info(`API listening on http://${info.address}:${info.port}`),
  );
  const stop = () => {
    stopRecovery();
    server.close(() => {
      void Promise.all([client.connection.close(), Promise.all([principals.close(), people.close()]).then(() => db.close()), tracing?.shutdown()]).then(() => process.exit(0));
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // One JSON line like every other (the configuration may be what failed, so not its logger).
  createLogger('error', 'api').error('the API could not start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
