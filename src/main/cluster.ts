/**
 * `npm run cluster`: the production-shaped topology on one machine. A Temporal cluster built
 * from source on PostgreSQL — frontend, history, matching and the internal worker as separate
 * processes, 4 history shards — then M API processes and N worker processes of ours against
 * it and the orchestrator's own PostgreSQL database. Prints every address; Ctrl-C stops all.
 *
 *   npm run cluster -- [--apis 2] [--workers 2] [--workspace-workers 2] [--temporal-port 7233] [--api-port 3000] [--ui-port 8233] [--no-ui]
 *
 * Workers come in two pools (README "Worker pools"): orchestration workers hold the database,
 * the model key and the code-host token; workspace workers run the repository work with none
 * of them. `--workspace-workers 0` leaves the repository work to the orchestration workers.
 *
 * Environment: CLUSTER_TEMPORAL_DATABASE_URL (the PostgreSQL server holding Temporal's own
 * databases, default postgres://postgres@127.0.0.1:5432), CLUSTER_TEMPORAL_DATABASE_PREFIX
 * (`temporal`: databases `temporal` and `temporal_visibility`), DATABASE_URL (the
 * orchestrator's, default …/agent_orchestrator), and everything the API and worker read.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { clusterDatabaseFrom } from '../cluster/temporal-cluster';
import { startTopology } from '../cluster/topology';
import { DEV_ORGANIZATION_ID, DEV_REVIEWER } from './local-organization';

const PROJECT_ROOT_DIR = path.resolve(__dirname, '../..');
const log = (message: string) => process.stderr.write(`[cluster] ${message}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      apis: { type: 'string', default: process.env.CLUSTER_APIS ?? '2' },
      workers: { type: 'string', default: process.env.CLUSTER_WORKERS ?? '2' },
      'workspace-workers': { type: 'string', default: process.env.CLUSTER_WORKSPACE_WORKERS ?? '2' },
      'temporal-port': { type: 'string', default: process.env.CLUSTER_TEMPORAL_PORT ?? '7233' },
      'api-port': { type: 'string', default: process.env.CLUSTER_API_PORT ?? '3000' },
      'ui-port': { type: 'string', default: process.env.CLUSTER_UI_PORT ?? '8233' },
      'no-ui': { type: 'boolean', default: false },
    },
  });
  const count = (name: string, value: string, max: number, min = 1) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max} (got ${value})`);
    return n;
  };
  const apis = count('apis', values.apis, 8);
  const workers = count('workers', values.workers, 8);
  const workspaceWorkers = count('workspace-workers', values['workspace-workers'], 8, 0);
  // Temporal stores membership ports (ours: the service port − 300) in a smallint column.
  const temporalPort = count('temporal-port', values['temporal-port'], 32_000);
  const apiPort = count('api-port', values['api-port'], 65_000);
  const uiPort = values['no-ui'] ? undefined : count('ui-port', values['ui-port'], 65_000);

  const workDir = path.join(PROJECT_ROOT_DIR, '.data', 'cluster');
  const temporalDatabase = clusterDatabaseFrom(process.env.CLUSTER_TEMPORAL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432', process.env.CLUSTER_TEMPORAL_DATABASE_PREFIX ?? 'temporal');
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/agent_orchestrator';

  let stopTopology: (() => Promise<void>) | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping everything…');
    await stopTopology?.();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    const topology = await startTopology({
      projectRoot: PROJECT_ROOT_DIR,
      workDir,
      temporalDatabase,
      databaseUrl,
      temporalPort,
      apiPorts: Array.from({ length: apis }, (_, i) => apiPort + i),
      workers,
      workspaceWorkers,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      ...(uiPort === undefined ? {} : { webUiPort: uiPort }),
      log,
    });
    stopTopology = () => topology.supervisor.stopAll();
    const { address, apiUrls, apiKey } = topology;
    process.stdout.write(
      [
        '',
        'Production-shaped topology is up.',
        `  Temporal      ${address} (frontend; history :${temporalPort + 1}, matching :${temporalPort + 2}, worker :${temporalPort + 6}), 4 history shards,`,
        `                PostgreSQL databases ${temporalDatabase.prefix} and ${temporalDatabase.prefix}_visibility on ${temporalDatabase.host}:${temporalDatabase.port}`,
        ...(topology.webUiUrl
          ? [`  Temporal UI   ${topology.webUiUrl}   (issues: ${topology.webUiUrl}/namespaces/${process.env.TEMPORAL_NAMESPACE ?? 'default'}/workflows)`]
          : [
              `  Temporal UI   ${uiPort === undefined ? 'not started (--no-ui)' : `not available: ${topology.webUiProblem ?? 'unknown'}`};`,
              `                browse with the CLI: temporal workflow list --address ${address}`,
            ]),
        ...apiUrls.map((url, i) => `  API ${i + 1}         ${url}   (health: ${url}/health)`),
        `  Workers       ${workers} orchestration (task queue ${process.env.TEMPORAL_TASK_QUEUE ?? 'agent-orchestrator'})`,
        workspaceWorkers > 0
          ? `                ${workspaceWorkers} workspace, no secrets (task queue ${process.env.WORKSPACE_TASK_QUEUE ?? `${process.env.TEMPORAL_TASK_QUEUE ?? 'agent-orchestrator'}-workspace`}, one workspaces directory each)`
          : '                no workspace workers: the orchestration workers do the repository work',
        `  Database      ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
        `  API key       ${apiKey}   (organization "${DEV_ORGANIZATION_ID}", reviewer "${DEV_REVIEWER}", also in ${path.relative(PROJECT_ROOT_DIR, path.join(workDir, 'api-key'))})`,
        `  Logs          ${path.relative(PROJECT_ROOT_DIR, topology.logDir)}/<process>.log`,
        '',
        'Ctrl-C stops everything.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    await stop(1);
  }
}

void main();
