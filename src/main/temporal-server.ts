/**
 * `npm run temporal:dev`: only the Temporal dev server (persisted under .data/, Web UI on),
 * for running the API and the worker as separate processes.
 */
import { loadConfig } from '../config';
import { localDevServerOptions, startDevServer } from '../temporal/dev-server';
import { processLogger } from './logging';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = processLogger(config, 'temporal');
  const server = await startDevServer(localDevServerOptions(config, (message) => log.info(message)));
  log.info(`Temporal ${server.origin} at ${server.address}; Web UI ${server.uiUrl ?? 'off'}. Ctrl-C stops it.`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
