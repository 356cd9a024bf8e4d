/**
 * A workspace worker (README "Worker pools"): clones, file tools, commands, tests and commits
 * for the issues routed to its pool, every command in the sandbox. It holds no database URL,
 * model key or code-host token, and refuses to start with one in its environment: what it
 * needs comes in each activity's input, and bundles through TRANSFER_DIR.
 */
import { ConfigError, loadConfig, secretsInWorkspaceWorkerEnvironment, workspaceWorkerQueues } from '../config';
import { createLogger } from '../logger';
import { checkSandboxReaches, createConfiguredSandbox, describeSandbox } from '../sandbox';
import { connectWorker } from '../temporal/connection';
import { installTemporalRuntime } from '../temporal/runtime';
import { createWorkspaceWorkers, hostQueueName } from '../temporal/workspace-workers';
import { startWorkspaceSweep } from '../workspace/sweep';
import { createTransferStore } from '../workspace/transfers';
import { processLogger } from './logging';
import { requireTemporalAddress } from './require-temporal';

async function main(): Promise<void> {
  const secrets = secretsInWorkspaceWorkerEnvironment(process.env);
  if (secrets.length > 0) {
    throw new ConfigError([
      `a workspace worker runs beside repository code and must hold no secrets; unset ${secrets.join(', ')} (it needs only Temporal, WORKSPACES_DIR, TRANSFER_DIR and the sandbox settings)`,
    ]);
  }
  const config = loadConfig();
  const log = processLogger(config, 'workspace-worker');
  installTemporalRuntime({ logLevel: config.logLevel === 'debug' ? 'DEBUG' : 'INFO', log: log.child({ component: 'temporal-sdk' }), metricsBindAddress: config.metrics.temporalBindAddress });
  const address = requireTemporalAddress(config, 'workspace worker');
  // Before anything else: a worker that cannot confine repository commands does not start.
  const sandbox = createConfiguredSandbox(config.sandbox, (message) => log.warn(message));
  await checkSandboxReaches(sandbox, config.workspacesDir);
  log.info(`Sandbox: ${describeSandbox(sandbox)}`);
  const connection = await connectWorker(config.temporal, address);
  const queues = workspaceWorkerQueues(config);
  const workers = await createWorkspaceWorkers({
    connection,
    namespace: config.temporal.namespace,
    queues,
    hostQueue: hostQueueName(config.workspacePool.taskQueue),
    deps: { sandbox, workspacesDir: config.workspacesDir, transfers: createTransferStore(config.transferDir) },
  });
  // Only the TTL rule: this worker cannot see which issues ended (each ending issue removes its own workspace).
  const stopSweep = startWorkspaceSweep({ workspacesDir: config.workspacesDir, ttlMs: config.workspaceTtlHours * 3_600_000, log });
  log.info(`Workspace worker polling ${queues.join(', ')} and its own ${workers.hostQueue} on ${address} (${config.temporal.namespace}); workspaces in ${config.workspacesDir}, transfers in ${config.transferDir}`);
  try {
    await workers.run();
  } finally {
    stopSweep();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  createLogger('error', 'workspace-worker').error('the workspace worker could not start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
