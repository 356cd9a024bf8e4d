import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { migrateDatabase, openDatabase } from '../db/client';
import { ensureDevApiKey } from '../main/local-organization';
import { Supervisor } from './supervisor';
import { ensureWebUiBinary, webUiCommand } from './web-ui';
import { CLUSTER_HISTORY_SHARDS, CLUSTER_SERVICES, type ClusterDatabase, clusterDynamicConfig, ensureClusterBinaries, ensureClusterSchemas, prepareNamespace, serviceArgv, writeClusterConfig } from './temporal-cluster';

/**
 * The production-shaped topology on one machine (npm run cluster, npm run chaos): the Temporal
 * cluster's four services, then the orchestrator's workers and APIs, each a supervised process.
 */
export interface TopologyOptions {
  projectRoot: string;
  /** Logs, generated config and the local API key go here. */
  workDir: string;
  temporalDatabase: ClusterDatabase;
  /** The orchestrator's database (created and migrated when missing). */
  databaseUrl: string;
  temporalPort: number;
  /** One API process per port; PUBLIC_BASE_URL defaults to the first. */
  apiPorts: number[];
  /** Orchestration workers (workflows, model calls, bookkeeping, the code host). */
  workers: number;
  /**
   * Workspace workers (README "Worker pools"): with any, the APIs send issues' repository work
   * to their pool, and each runs with no secret in its environment and a workspaces directory
   * of its own, as on a host of its own. 0: the orchestration workers do the repository work.
   */
  workspaceWorkers?: number;
  namespace: string;
  /** Extra environment for our workers and APIs (model endpoint, sandbox settings, …). */
  env?: NodeJS.ProcessEnv;
  /** Extra Temporal dynamic config (over the topology's own). */
  dynamicConfig?: Record<string, unknown>;
  /** Serve the Temporal Web UI on this port (built once with Go; web-ui.ts). */
  webUiPort?: number;
  log: (message: string) => void;
  onUnexpectedExit?: (name: string, code: number | null, logTail: string) => void;
}

export interface Topology {
  supervisor: Supervisor;
  address: string;
  apiUrls: string[];
  workerNames: string[];
  /** The workspace workers' process names (workspace-1, …). */
  workspaceWorkerNames: string[];
  apiKey: string;
  logDir: string;
  /** The Temporal Web UI, when asked for and it could be built (else `webUiProblem` says why not). */
  webUiUrl?: string;
  webUiProblem?: string;
  /** Starts one more worker of ours (e.g. the next build, in a rolling upgrade) with extra environment. */
  startWorker(name: string, env?: NodeJS.ProcessEnv): void;
}

/**
 * Added to the shared dynamic config for the clusters this module starts on one machine
 * (`npm run cluster`, the chaos run, the benchmark), never for production (docker compose):
 * these register their search attributes moments after the services start, and a service
 * reads new ones only when its cache (60 s) expires, so the first workflows' upserts would
 * fail until then. The flag makes every read go to the database: Temporal marks it
 * testing-only, and the benchmark's cluster figures carry its cost.
 */
export const LOCAL_CLUSTER_DYNAMIC_CONFIG: Record<string, unknown> = { 'system.forceSearchAttributesCacheRefreshOnRead': true };

export type TemporalClusterOptions = Pick<TopologyOptions, 'projectRoot' | 'workDir' | 'temporalDatabase' | 'temporalPort' | 'namespace' | 'dynamicConfig' | 'log' | 'onUnexpectedExit'>;

/**
 * The Temporal cluster alone, its four services supervised (the benchmark's cluster run adds
 * its own in-process worker and API): binaries built once, schemas migrated, namespace and
 * search attributes ready.
 */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<{ supervisor: Supervisor; address: string; logDir: string }> {
  const { log, projectRoot, workDir } = options;
  const logDir = path.join(workDir, 'logs');
  const supervisor = new Supervisor(logDir, options.onUnexpectedExit ?? ((name, code, tail) => log(`${name} exited unexpectedly (code ${code}); its log ends:\n${tail}`)));
  const address = `127.0.0.1:${options.temporalPort}`;
  try {
    const binaries = await ensureClusterBinaries(path.join(projectRoot, '.data', 'bin'), log);
    await ensureClusterSchemas(binaries, options.temporalDatabase, log);
    const config = writeClusterConfig(workDir, options.temporalDatabase, {
      ports: { frontend: options.temporalPort },
      numHistoryShards: CLUSTER_HISTORY_SHARDS,
      dynamicConfig: { ...clusterDynamicConfig(), ...LOCAL_CLUSTER_DYNAMIC_CONFIG, ...options.dynamicConfig },
    });
    // One after the other: services starting together on a fresh database race to write the
    // cluster's metadata, and the loser exits.
    for (const service of CLUSTER_SERVICES) {
      const name = `temporal-${service}`;
      supervisor.start({ name, argv: serviceArgv(binaries, config, service), cwd: config.root });
      if (service === 'worker') break; // the internal worker serves no gRPC port; it is the last
      await waitForPort(config.ports[service].grpcPort, 60_000, () => (supervisor.view(name).running ? undefined : `${name} exited while starting (see ${supervisor.logFile(name)})`));
    }
    log(`Temporal services starting (logs in ${path.relative(projectRoot, logDir)}/)`);
    await prepareNamespace(address, options.namespace, 120_000);
    log(`Temporal frontend ready at ${address}, namespace ${options.namespace}`);
    return { supervisor, address, logDir };
  } catch (error) {
    await supervisor.stopAll();
    throw error;
  }
}

