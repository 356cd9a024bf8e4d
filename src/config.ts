import path from 'node:path';
import { z } from 'zod';
import { DEPLOYMENT_PART, DEPLOYMENT_PART_RULE } from './temporal/deployment-names';
import { CAPABILITY_PATTERN, capabilityQueue, type WorkspacePoolPolicy } from '../workflows/shared/workspace-pool';

/**
 * The one schema for every environment variable the service reads.
 *
 * `loadConfig(env)` is the only place that reads `process.env`; entry points call it once
 * and pass the resulting object down. Every variable has a default that works for the
 * local, all-in-one run, so nothing is required to start. `.env.example` documents each.
 */

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const port = z.coerce.number().int().min(0).max(65535);

const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
const TRACE_EXPORTERS = ['otlp', 'console', 'none'] as const;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** `json` (one object per line) everywhere but `npm run dev`, whose default is `pretty`. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),

  // ---- HTTP API -------------------------------------------------------------
  PORT: port.default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Base URL used in `trackingUrl`s handed to the ERP. Defaults to http://HOST:PORT. */
  PUBLIC_BASE_URL: optionalString,

  // ---- Metrics (README "Metrics") ---------------------------------------------
  /** The API's GET /metrics answers only with this bearer token; unset, it is off. At least 16 characters. */
  METRICS_TOKEN: optionalString.refine((value) => value === undefined || value.length >= 16, 'at least 16 characters'),
  /** A worker serves its metrics on this port (unset: not served); on WORKER_METRICS_HOST. */
  WORKER_METRICS_PORT: port.optional(),
  WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
  /** The Temporal SDK's own metrics (workflow and activity tasks, pollers, slots) on host:port; unset: off. */
  TEMPORAL_METRICS_BIND_ADDRESS: optionalString.refine((value) => value === undefined || /^[^:\s]+:\d{1,5}$/.test(value), 'host:port'),

  // ---- Tracing (README "Tracing"): OpenTelemetry's own variables --------------------------
  /** `true` turns tracing off whatever else is set (the OpenTelemetry SDK's switch). */
  OTEL_SDK_DISABLED: optionalString,
  /** `otlp`, `console` or `none` (comma-separated for several). Unset: `otlp` when an OTLP endpoint is set, else off. */
  OTEL_TRACES_EXPORTER: optionalString,
  /** The collector: the traces URL itself, or a base URL that `/v1/traces` is appended to (http). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString,
  /** `http/protobuf` (default), `http/json` or `grpc`. */
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: optionalString.pipe(z.enum(OTLP_PROTOCOLS).optional()),
  OTEL_EXPORTER_OTLP_PROTOCOL: optionalString.pipe(z.enum(OTLP_PROTOCOLS).optional()),
  /** Read by the exporter itself (`key=value,…`, e.g. a vendor's API key); their values are kept out of the logs. */
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: optionalString,
  OTEL_EXPORTER_OTLP_HEADERS: optionalString,
  /** Default `agent-orchestrator-api`, `…-worker` or `…-dev`, by process. */
  OTEL_SERVICE_NAME: optionalString,
  /** `key=value,…` (values percent-encoded) added to every span's resource, e.g. `deployment.environment=prod`. */
  OTEL_RESOURCE_ATTRIBUTES: optionalString,

  // ---- Temporal -------------------------------------------------------------
  /** host:port of a Temporal frontend. Unset: the all-in-one run starts the embedded dev server. */
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('agent-orchestrator'),
  /** Temporal Cloud API key (sent as a bearer token; implies TLS). */
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: booleanFromEnv.optional(),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  /** Web UI base URL for links (defaults to the embedded dev server's UI). */
  TEMPORAL_UI_URL: optionalString,
  /** Embedded dev server settings (used only when TEMPORAL_ADDRESS is unset). */
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_DEV_UI_PORT: port.default(8233),
  /** Explicit path to a `temporal` CLI binary; otherwise PATH, the cache, then `go install`. */
  TEMPORAL_CLI_PATH: optionalString,
  /** Pipelines running at once across all organizations (0: no limit); per-organization limits come from plans. */
  MAX_CONCURRENT_PIPELINES: z.coerce.number().int().min(0).max(100_000).default(5),
  /** Skill runs at once across all organizations (0: no limit); per organization from plans. Read by the worker. */
  MAX_CONCURRENT_SKILL_RUNS: z.coerce.number().int().min(0).max(100_000).default(10),
  /** Prebuilt workflow bundle (`npm run build:workflows`); unset: the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: optionalString,
  /**
   * Worker Versioning (rolling upgrades, src/temporal/deployments.ts): this worker's build in the
   * worker deployment; `auto` derives it from the workflow bundle. Unset: an unversioned worker.
   */
  WORKER_BUILD_ID: optionalString.refine((value) => value === undefined || value === 'auto' || DEPLOYMENT_PART.test(value), `${DEPLOYMENT_PART_RULE}, or auto`),
  WORKER_DEPLOYMENT_NAME: z.string().regex(DEPLOYMENT_PART, DEPLOYMENT_PART_RULE).default('agent-orchestrator'),

  // ---- Database -------------------------------------------------------------
  /** postgres:// URL. Unset: embedded PGlite under DATA_DIR (same schema and migrations). */
  DATABASE_URL: optionalString,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Prepared statements per connection (src/db/client.ts); false behind a pooler that cannot keep them. */
  DATABASE_PREPARED_STATEMENTS: booleanFromEnv.default(true),
  /** Local state: the dev server's SQLite file, PGlite data, the Temporal CLI cache. */
  DATA_DIR: z.string().default('.data'),

  // ---- Workspaces and code hosts -------------------------------------------
  /** Where per-issue clones live (default DATA_DIR/workspaces). */
  WORKSPACES_DIR: optionalString,
  /** Token for GitHub repositories (push and pull requests); never passed to commands. */
  GITHUB_TOKEN: optionalString,
  GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  /** The worker's own bare repositories (fetch, bundle import, push); default DATA_DIR/git-mirrors. */
  GIT_MIRRORS_DIR: optionalString,
  /** Workspaces untouched this long are removed by the worker's sweep (re-made from the mirror if needed). */
  WORKSPACE_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(72),

  // ---- Worker pools (README "Worker pools") ----------------------------------
  /**
   * The workspace pool's task queue. Set on the APIs: issues run their repository work (clone,
   * tools, commands, tests, commit) on workspace workers (`npm run workspace-worker`), which
   * hold no secrets. Unset: the orchestration worker does it itself (`npm run dev`).
   * A workspace worker polls it (default `{TEMPORAL_TASK_QUEUE}-workspace`).
   */
  WORKSPACE_TASK_QUEUE: optionalString.refine((value) => value === undefined || /^[A-Za-z0-9._-]{1,200}$/.test(value), 'letters, digits, ".", "_" and "-"'),
  /**
   * Capabilities with pools of their own, comma-separated (e.g. `typescript,python`): an issue
   * classified with one goes to `{WORKSPACE_TASK_QUEUE}-{capability}`. On the APIs: the pools
   * that exist. On a workspace worker: the pools it serves (`default` for the default pool);
   * unset: the default pool only.
   */
  WORKSPACE_CAPABILITIES: optionalString,
  /** Seconds before an issue whose workspace pool has no worker polling says it waits (it keeps waiting). */
  WORKSPACE_PICKUP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Seconds a workspace host's own queue may leave a call unclaimed before the workspace is opened again on another host. */
  WORKSPACE_HOST_PICKUP_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  /** Where git bundles pass between orchestration and workspace workers: one directory both mount (default DATA_DIR/transfers). */
  TRANSFER_DIR: optionalString,

  // ---- Sandbox --------------------------------------------------------------
  /**
   * `bubblewrap` (default; `on` is the same): every command the agents cause to run — their
   * commands, the tests, git over a workspace — runs in a bubblewrap sandbox. `off`: runs
   * unconfined, for development machines without bubblewrap; warned about at start and in /health.
   */
  SANDBOX: z.enum(['bubblewrap', 'on', 'off']).default('bubblewrap'),
  /** Path of the bwrap binary (default: /usr/bin/bwrap or /usr/local/bin/bwrap). */
  SANDBOX_BWRAP_PATH: optionalString,
  /** The unprivileged user a root worker runs commands as (never root); it owns the workspaces. */
  SANDBOX_UID: z.coerce.number().int().min(1).max(2 ** 31 - 2).default(65534),
  SANDBOX_GID: z.coerce.number().int().min(1).max(2 ** 31 - 2).default(65534),
  /** Let allowed egress reach loopback and private addresses (a registry inside the network; tests). */
  SANDBOX_EGRESS_ALLOW_PRIVATE: booleanFromEnv.default(false),

  // ---- Outbound events (README "Notifications") ---------------------------------
  /**
   * Let the URLs we send events to (the ERP's callback URL, notification channels) use http and
   * reach loopback and private addresses: local testing, or receivers inside your network.
   * Default false: https only, public addresses only.
   */
  OUTBOUND_ALLOW_PRIVATE: booleanFromEnv.default(false),
  /**
   * Where organizations' stdio MCP servers are installed (README "MCP tools"): a server's
   * `command` runs in the sandbox with this directory as its read-only working directory.
   * Unset: stdio servers are not run (their tools are not offered).
   */
  MCP_STDIO_DIR: z.string().min(1).optional(),

  // ---- Claude ---------------------------------------------------------------
  ANTHROPIC_API_KEY: optionalString,
  /** Override the API endpoint (a proxy, or the local fake Claude). */
  ANTHROPIC_BASE_URL: optionalString,
  /**
   * `anthropic` calls the real API (needs ANTHROPIC_API_KEY); `fake` starts the local fake
   * Claude with recorded responses (offline demo). Default: `anthropic` when a key is set.
   */
  LLM_MODE: z.enum(['anthropic', 'fake']).optional(),
  /** Model per tier. Triage's complexity picks the tier; organizations may cap it. */
  MODEL_SMALL: z.string().min(1).default('claude-haiku-4-5'),
  MODEL_MEDIUM: z.string().min(1).default('claude-sonnet-4-6'),
  MODEL_LARGE: z.string().min(1).default('claude-opus-4-6'),
  /** Hard cap on output tokens for one model call. */
  LLM_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(64).max(64000).default(4096),
  /** One model call's HTTP timeout; Temporal's activity timeout sits above it. */
  LLM_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
});

