import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createBubblewrapSandbox } from '../../src/sandbox/bubblewrap';
import type { CommandSandbox } from '../../src/sandbox/sandbox';
import { Client, type ClientInterceptors, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import { type DatabaseHandle, openDatabase } from '../../src/db/client';
import type { NewIssue } from '../../src/db/issues';
import { issueWorkflowId, skillWorkflowId } from '../../workflows/definitions';
import { createInvocation } from '../../src/db/skills';
import { createOrganization, issueApiKey, type Organization } from '../../src/db/organizations';
import { testEnv } from './env';

/** Shared test plumbing: real Postgres, the real Temporal dev server, unique names. */

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  } catch {
    // already installed by an earlier file in this process
  }
}

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function openTestDatabase(): Promise<DatabaseHandle> {
  return openDatabase({ url: testEnv('databaseUrl'), pgliteDir: '', poolSize: 5 });
}

/** An issue row for repository-level tests (no workflow behind it). */
export function newTestIssue(organizationId: string, overrides: Partial<NewIssue> = {}): NewIssue {
  const externalId = overrides.externalId ?? uniqueId('ext');
  return {
    organizationId,
    source: 'erp',
    externalId,
    type: 'bug',
    priority: 'high',
    title: 'Totals off by one',
    description: 'details',
    module: 'billing',
    context: { module: 'billing' },
    workflowId: issueWorkflowId(overrides.organizationId ?? organizationId, 'erp', externalId),
    ...overrides,
  };
}

export async function createTestOrganization(
  db: DatabaseHandle,
  tier: Organization['tier'] = 'pro',
): Promise<{ organization: Organization; apiKey: string }> {
  const organization = await createOrganization(db.db, { id: uniqueId('org'), name: 'Test organization', tier });
  // The tests' service key: every endpoint, and it may name the reviewer it acts for.
  const { key } = await issueApiKey(db.db, organization.id, 'test', { scopes: ['admin', 'act-as'] });
  return { organization, apiKey: key };
}

export interface TemporalHarness {
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/** `interceptors`: the client's (tracing's, tests/e2e/tracing.test.ts). */
export async function connectTemporal(interceptors?: ClientInterceptors): Promise<TemporalHarness> {
  quietRuntime();
  const address = testEnv('temporalAddress');
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace: 'default', ...(interceptors ? { interceptors } : {}) }),
    nativeConnection,
    async close() {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** A worker on its own task queue with the prebuilt test bundle. */
export async function createTestWorker(
  harness: TemporalHarness,
  activities: Partial<Activities> | Activities,
  taskQueue: string = uniqueId('tq'),
): Promise<{ worker: Worker; taskQueue: string }> {
  const worker = await Worker.create({
    connection: harness.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities,
    workflowBundle: { codePath: testEnv('workflowBundle') },
    shutdownGraceTime: '2 seconds',
    maxHeartbeatThrottleInterval: '1 second',
  });
  return { worker, taskQueue };
}

/** Polls `read` until `done` holds or the timeout passes; returns the last value. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/**
 * With RECORD_HISTORIES=1, saves a finished workflow's history for the replay test
 * (tests/workflows/replay.test.ts). Commit the file; keep old ones while runs of that
 * shape may still be in flight anywhere.
 */
export async function recordHistoryIfAsked(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const file = path.resolve(__dirname, '../workflows/histories', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // protobufjs' toJSON: proto3 JSON (int64 as strings, enums by name), what historyFromJSON reads.
  fs.writeFileSync(file, `${JSON.stringify(history, null, 1)}\n`);
}

/** Workspace settings for activities in tests: clones under .data/test, a local fake GitHub. */
let sandbox: CommandSandbox | undefined;

/** The real bubblewrap sandbox (installed by .ci/run); egress may reach the tests' loopback servers. */
export function testSandbox(): CommandSandbox {
  sandbox ??= createBubblewrapSandbox({ egressAllowPrivateAddresses: true });
  return sandbox;
}

export function testWorkspaceDeps(githubApiUrl = 'http://127.0.0.1:9') {
  return {
    workspacesDir: path.resolve(__dirname, '../../.data/test/workspaces'),
    mirrorsDir: path.resolve(__dirname, '../../.data/test/git-mirrors'),
    sandbox: testSandbox(),
    github: { token: 'ghp_test_token', apiUrl: githubApiUrl },
    publicBaseUrl: 'http://localhost:3000',
    // The tests' receivers (fake ERP, notification channels) listen on loopback over http.
    outbound: { allowPrivate: true },
  };
}

/**
 * A skill run's row as the API writes it before starting its workflow (status pending, no
 * workflow yet): for tests of what reads invocations (recovery, feedback, the inbox).
 */
export async function createTestInvocation(db: DatabaseHandle, organizationId: string, input: Record<string, unknown> = {}): Promise<string> {
  const id = randomUUID();
  await createInvocation(db.db, {
    id,
    organizationId,
    workflowId: skillWorkflowId(organizationId, id),
    skillSlug: 'client-analyzer',
    personaSlug: 'operations-assistant',
    triggeredBy: 'api',
    eventId: null,
    entityType: null,
    entityId: null,
    input,
  });
  return id;
}
