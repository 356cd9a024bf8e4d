import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { type Config, workspacePoolPolicy } from '../config';
import { createTransferStore } from '../workspace/transfers';
import { type DatabaseHandle, openDatabase } from '../db/client';
import type { PeopleDirectory } from '../identity/people-directory';
import type { PrincipalCache } from '../identity/principal-cache';
import { cachedHealthChecks } from './health';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic';
import { recordedStageReplies } from '../fakes/recorded-stage-replies';
import { createAnthropicClient } from '../llm/anthropic';
import type { LlmClient } from '../llm/client';
import type { Logger } from '../logger';
import type { CommandSandbox } from '../sandbox';
import { sandboxHealth } from '../sandbox';
import { promoteIfNoCurrent } from '../temporal/deployments';
import { requireActivityPollers, requireWorkersPolling } from '../temporal/pollers';
import { capabilityQueue, type WorkspacePoolPolicy } from '../../workflows/shared/workspace-pool';
import { createIssueWorker, type IssueWorker, tracedBundlePath } from '../temporal/worker';
import type { WorkerTracing } from '../telemetry/tracing';
import { buildApp, buildServices, type Services } from './build';
import { lockEmbeddedDatabase } from '../db/embedded-lock';
import { errorMessage } from '../errors';

/**
 * Builders shared by the composition roots (src/main/{api,worker,dev}.ts). Only these
 * construct real clients; everything below them receives its dependencies.
 */

export async function openConfiguredDatabase(config: Config, log: Logger): Promise<DatabaseHandle> {
  // The embedded database is one process's: a second one is refused with what to do instead.
  const release = config.database.url ? undefined : lockEmbeddedDatabase(config.database.pgliteDir, runningCommand());
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase({
      url: config.database.url,
      pgliteDir: config.database.pgliteDir,
      poolSize: config.database.poolSize,
      preparedStatements: config.database.preparedStatements,
    });
  } catch (error) {
    release?.();
    throw error;
  }
  log.info(`Database: ${handle.driver} at ${handle.location}`);
  if (!release) return handle;
  process.once('exit', release);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      release();
    },
  };
}

/** This process as people know it (`dev.ts`, `admin.ts key:create`): never its other arguments, which may hold secrets. */
function runningCommand(): string {
  const script = path.basename(process.argv[1] ?? 'node');
  const subcommand = process.argv[2]?.match(/^[\w:-]+$/)?.[0];
  return subcommand ? `${script} ${subcommand}` : script;
}

export interface ConfiguredLlm {
  llm: LlmClient;
  /** Present in LLM_MODE=fake: the local fake Claude serving recorded replies. */
  fake?: FakeAnthropic;
  close(): Promise<void>;
}

export async function createConfiguredLlm(config: Config, log: Logger): Promise<ConfiguredLlm> {
  if (config.llm.mode === 'fake') {
    const fake = await startFakeAnthropic({ fallback: recordedStageReplies });
    log.warn(
      `LLM_MODE=fake: model answers are RECORDED fixtures from a local fake Claude at ${fake.url}, not Claude. ` +
        'Set ANTHROPIC_API_KEY to use the real API.',
    );
    const llm = createAnthropicClient({ apiKey: undefined, baseUrl: fake.url, timeoutMs: config.llm.requestTimeoutMs });
    return { llm, fake, close: () => fake.close() };
  }
  const llm = createAnthropicClient({
    apiKey: config.llm.apiKey,
    baseUrl: config.llm.baseUrl,
    timeoutMs: config.llm.requestTimeoutMs,
  });
  return { llm, close: async () => undefined };
}

export async function createConfiguredWorker(
  config: Config,
  deps: { connection: NativeConnection; db: DatabaseHandle; llm: LlmClient; client: Client; sandbox: CommandSandbox; people?: PeopleDirectory; tracing?: WorkerTracing | undefined },
): Promise<IssueWorker> {
  // Tracing on: the traced bundle `npm run build:workflows` writes beside the plain one.
  const bundlePath = config.temporal.workflowBundlePath && deps.tracing ? tracedBundlePath(config.temporal.workflowBundlePath) : config.temporal.workflowBundlePath;
  if (bundlePath && !fs.existsSync(bundlePath)) {
    throw new Error(`${bundlePath} (from WORKFLOW_BUNDLE_PATH${deps.tracing ? ', traced' : ''}) does not exist; run \`npm run build:workflows\` first.`);
  }
  return createIssueWorker({
    connection: deps.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({
      db: deps.db.db,
      ...(deps.people ? { people: deps.people } : {}),
      llm: deps.llm,
      models: config.llm.models,
      maxOutputTokens: config.llm.maxOutputTokens,
      workspacesDir: config.workspacesDir,
      mirrorsDir: config.mirrorsDir,
      sandbox: deps.sandbox,
      github: config.github,
      publicBaseUrl: config.http.publicBaseUrl,
      temporal: deps.client,
      maxConcurrentSkillRuns: config.temporal.maxConcurrentSkillRuns,
      outbound: config.outbound,
      ...(config.mcpStdioDir ? { mcpStdioDir: config.mcpStdioDir } : {}),
      transfers: createTransferStore(config.transferDir),
    }),
    workflowBundle: bundlePath ? { codePath: bundlePath } : undefined,
    deployment: config.temporal.deployment.buildId ? { name: config.temporal.deployment.name, buildId: config.temporal.deployment.buildId } : undefined,
    ...(deps.tracing ? { tracing: deps.tracing } : {}),
  });
}