export type Env = z.input<typeof envSchema>;
type ParsedEnv = z.output<typeof envSchema>;

export interface TemporalConfig {
  /** Unset means "start the embedded dev server" (only the all-in-one run may do that). */
  address: string | undefined;
  namespace: string;
  taskQueue: string;
  apiKey: string | undefined;
  tls:
    | false
    | {
        certPath?: string;
        keyPath?: string;
        caPath?: string;
        serverName?: string;
      };
  uiUrl: string | undefined;
  workflowBundlePath: string | undefined;
  /** The worker deployment; with a buildId, workers are versioned (`auto`: derived from the bundle). */
  deployment: { name: string; buildId: string | undefined };
  /** Global cap of running pipelines; undefined = unlimited. */
  maxConcurrentPipelines: number | undefined;
  /** Global cap of running skill runs; undefined = unlimited. */
  maxConcurrentSkillRuns: number | undefined;
  devServer: { port: number; uiPort: number; cliPath: string | undefined };
}

export interface Config {
  env: ParsedEnv['NODE_ENV'];
  logLevel: ParsedEnv['LOG_LEVEL'];
  /** Unset: the process's default (JSON, pretty for npm run dev). */
  logFormat: ParsedEnv['LOG_FORMAT'];
  http: { port: number; host: string; publicBaseUrl: string };
  metrics: { token: string | undefined; workerPort: number | undefined; workerHost: string; temporalBindAddress: string | undefined };
  temporal: TemporalConfig;
  database: { url: string | undefined; poolSize: number; preparedStatements: boolean; pgliteDir: string };
  dataDir: string;
  workspacesDir: string;
  mirrorsDir: string;
  workspaceTtlHours: number;
  /** TRANSFER_DIR, absolute: bundles between orchestration and workspace workers. */
  transferDir: string;
  /**
   * The workspace pool (WORKSPACE_TASK_QUEUE, WORKSPACE_CAPABILITIES): `enabled` on an API sends
   * issues' repository work to it; a workspace worker polls `taskQueue` or its capabilities' queues.
   */
  workspacePool: { enabled: boolean; taskQueue: string; capabilities: string[]; poolPickupSeconds: number; hostPickupSeconds: number };
  sandbox: SandboxConfig;
  /** Where status callbacks and notifications may be sent (src/outbound/url-policy.ts). */
  outbound: { allowPrivate: boolean };
  /** MCP_STDIO_DIR, absolute; undefined: no stdio MCP servers run. */
  mcpStdioDir: string | undefined;
  github: { token: string | undefined; apiUrl: string };
  /** Undefined: tracing is off (the default). */
  tracing: TracingConfig | undefined;
  llm: {
    mode: 'anthropic' | 'fake';
    apiKey: string | undefined;
    baseUrl: string | undefined;
    models: { small: string; medium: string; large: string };
    maxOutputTokens: number;
    requestTimeoutMs: number;
  };
}

