import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import postgres from 'postgres';
import YAML from 'yaml';
import { findGo, goInstall } from '../temporal/cli';
import { PROJECT_SEARCH_ATTRIBUTES } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attributes';

/**
 * A real Temporal cluster for `npm run cluster`: the server built from source (cached), its
 * schemas on PostgreSQL (created or migrated, idempotently), and each service — frontend,
 * history, matching, the internal worker — as its own process, as a production deployment
 * runs them. Nothing here is used by `npm run dev` or the tests' dev server.
 */

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const SERVER_MODULE = `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`;
const SQL_TOOL_MODULE = `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`;
export const CLUSTER_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
/** Fixed when the persistence schema is first used; docker-compose.temporal.yml sets the same. */
export const CLUSTER_HISTORY_SHARDS = 4;

/** The checked-in dynamic config (temporal-dynamic-config.yaml, also mounted by docker compose), as key → value. */
export function clusterDynamicConfig(): Record<string, unknown> {
  const file = path.join(__dirname, 'temporal-dynamic-config.yaml');
  const parsed = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, Array<{ value: unknown; constraints?: unknown }>>;
  return Object.fromEntries(
    Object.entries(parsed).map(([key, entries]) => {
      const [only, ...more] = Array.isArray(entries) ? entries : [];
      if (!only || more.length > 0 || only.constraints !== undefined) throw new Error(`${file}: ${key} must have exactly one unconstrained value`);
      return [key, only.value];
    }),
  );
}
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

export interface ClusterBinaries {
  server: string;
  sqlTool: string;
  /** The module's source: PostgreSQL schemas live under it. */
  moduleDir: string;
}

/** Finds the server and sql tool built before, or builds them with Go (a few minutes, once). */
export async function ensureClusterBinaries(cacheDir: string, log: (message: string) => void): Promise<ClusterBinaries> {
  const go = findGo();
  if (!go) throw new Error('npm run cluster builds the Temporal server from source and needs Go (https://go.dev/dl), which was not found on PATH or in /usr/local/go/bin.');
  const binDir = path.join(cacheDir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const server = path.join(binDir, 'server');
  const sqlTool = path.join(binDir, 'sql');
  for (const [binary, module] of [
    [server, SERVER_MODULE],
    [sqlTool, SQL_TOOL_MODULE],
  ] as const) {
    if (fs.existsSync(binary)) continue;
    log(`building ${module} (once; a few minutes on 2 cores)`);
    const started = Date.now();
    await goInstall(go, module, binDir);
    log(`built ${path.basename(binary)} in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const modCache = await output(go, ['env', 'GOMODCACHE']);
  const moduleDir = path.join(modCache, `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`);
  if (!fs.existsSync(path.join(moduleDir, 'schema'))) {
    // The binaries came from an earlier build whose module cache was cleaned: fetch the source again.
    await output(go, ['mod', 'download', `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`]);
  }
  return { server, sqlTool, moduleDir };
}

export interface ClusterDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The persistence and visibility databases are `<prefix>` and `<prefix>_visibility`. */
  prefix: string;
}

export function clusterDatabaseFrom(url: string, prefix: string): ClusterDatabase {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
    prefix,
  };
}

/**
 * Creates the two databases when missing and brings their schemas to this server version:
 * `setup-schema -v 0.0` once, then `update-schema` over the module's versioned directories
 * (a no-op when current). Safe to run at every start.
 */
export async function ensureClusterSchemas(binaries: ClusterBinaries, database: ClusterDatabase, log: (message: string) => void): Promise<void> {
  const schemas = [
    { name: database.prefix, dir: path.join(binaries.moduleDir, 'schema/postgresql/v12/temporal/versioned') },
    { name: `${database.prefix}_visibility`, dir: path.join(binaries.moduleDir, 'schema/postgresql/v12/visibility/versioned') },
  ];
  const admin = postgres({ host: database.host, port: database.port, user: database.user, password: database.password || undefined, database: 'postgres', max: 1, onnotice: () => undefined });
  try {
    for (const { name, dir } of schemas) {
      const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
      if (!exists) {
        await admin.unsafe(`create database "${name.replace(/"/g, '')}"`);
        log(`created database ${name}`);
      }
      const db = postgres({ host: database.host, port: database.port, user: database.user, password: database.password || undefined, database: name, max: 1, onnotice: () => undefined });
      try {
        const [versioned] = await db`select 1 from information_schema.tables where table_name = 'schema_version'`;
        // The password goes in the environment (SQL_PASSWORD), not the command line others can list.
        const tool = (...args: string[]) =>
          output(binaries.sqlTool, ['--plugin', 'postgres12', '--ep', database.host, '-p', String(database.port), '-u', database.user, '--db', name, ...args], { SQL_PASSWORD: database.password });
        if (!versioned) await tool('setup-schema', '-v', '0.0');
        await tool('update-schema', '-d', dir);
      } finally {
        await db.end();
      }
    }
  } finally {
    await admin.end();
  }
  log(`schemas current in ${schemas.map((schema) => schema.name).join(' and ')}`);
}

