/**
 * `npm run cluster`: the production-shaped topology on one machine. A Temporal cluster built
 * from source on PostgreSQL — frontend, history, matching and the internal worker as separate
 * processes, 4 history shards — then M API processes and N worker processes of ours against
 * it and the orchestrator's own PostgreSQL database. Prints every address; Ctrl-C stops all.
 *
 *   npm run cluster -- [--apis 2] [--workers 2] [--temporal-port 7233] [--api-port 3000]
 *
 * Environment: CLUSTER_TEMPORAL_DATABASE_URL (the PostgreSQL server holding Temporal's own
 * databases, default postgres://postgres@127.0.0.1:5432), CLUSTER_TEMPORAL_DATABASE_PREFIX
 * (`temporal`: databases `temporal` and `temporal_visibility`), DATABASE_URL (the
 * orchestrator's, default …/agent_orchestrator), and everything the API and worker read.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { clusterDatabaseFrom, ensureClusterBinaries, ensureClusterSchemas, prepareNamespace, serviceArgv, CLUSTER_SERVICES, writeClusterConfig } from '../cluster/temporal-cluster';
import { Supervisor } from '../cluster/supervisor';
import { migrateDatabase, openDatabase } from '../db/client';
import { DEV_ORGANIZATION_ID, DEV_REVIEWER, ensureDevApiKey } from './local-organization';

const PROJECT_ROOT_DIR = path.resolve(__dirname, '../..');
const log = (message: string) => process.stderr.write(`[cluster] ${message}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      apis: { type: 'string', default: process.env.CLUSTER_APIS ?? '2' },
      workers: { type: 'string', default: process.env.CLUSTER_WORKERS ?? '2' },
      'temporal-port': { type: 'string', default: process.env.CLUSTER_TEMPORAL_PORT ?? '7233' },
      'api-port': { type: 'string', default: process.env.CLUSTER_API_PORT ?? '3000' },
    },
  });
  const count = (name: string, value: string, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be a whole number from 1 to ${max} (got ${value})`);
    return n;
  };
  const apis = count('apis', values.apis, 8);
  const workers = count('workers', values.workers, 8);
  const temporalPort = count('temporal-port', values['temporal-port'], 65_000);
  const apiPort = count('api-port', values['api-port'], 65_000);

  const workDir = path.join(PROJECT_ROOT_DIR, '.data', 'cluster');
  const temporalDatabase = clusterDatabaseFrom(process.env.CLUSTER_TEMPORAL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432', process.env.CLUSTER_TEMPORAL_DATABASE_PREFIX ?? 'temporal');
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/agent_orchestrator';
  const address = `127.0.0.1:${temporalPort}`;

  const supervisor = new Supervisor(path.join(workDir, 'logs'), (name, code, tail) => {
    log(`${name} exited unexpectedly (code ${code}); its log ends:\n${tail}`);
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping everything…');
    await supervisor.stopAll();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    // ---- Temporal: binaries, schemas, config, services, namespace --------------------------
    const binaries = await ensureClusterBinaries(path.join(PROJECT_ROOT_DIR, '.data', 'bin'), log);
    await ensureClusterSchemas(binaries, temporalDatabase, log);
    const config = writeClusterConfig(workDir, temporalDatabase, {
      ports: { frontend: temporalPort },
      numHistoryShards: 4,
      dynamicConfig: {
        // Worker Versioning (rolling upgrades) and updates, as the dev server has them.
        'frontend.workerVersioningWorkflowAPIs': true,
        'system.enableDeploymentVersions': true,
        'frontend.enableUpdateWorkflowExecution': true,
        'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
        'system.forceSearchAttributesCacheRefreshOnRead': true,
      },
    });
    for (const service of CLUSTER_SERVICES) {
      supervisor.start({ name: `temporal-${service}`, argv: serviceArgv(binaries, config, service), cwd: config.root });
    }
    log(`Temporal services starting (logs in ${path.relative(PROJECT_ROOT_DIR, path.join(workDir, 'logs'))}/)`);
    const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
    await prepareNamespace(address, namespace, 120_000);
    log(`Temporal frontend ready at ${address}, namespace ${namespace}`);

    // ---- The orchestrator's database --------------------------------------------------------
    await ensureDatabase(databaseUrl);
    const db = await openDatabase({ url: databaseUrl, pgliteDir: '' });
    let apiKey: string;
    try {
      await migrateDatabase(db);
      apiKey = await ensureDevApiKey(db.db, path.join(workDir, 'api-key'), 'local (npm run cluster)');
    } finally {
      await db.close();
    }

    // ---- Our processes ----------------------------------------------------------------------
    const tsx = [process.execPath, '--import', 'tsx'];
    const env = { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, DATABASE_URL: databaseUrl };
    for (let i = 1; i <= workers; i += 1) {
      supervisor.start({ name: `worker-${i}`, argv: [...tsx, path.join(PROJECT_ROOT_DIR, 'src/main/worker.ts')], env, cwd: PROJECT_ROOT_DIR });
    }
    const apiUrls: string[] = [];
    for (let i = 0; i < apis; i += 1) {
      const port = apiPort + i;
      apiUrls.push(`http://127.0.0.1:${port}`);
      supervisor.start({
        name: `api-${i + 1}`,
        argv: [...tsx, path.join(PROJECT_ROOT_DIR, 'src/main/api.ts')],
        env: { ...env, PORT: String(port), PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${apiPort}` },
        cwd: PROJECT_ROOT_DIR,
      });
    }
    await Promise.all(apiUrls.map((url) => waitForHealthy(url, 120_000)));

    process.stdout.write(
      [
        '',
        'Production-shaped topology is up.',
        `  Temporal      ${address} (frontend; history :${temporalPort + 1}, matching :${temporalPort + 2}, worker :${temporalPort + 6}), 4 history shards,`,
        `                PostgreSQL databases ${temporalDatabase.prefix} and ${temporalDatabase.prefix}_visibility on ${temporalDatabase.host}:${temporalDatabase.port}`,
        '  Temporal UI   not available here: the Web UI server (github.com/temporalio/ui-server) is not built by this',
        `                script; browse with the CLI: temporal workflow list --address ${address}`,
        ...apiUrls.map((url, i) => `  API ${i + 1}         ${url}   (health: ${url}/health)`),
        `  Workers       ${workers} (task queue ${process.env.TEMPORAL_TASK_QUEUE ?? 'agent-orchestrator'})`,
        `  Database      ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`,
        `  API key       ${apiKey}   (organization "${DEV_ORGANIZATION_ID}", reviewer "${DEV_REVIEWER}", also in ${path.relative(PROJECT_ROOT_DIR, path.join(workDir, 'api-key'))})`,
        `  Logs          ${path.relative(PROJECT_ROOT_DIR, path.join(workDir, 'logs'))}/<process>.log`,
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

/** Creates the orchestrator's database when it does not exist yet. */
async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) throw new Error(`DATABASE_URL must name a database (${url.replace(/:[^:@/]*@/, ':***@')})`);
  target.pathname = '/postgres';
  const admin = postgres(target.toString(), { max: 1, onnotice: () => undefined });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!exists) await admin.unsafe(`create database "${name.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
}

async function waitForHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become healthy in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

void main();