/**
 * Tracing (src/telemetry/tracing.ts), from OpenTelemetry's standard variables. Undefined — no
 * tracer provider, no interceptors, the plain workflow bundle — unless they ask for it.
 */
export interface TracingConfig {
  exporters: Array<'otlp' | 'console'>;
  /** OTLP transport: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL. */
  protocol: (typeof OTLP_PROTOCOLS)[number];
  /** Where OTLP spans go; undefined: the exporter's default (localhost:4318, or :4317 for grpc). */
  endpoint: string | undefined;
  serviceName: string | undefined;
  resourceAttributes: Record<string, string>;
  /** Values of the OTLP headers (credentials for a hosted collector): never logged. */
  headerValues: string[];
}

export interface SandboxConfig {
  mode: 'bubblewrap' | 'off';
  bwrapPath: string | undefined;
  /** Who commands run as when the worker is root. */
  user: { uid: number; gid: number };
  egressAllowPrivateAddresses: boolean;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;

  const problems: string[] = [];
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    problems.push('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together (mTLS)');
  }
  const llmMode = e.LLM_MODE ?? (e.ANTHROPIC_API_KEY ? 'anthropic' : 'fake');
  if (llmMode === 'anthropic' && !e.ANTHROPIC_API_KEY && !e.ANTHROPIC_BASE_URL) {
    problems.push('LLM_MODE=anthropic needs ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL for a proxy)');
  }
  const tracing = tracingConfig(e, problems);
  const capabilities = (e.WORKSPACE_CAPABILITIES ?? '').split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
  const badCapabilities = capabilities.filter((capability) => !CAPABILITY_PATTERN.test(capability));
  if (badCapabilities.length > 0) problems.push(`WORKSPACE_CAPABILITIES: ${badCapabilities.join(', ')} (lower-case letters, digits, ".", "_" and "-", at most 40)`);
  if (problems.length > 0) throw new ConfigError(problems);

  const useTls =
    e.TEMPORAL_TLS ?? (e.TEMPORAL_API_KEY !== undefined || e.TEMPORAL_TLS_CERT_PATH !== undefined);
  const dataDir = path.resolve(e.DATA_DIR);
  const workspacesDir = e.WORKSPACES_DIR ? path.resolve(e.WORKSPACES_DIR) : path.join(dataDir, 'workspaces');
  const mirrorsDir = e.GIT_MIRRORS_DIR ? path.resolve(e.GIT_MIRRORS_DIR) : path.join(dataDir, 'git-mirrors');
  const inside = (child: string, parent: string) => child === parent || child.startsWith(parent + path.sep);
  if (inside(mirrorsDir, workspacesDir) || inside(workspacesDir, mirrorsDir)) {
    throw new ConfigError([`GIT_MIRRORS_DIR (${mirrorsDir}) and WORKSPACES_DIR (${workspacesDir}) must not contain each other`]);
  }

  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    http: {
      port: e.PORT,
      host: e.HOST,
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    },
    metrics: { token: e.METRICS_TOKEN, workerPort: e.WORKER_METRICS_PORT, workerHost: e.WORKER_METRICS_HOST, temporalBindAddress: e.TEMPORAL_METRICS_BIND_ADDRESS },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: useTls
        ? {
            certPath: e.TEMPORAL_TLS_CERT_PATH,
            keyPath: e.TEMPORAL_TLS_KEY_PATH,
            caPath: e.TEMPORAL_TLS_CA_PATH,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : false,
      uiUrl:
        e.TEMPORAL_UI_URL ??
        (e.TEMPORAL_ADDRESS === undefined ? `http://localhost:${e.TEMPORAL_DEV_UI_PORT}` : undefined),
      workflowBundlePath: e.WORKFLOW_BUNDLE_PATH ? path.resolve(e.WORKFLOW_BUNDLE_PATH) : undefined,
      deployment: { name: e.WORKER_DEPLOYMENT_NAME, buildId: e.WORKER_BUILD_ID },
      maxConcurrentPipelines: e.MAX_CONCURRENT_PIPELINES === 0 ? undefined : e.MAX_CONCURRENT_PIPELINES,
      maxConcurrentSkillRuns: e.MAX_CONCURRENT_SKILL_RUNS === 0 ? undefined : e.MAX_CONCURRENT_SKILL_RUNS,
      devServer: {
        port: e.TEMPORAL_DEV_PORT,
        uiPort: e.TEMPORAL_DEV_UI_PORT,
        cliPath: e.TEMPORAL_CLI_PATH,
      },
    },
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      preparedStatements: e.DATABASE_PREPARED_STATEMENTS,
      pgliteDir: path.join(dataDir, 'pglite'),
    },
    dataDir,
    workspacesDir,
    mirrorsDir,
    workspaceTtlHours: e.WORKSPACE_TTL_HOURS,
    transferDir: e.TRANSFER_DIR ? path.resolve(e.TRANSFER_DIR) : path.join(dataDir, 'transfers'),
    workspacePool: {
      enabled: e.WORKSPACE_TASK_QUEUE !== undefined,
      taskQueue: e.WORKSPACE_TASK_QUEUE ?? `${e.TEMPORAL_TASK_QUEUE}-workspace`,
      capabilities: [...new Set(capabilities)],
      poolPickupSeconds: e.WORKSPACE_PICKUP_SECONDS,
      hostPickupSeconds: e.WORKSPACE_HOST_PICKUP_SECONDS,
    },
    sandbox: {
      mode: e.SANDBOX === 'off' ? 'off' : 'bubblewrap',
      bwrapPath: e.SANDBOX_BWRAP_PATH,
      user: { uid: e.SANDBOX_UID, gid: e.SANDBOX_GID },
      egressAllowPrivateAddresses: e.SANDBOX_EGRESS_ALLOW_PRIVATE,
    },
    outbound: { allowPrivate: e.OUTBOUND_ALLOW_PRIVATE },
    mcpStdioDir: e.MCP_STDIO_DIR ? path.resolve(e.MCP_STDIO_DIR) : undefined,
    github: { token: e.GITHUB_TOKEN, apiUrl: e.GITHUB_API_URL.replace(/\/+$/, '') },
    tracing,
    llm: {
      mode: llmMode,
      apiKey: e.ANTHROPIC_API_KEY,
      baseUrl: e.ANTHROPIC_BASE_URL,
      models: { small: e.MODEL_SMALL, medium: e.MODEL_MEDIUM, large: e.MODEL_LARGE },
      maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
      requestTimeoutMs: e.LLM_REQUEST_TIMEOUT_MS,
    },
  };
}

