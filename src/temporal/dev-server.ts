import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Config } from '../config';
import type { SearchAttributeKey, SearchAttributeType } from '@temporalio/common/lib/search-attributes';
import { searchAttributes } from '../../workflows/definitions';
import { findOrBuildTemporalCli, type FoundCli, TemporalCliNotFoundError } from './cli';
import { ensureSearchAttributes } from './search-attributes';

/**
 * Runs `temporal server start-dev`: the real Temporal server with SQLite persistence and
 * the Web UI, for local runs, tests and benchmarks.
 */

export interface DevServerOptions {
  /** Frontend gRPC port; 0 picks a free one. */
  port: number;
  /** Web UI port; 0 picks a free one; null disables the UI. */
  uiPort: number | null;
  namespace: string;
  /** SQLite file to persist to (a restart keeps workflows); undefined = in memory. */
  dbFile?: string;
  /** Where the CLI is looked up and built (e.g. `.data/bin`). */
  cacheDir: string;
  cliPath?: string;
  log?: (message: string) => void;
  /** Extra `--dynamic-config-value` pairs, e.g. for tests (over DEV_SERVER_DYNAMIC_CONFIG). */
  dynamicConfig?: Record<string, unknown>;
  startupTimeoutMs?: number;
}

/**
 * Dynamic config every dev server we start gets (issue 13):
 * - The dev server runs one history shard, and each of its task queues (transfer: every
 *   activity and workflow task on its way to matching; timer; visibility) reads at most
 *   `…MaxPollRPS` times a second (default 20, a burst of 20): past the burst every activity
 *   step waited ~40 ms per hop, ~104 ms a step instead of ~27 (temporalio/temporal
 *   common/dynamicconfig/constants.go, service/history/queues/reader.go). A production
 *   cluster spreads the same limit over many shards.
 * - Eager activity dispatch (off by default in the server): an activity scheduled on the
 *   completing worker's own task queue comes back with the workflow task's completion, with
 *   no trip through matching. The cluster has it too (src/cluster/temporal-dynamic-config.yaml).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, unknown> = {
  'history.transferProcessorMaxPollRPS': 10_000,
  'history.timerProcessorMaxPollRPS': 10_000,
  'history.visibilityProcessorMaxPollRPS': 10_000,
  'system.enableActivityEagerExecution': true,
};

/** The persisted dev server the local entry points run (`.data/temporal/dev.sqlite`). */
export function localDevServerOptions(config: Config, log: (message: string) => void): DevServerOptions {
  return {
    port: config.temporal.devServer.port,
    uiPort: config.temporal.devServer.uiPort,
    namespace: config.temporal.namespace,
    dbFile: path.join(config.dataDir, 'temporal', 'dev.sqlite'),
    cacheDir: path.join(config.dataDir, 'bin'),
    cliPath: config.temporal.devServer.cliPath,
    log,
  };
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  /** How the server was obtained, for the start-up banner. */
  origin: 'spawned' | 'reused' | 'cached-download';
  cli: FoundCli | undefined;
  /** The server process, when we spawned it (benchmarks read its CPU time). */
  pid?: number;
  stop(): Promise<void>;
}

/** The CLI's names for search attribute types. */
const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export const PROJECT_SEARCH_ATTRIBUTES: SearchAttributeKey<SearchAttributeType>[] = Object.values(searchAttributes);

export function searchAttributeArgs(keys = PROJECT_SEARCH_ATTRIBUTES): string[] {
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves once the frontend answers and the namespace exists. */
export async function waitForTemporal(address: string, namespace: string, timeoutMs: number, exited?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const exitReason = exited?.();
    if (exitReason) throw new Error(exitReason);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not become ready in ${timeoutMs} ms: ${String(lastError)}`);
}

/**
 * Starts the dev server (or reuses one already listening on the port), with the project's
 * search attributes registered. Falls back to the SDK's `cached-download` when no CLI can
 * be found or built (machines with internet but no Go).
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log = options.log ?? (() => undefined);
  const timeoutMs = options.startupTimeoutMs ?? 90_000;

  if (options.port !== 0 && (await portInUse(options.port))) {
    const address = `127.0.0.1:${options.port}`;
    try {
      await waitForTemporal(address, options.namespace, 5_000);
    } catch {
      throw new Error(
        `Port ${options.port} is in use by something that is not a Temporal server with namespace "${options.namespace}". ` +
          'Stop it, or set TEMPORAL_DEV_PORT to another port.',
      );
    }
    log(`Reusing the Temporal server already running at ${address}.`);
    await ensureSearchAttributes(address, options.namespace, PROJECT_SEARCH_ATTRIBUTES);
    return {
      address,
      uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
      origin: 'reused',
      cli: undefined,
      stop: async () => undefined, // not ours to stop
    };
  }

  let cli: FoundCli;
  try {
    cli = await findOrBuildTemporalCli({ explicitPath: options.cliPath, cacheDir: options.cacheDir, log });
  } catch (error) {
    if (error instanceof TemporalCliNotFoundError && !options.cliPath) {
      log(`${error.message}\nTrying the SDK's cached download of the dev server instead.`);
      return startWithCachedDownload(options, error);
    }
    throw error;
  }

  const port = options.port === 0 ? await freePort() : options.port;
  const uiPort = options.uiPort === 0 ? await freePort() : options.uiPort;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...searchAttributeArgs(),
  ];
  if (uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    // WAL lets the server read while it writes: the dev server's SQLite default is slower.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  for (const [key, value] of Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...options.dynamicConfig })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  const child = spawn(cli.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 100) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitReason: string | undefined;
  child.on('exit', (code, signal) => {
    exitReason = `temporal server start-dev exited (${signal ?? `code ${code}`}) before it was ready:\n${output.join('').slice(-3000)}`;
  });
  child.on('error', (error) => {
    exitReason = `could not run ${cli.path}: ${error.message}`;
  });
  // Never leave an orphaned server behind when this process exits.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const address = `127.0.0.1:${port}`;
  try {
    await waitForTemporal(address, options.namespace, timeoutMs, () => exitReason);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  child.removeAllListeners('exit');
  child.on('exit', () => process.removeListener('exit', killOnExit));

  return {
    address,
    uiUrl: uiPort === null ? undefined : `http://localhost:${uiPort}`,
    origin: 'spawned',
    cli,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function startWithCachedDownload(options: DevServerOptions, cause: Error): Promise<DevServer> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  try {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'cached-download', downloadDir: options.cacheDir },
        namespace: options.namespace,
        ip: '127.0.0.1',
        port: options.port === 0 ? undefined : options.port,
        ui: options.uiPort !== null,
        uiPort: options.uiPort ?? undefined,
        dbFilename: options.dbFile,
        searchAttributes: PROJECT_SEARCH_ATTRIBUTES,
      },
    });
    const address = env.address;
    return {
      address,
      uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
      origin: 'cached-download',
      cli: undefined,
      stop: () => env.teardown(),
    };
  } catch (error) {
    throw new TemporalCliNotFoundError(`${cause.message}\nThe cached download failed too: ${String(error)}`);
  }
}