export interface ClusterPorts {
  /** The frontend's gRPC port: what clients and workers connect to. */
  frontend: number;
}

/** Each service's gRPC and membership ports, from the frontend's (7233 → 7234, 7235, 7239; 6933…). */
function servicePorts(frontend: number): Record<ClusterService, { grpcPort: number; membershipPort: number }> {
  const membership = frontend - 300;
  return {
    frontend: { grpcPort: frontend, membershipPort: membership },
    history: { grpcPort: frontend + 1, membershipPort: membership + 1 },
    matching: { grpcPort: frontend + 2, membershipPort: membership + 2 },
    worker: { grpcPort: frontend + 6, membershipPort: membership + 6 },
  };
}

/**
 * Writes the server's configuration (JSON is YAML): PostgreSQL persistence and visibility,
 * `numHistoryShards` shards, each service's ports on 127.0.0.1. Returns the root and the env
 * name the server is started with.
 */
export function writeClusterConfig(
  workDir: string,
  database: ClusterDatabase,
  options: { ports: ClusterPorts; numHistoryShards: number; dynamicConfig: Record<string, unknown> },
): { root: string; env: string; ports: Record<ClusterService, { grpcPort: number; membershipPort: number }> } {
  const configDir = path.join(workDir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const store = (name: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName: name,
      connectAddr: `${database.host}:${database.port}`,
      connectProtocol: 'tcp',
      user: database.user,
      password: database.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const ports = servicePorts(options.ports.frontend);
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: options.numHistoryShards,
      datastores: { default: store(database.prefix, 20), visibility: store(`${database.prefix}_visibility`, 10) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: Object.fromEntries(Object.entries(ports).map(([service, rpc]) => [service, { rpc: { ...rpc, bindOnLocalHost: true } }])),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${options.ports.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: path.join(configDir, 'dynamic.yaml'), pollInterval: '10s' },
  };
  // It holds the database password: readable by this user only.
  fs.writeFileSync(path.join(configDir, 'cluster.yaml'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  const dynamic = Object.fromEntries(Object.entries(options.dynamicConfig).map(([key, value]) => [key, [{ value }]]));
  fs.writeFileSync(path.join(configDir, 'dynamic.yaml'), `${JSON.stringify(dynamic, null, 2)}\n`);
  return { root: workDir, env: 'cluster', ports };
}

/** The server's command line for one service (run with cwd = the root). */
export function serviceArgv(binaries: ClusterBinaries, config: { root: string; env: string }, service: ClusterService): string[] {
  return [binaries.server, '--root', config.root, '--config', 'config', '--env', config.env, '--allow-no-auth', 'start', '--service', service];
}

/**
 * Once the frontend answers: the namespace (registered if missing; the frontend's namespace
 * cache takes a few seconds to see it) and the project's search attributes.
 */
export async function prepareNamespace(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
      } catch {
        await connection.workflowService
          .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') })
          .catch((error: { code?: number }) => {
            if (error.code !== 6) throw error; // ALREADY_EXISTS: another start registered it
          });
        await connection.workflowService.describeNamespace({ namespace });
      }
      await ensureSearchAttributes(address, namespace, PROJECT_SEARCH_ATTRIBUTES, connection);
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await connection?.close();
    }
  }
  throw new Error(`The cluster's frontend at ${address} did not accept namespace ${namespace} in ${timeoutMs} ms: ${String(lastError)}`);
}

function output(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 600_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(command)} ${args.join(' ')} failed: ${stderr || error.message}`.slice(0, 4000)));
      else resolve(stdout.trim());
    });
  });
}