/** The policy the APIs put on issues when the pool is on (src/contracts/workspace-pool.ts); undefined: off. */
export function workspacePoolPolicy(config: Config): WorkspacePoolPolicy | undefined {
  const { enabled, taskQueue, capabilities, poolPickupSeconds, hostPickupSeconds } = config.workspacePool;
  return enabled ? { taskQueue, capabilities: capabilities.filter((capability) => capability !== 'default'), poolPickupSeconds, hostPickupSeconds } : undefined;
}

/** The queues a workspace worker polls: its capabilities' pools (`default`: the default pool), or the default pool alone. */
export function workspaceWorkerQueues(config: Config): string[] {
  const { taskQueue, capabilities } = config.workspacePool;
  if (capabilities.length === 0) return [taskQueue];
  return capabilities.map((capability) => (capability === 'default' ? taskQueue : capabilityQueue(taskQueue, capability)));
}

/**
 * Why this environment may not run a workspace worker: it runs beside repository code, so it
 * holds no credential but Temporal's — no database URL (nor libpq's variables), no model key,
 * no code-host token, nothing named like a secret. Empty: none found.
 */
export function secretsInWorkspaceWorkerEnvironment(env: Record<string, string | undefined>): string[] {
  const DATABASE = /^(DATABASE_URL|PG(HOST|HOSTADDR|PORT|DATABASE|USER|PASSWORD|PASSFILE|SERVICE|SERVICEFILE|SSLKEY|SSLCERT))$/;
  const SECRET_LIKE = /(SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE_KEY|CREDENTIAL|AUTH)/i;
  const ALLOWED = new Set(['TEMPORAL_API_KEY', 'TEMPORAL_TLS_KEY_PATH']);
  // The exporter's headers carry a vendor's API key (configuredSecrets counts them as one).
  const HEADERS = new Set(['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']);
  return Object.keys(env)
    .filter((name) => env[name] !== undefined && env[name] !== '' && !ALLOWED.has(name) && (DATABASE.test(name) || SECRET_LIKE.test(name) || HEADERS.has(name)))
    .sort();
}