export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const { projectRoot, workDir } = options;
  const { supervisor, address, logDir } = await startTemporalCluster(options);
  try {

    await ensureDatabase(options.databaseUrl);
    const db = await openDatabase({ url: options.databaseUrl, pgliteDir: '' });
    let apiKey: string;
    try {
      await migrateDatabase(db);
      apiKey = await ensureDevApiKey(db.db, path.join(workDir, 'api-key'), 'local (npm run cluster)');
    } finally {
      await db.close();
    }

    const webUi = options.webUiPort === undefined ? {} : await startWebUi(supervisor, { ...options, webUiPort: options.webUiPort, address });

    const tsx = [process.execPath, '--import', 'tsx'];
    const pooled = (options.workspaceWorkers ?? 0) > 0;
    const taskQueue = options.env?.TEMPORAL_TASK_QUEUE ?? process.env.TEMPORAL_TASK_QUEUE ?? 'agent-orchestrator';
    const pool = {
      WORKSPACE_TASK_QUEUE: options.env?.WORKSPACE_TASK_QUEUE ?? process.env.WORKSPACE_TASK_QUEUE ?? `${taskQueue}-workspace`,
      // One directory both pools mount: on one machine, a directory.
      TRANSFER_DIR: path.join(workDir, 'transfers'),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: options.namespace,
      DATABASE_URL: options.databaseUrl,
      // Links in API answers open this cluster's Web UI.
      ...(webUi.webUiUrl ? { TEMPORAL_UI_URL: webUi.webUiUrl } : {}),
      ...(pooled ? pool : {}),
    };
    const startWorker = (name: string, extra: NodeJS.ProcessEnv = {}) =>
      void supervisor.start({ name, argv: [...tsx, path.join(projectRoot, 'src/main/worker.ts')], env: { ...env, ...extra }, cwd: projectRoot });
    const workerNames: string[] = [];
    for (let i = 1; i <= options.workers; i += 1) {
      workerNames.push(`worker-${i}`);
      startWorker(`worker-${i}`);
    }
    const workspaceWorkerNames: string[] = [];
    for (let i = 1; i <= (options.workspaceWorkers ?? 0); i += 1) {
      const name = `workspace-${i}`;
      workspaceWorkerNames.push(name);
      supervisor.start({
        name,
        argv: [...tsx, path.join(projectRoot, 'src/main/workspace-worker.ts')],
        env: { ...workspaceWorkerEnvironment(env), ...pool, WORKSPACES_DIR: path.join(workDir, `workspaces-${i}`) },
        cwd: projectRoot,
      });
    }
    const apiUrls: string[] = [];
    for (const [i, port] of options.apiPorts.entries()) {
      apiUrls.push(`http://127.0.0.1:${port}`);
      supervisor.start({
        name: `api-${i + 1}`,
        argv: [...tsx, path.join(projectRoot, 'src/main/api.ts')],
        env: { ...env, PORT: String(port), PUBLIC_BASE_URL: env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${options.apiPorts[0]}` },
        cwd: projectRoot,
      });
    }
    await Promise.all(apiUrls.map((url) => waitForReady(url, 120_000)));
    return { supervisor, address, apiUrls, workerNames, workspaceWorkerNames, apiKey, logDir, startWorker, ...webUi };
  } catch (error) {
    await supervisor.stopAll();
    throw error;
  }
}

/** What a workspace worker is given of the environment: Temporal, its directories, the sandbox — no secret. */
const WORKSPACE_WORKER_VARIABLES = /^(PATH|HOME|TMPDIR|LANG|NODE_ENV|LOG_LEVEL|LOG_FORMAT|DATA_DIR|WORKSPACE_TTL_HOURS|WORKSPACE_CAPABILITIES|TEMPORAL_(ADDRESS|NAMESPACE|TASK_QUEUE|TLS.*|API_KEY)|SANDBOX(_.*)?)$/;

export function workspaceWorkerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => WORKSPACE_WORKER_VARIABLES.test(name)));
}

/**
 * The Web UI as one more supervised process. Not being able to build it (no Go module cache
 * offline, say) is reported, not fatal: the cluster works without it.
 */
async function startWebUi(
  supervisor: Supervisor,
  options: Pick<TopologyOptions, 'projectRoot' | 'workDir' | 'namespace' | 'log'> & { webUiPort: number; address: string },
): Promise<{ webUiUrl?: string; webUiProblem?: string }> {
  let binary: string;
  try {
    binary = await ensureWebUiBinary(path.join(options.projectRoot, '.data', 'bin'), options.log);
  } catch (error) {
    const problem = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    options.log(`the Temporal Web UI is not available: ${problem}`);
    return { webUiProblem: problem };
  }
  const { argv, url } = webUiCommand(binary, options.workDir, { temporalAddress: options.address, port: options.webUiPort, namespace: options.namespace });
  supervisor.start({ name: 'temporal-ui', argv, cwd: options.workDir });
  await waitForPort(options.webUiPort, 30_000, () => (supervisor.view('temporal-ui').running ? undefined : `temporal-ui exited while starting (see ${supervisor.logFile('temporal-ui')})`));
  options.log(`Temporal Web UI at ${url}`);
  return { webUiUrl: url };
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

/** Resolves once something accepts connections on the port; throws if `exited()` says why not. */
async function waitForPort(port: number, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = exited();
    if (reason) throw new Error(reason);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on port ${port} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Until the API is ready: its database and Temporal reachable, and workers polling its task queue. */
export async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not become ready in ${timeoutMs / 1000} s (see its /ready and the workers' logs)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