/**
 * Call once the worker polls. A versioned worker says which build it is and, if its deployment
 * never had a current build (a first deployment), promotes its own; later builds are promoted
 * by the operator (`npm run deployment -- promote`), so a rollout is always a decision. When
 * it is not current, it checks that whatever new runs go to has workers, and says loudly if
 * not (e.g. a versioned build replaced in place: new issues would wait for ever). It checks
 * twice: soon after start, and once a stopped build's last polls are too old to count (they
 * are listed for up to the check's 90 s).
 */
export function announceDeployment(client: Client, version: IssueWorker['version'], taskQueue: string, log: Logger): void {
  if (!version) return;
  const { deploymentName, buildId } = version;
  log.info(`Versioned worker: deployment ${deploymentName}, build ${buildId} (issue and skill runs are pinned to the build they start on)`);
  const checkRouting = async () => {
    for (const afterMs of [5_000, 90_000]) {
      await new Promise((resolve) => setTimeout(resolve, afterMs).unref());
      const stranded = await requireWorkersPolling(client, taskQueue).then(
        () => false,
        (error: unknown) => {
          log.error(`New runs are stranded: ${errorMessage(error)}. If this build should take them: npm run deployment -- promote ${buildId}`);
          return true;
        },
      );
      if (stranded) return;
    }
  };
  promoteIfNoCurrent(client, deploymentName, buildId, `worker ${os.hostname()}:${process.pid}`).then(
    async (outcome) => {
      if (outcome === 'promoted') log.info(`Build ${buildId} is now current in ${deploymentName} (it had no current build)`);
      if (outcome === 'already-current') return;
      if (outcome === 'other-current') log.warn(`Build ${buildId} is not current in ${deploymentName}: it serves only runs pinned to it until \`npm run deployment -- promote ${buildId}\``);
      if (outcome === 'routed-to-unversioned') log.warn(`Deployment ${deploymentName} was routed to unversioned workers: build ${buildId} serves only runs pinned to it until \`npm run deployment -- promote ${buildId}\``);
      if (outcome !== 'promoted') await checkRouting();
    },
    (error: unknown) => log.warn(`Could not check deployment ${deploymentName}: ${errorMessage(error)}`),
  );
}

/** Every queue of the workspace pool: the default pool's and each capability's. */
function poolQueues(pool: WorkspacePoolPolicy): string[] {
  return [pool.taskQueue, ...pool.capabilities.map((capability) => capabilityQueue(pool.taskQueue, capability))];
}

/** The services the API calls (also swept for recovery by the API process). */
export function createConfiguredServices(config: Config, deps: { client: Client; db: DatabaseHandle; principals?: PrincipalCache; people?: PeopleDirectory }): Services {
  const pool = workspacePoolPolicy(config);
  return buildServices({
    ...(deps.principals ? { principals: deps.principals } : {}),
    ...(deps.people ? { people: deps.people } : {}),
    db: deps.db.db,
    temporal: deps.client,
    taskQueue: config.temporal.taskQueue,
    namespace: config.temporal.namespace,
    publicBaseUrl: config.http.publicBaseUrl,
    temporalUiUrl: config.temporal.uiUrl,
    maxConcurrentPipelines: config.temporal.maxConcurrentPipelines,
    outbound: config.outbound,
    ...(pool ? { workspacePool: pool } : {}),
  });
}

export function createConfiguredApp(config: Config, deps: { client: Client; db: DatabaseHandle; log: Logger }, services = createConfiguredServices(config, deps)) {
  const pool = workspacePoolPolicy(config);
  const health = cachedHealthChecks({
    database: () => deps.db.db.execute('select 1'),
    temporal: () => deps.client.connection.withDeadline(Date.now() + 1_000, () => deps.client.connection.workflowService.getSystemInfo({})),
    // Issues are accepted without workers, but nothing moves: degraded, and the ERP sees why
    // (this API stays ready: it can still take submissions).
    workers: () => deps.client.connection.withDeadline(Date.now() + 1_000, () => requireWorkersPolling(deps.client, config.temporal.taskQueue)),
    // With a workspace pool: each of its queues (the default pool's and each capability's) has a worker.
    ...(pool ? { workspaceWorkers: () => deps.client.connection.withDeadline(Date.now() + 1_000, () => requireActivityPollers(deps.client, poolQueues(pool))) } : {}),
  });
  return buildApp(services, {
    db: deps.db.db,
    console: { publicBaseUrl: config.http.publicBaseUrl, listen: deps.db.listen },
    health: () => health.read(),
    sandbox: sandboxHealth(config.sandbox),
    ...(config.metrics.token ? { metricsToken: config.metrics.token } : {}),
    log: deps.log,
  });
}