/** The configured credentials: what no log line may contain (src/logger.ts `neverLog`). */
export function configuredSecrets(config: Config): string[] {
  const databasePassword = config.database.url ? passwordOf(config.database.url) : undefined;
  return [config.llm.apiKey, config.github.token, config.metrics.token, config.temporal.apiKey, databasePassword, ...(config.tracing?.headerValues ?? [])].filter(
    (value): value is string => Boolean(value),
  );
}

/**
 * Tracing is on when OTEL_TRACES_EXPORTER names an exporter, or (unset) when an OTLP endpoint
 * is given; OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it off. Nothing set: off.
 */
function tracingConfig(e: ParsedEnv, problems: string[]): TracingConfig | undefined {
  const endpointVariable = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const named = (e.OTEL_TRACES_EXPORTER ?? (endpointVariable ? 'otlp' : 'none'))
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = named.filter((name) => !(TRACE_EXPORTERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    problems.push(`OTEL_TRACES_EXPORTER: ${unknown.join(', ')} not supported (otlp, console or none; Jaeger and Zipkin take OTLP)`);
  }
  const resourceAttributes = parseKeyValues(e.OTEL_RESOURCE_ATTRIBUTES, 'OTEL_RESOURCE_ATTRIBUTES', problems);
  const headers = [e.OTEL_EXPORTER_OTLP_HEADERS, e.OTEL_EXPORTER_OTLP_TRACES_HEADERS].map((value, index) =>
    parseKeyValues(value, index === 0 ? 'OTEL_EXPORTER_OTLP_HEADERS' : 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', problems),
  );
  const exporters = named.filter((name): name is 'otlp' | 'console' => name === 'otlp' || name === 'console');
  if (e.OTEL_SDK_DISABLED?.toLowerCase() === 'true' || named.includes('none') || exporters.length === 0) return undefined;
  const protocol = e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  // The signal-specific variable is the traces URL itself; the general one is a base (http appends /v1/traces).
  const endpoint =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT && protocol !== 'grpc' ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : e.OTEL_EXPORTER_OTLP_ENDPOINT);
  return {
    exporters: [...new Set(exporters)],
    protocol,
    endpoint,
    serviceName: e.OTEL_SERVICE_NAME,
    resourceAttributes,
    headerValues: headers.flatMap((pairs) => Object.values(pairs)),
  };
}

/** `key=value,key2=value2` with percent-encoded values (the W3C Baggage form OpenTelemetry uses for these variables). */
function parseKeyValues(value: string | undefined, variable: string, problems: string[]): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of (value ?? '').split(',')) {
    if (!item.trim()) continue;
    const at = item.indexOf('=');
    const key = item.slice(0, at).trim();
    if (at <= 0 || !key) {
      problems.push(`${variable}: "${key || item.trim()}" is not key=value`);
      continue;
    }
    try {
      pairs[key] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      problems.push(`${variable}: the value of ${key} is not percent-encoded correctly`);
    }
  }
  return pairs;
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
