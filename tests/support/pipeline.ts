import { createOrchestratorClient, type OrchestratorClient } from '../../src/client';
import { checked, fetchThrough } from './contract';
import { type ChildProcess, spawn } from 'node:child_process';
import type { ClientInterceptors } from '@temporalio/client';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { type Activities, createActivities } from '../../activities';
import { testWorkspaceDeps } from './harness';
import { testEnv } from './env';
import type { OrganizationSettingsInput } from '../../src/contracts/policy';
import type { DatabaseHandle } from '../../src/db/client';
import { addReviewer } from '../../src/db/people';
import { organizations } from '../../src/db/schema';
import { type FakeAnthropic, type FakeReply, startFakeAnthropic } from '../../src/fakes/fake-anthropic';
import type { IssueView } from '../../src/issues/service';
import { buildApp, buildServices } from '../../src/main/build';
import { listeningPeopleDirectory } from '../../src/identity/people-directory';
import { listeningPrincipalCache } from '../../src/identity/principal-cache';
import { createAnthropicClient } from '../../src/llm/anthropic';
import type { WorkspacePoolPolicy } from '../../workflows/shared/workspace-pool';
import type { CommandSandbox } from '../../src/sandbox/sandbox';
import { createTransferStore } from '../../src/workspace/transfers';
import {
  connectTemporal,
  createTestOrganization,
  createTestWorker,
  eventually,
  openTestDatabase,
  type TemporalHarness,
  uniqueId,
} from './harness';

/**
 * The whole pipeline for scenario tests: real Postgres, the real Temporal server, the real
 * activities and SDK, the fake Claude over HTTP, and the HTTP API through app.request().
 */

export const MODELS = { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-6', large: 'claude-opus-4-6' };
export const SAMPLE_REPO = path.resolve(__dirname, '../../examples/invoice-service');
export const REVIEWER = 'alice';
/** A reviewer with the admin role (raises budgets). */
export const ADMIN_REVIEWER = 'olivia';

/** Settings that keep tests fast: short human timers, quick retry of lost activities. */
export const FAST_SETTINGS: OrganizationSettingsInput = {
  timers: { reminderSeconds: 60, escalationSeconds: 120, expirySeconds: 300 },
  repository: { path: SAMPLE_REPO },
  activityHeartbeatSeconds: 5,
};

export interface PipelineHarness {
  db: DatabaseHandle;
  temporal: TemporalHarness;
  fake: FakeAnthropic;
  taskQueue: string;
  /** The activities the harness's worker runs (for a test that starts workers of its own). */
  activities: Activities;
  newOrganization(settings?: OrganizationSettingsInput, tier?: 'free' | 'pro' | 'enterprise'): Promise<{ organizationId: string; apiKey: string }>;
  submit(apiKey: string, body?: Record<string, unknown>): Promise<{ id: string; workflowId: string }>;
  get(apiKey: string, id: string): Promise<IssueView>;
  getJson(apiKey: string, urlPath: string): Promise<unknown>;
  post(apiKey: string, urlPath: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Any method, JSON in and out (PATCH, DELETE, …). */
  call(apiKey: string, method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A raw request to the app (webhooks: their own headers, no API key). */
  request(urlPath: string, init: RequestInit): Promise<Response>;
  /** The app's own fetch (no contract check): to serve it on a port, e.g. to a browser. */
  fetch(request: Request): Response | Promise<Response>;
  /** The typed client (src/client) for this organization's key, answered by the in-process API. */
  client(apiKey: string): OrchestratorClient;
  waitFor(apiKey: string, id: string, done: (issue: IssueView) => boolean, timeoutMs?: number): Promise<IssueView>;
  waitForEnd(apiKey: string, id: string, timeoutMs?: number): Promise<IssueView>;
  /** Starts the in-process worker (when the harness was created without one). */
  startWorker(): void;
  close(): Promise<void>;
}

export async function startPipelineHarness(
  options: {
    startWorker?: boolean;
    /** The test starts its own workers on `taskQueue` (with `activities`); the harness creates none. */
    ownWorkers?: boolean;
    githubApiUrl?: string;
    maxConcurrentPipelines?: number;
    maxConcurrentSkillRuns?: number;
    /** The worker's activities use this database connection (a test may route it through a fault proxy). */
    activityDb?: DatabaseHandle;
    /** The Temporal client's interceptors (the API's and the activities' client): tracing's. */
    clientInterceptors?: ClientInterceptors;
    /** The key the Claude client sends the fake (default `sk-test`). */
    anthropicApiKey?: string;
    /** MCP_STDIO_DIR: where stdio MCP servers are installed (absent: none run). */
    mcpStdioDir?: string;
    /** Issues' repository work goes to this workspace pool (the test starts its workers). */
    workspacePool?: WorkspacePoolPolicy;
    /** TRANSFER_DIR of the orchestration activities (the pool's workers must use the same). */
    transferDir?: string;
    /** The orchestration activities' sandbox (default: the tests' bubblewrap sandbox). */
    sandbox?: CommandSandbox;
  } = {},
): Promise<PipelineHarness> {
  const db = await openTestDatabase();
  const temporal = await connectTemporal(options.clientInterceptors);
  const fake = await startFakeAnthropic();
  const llm = createAnthropicClient({ apiKey: options.anthropicApiKey ?? 'sk-test', baseUrl: fake.url, timeoutMs: 30_000 });
  // As in production: people are found (API and reviewer checks) in a notification-fed cache;
  // a test that gives the activities a database of their own has them read everything there.
  const people = await listeningPeopleDirectory(db);
  const activities = createActivities({
    db: (options.activityDb ?? db).db,
    ...(options.activityDb ? {} : { people }),
    llm,
    models: MODELS,
    maxOutputTokens: 1024,
    ...testWorkspaceDeps(options.githubApiUrl),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    ...(options.transferDir ? { transfers: createTransferStore(options.transferDir) } : {}),
    temporal: temporal.client,
    ...(options.maxConcurrentSkillRuns ? { maxConcurrentSkillRuns: options.maxConcurrentSkillRuns } : {}),
    ...(options.mcpStdioDir ? { mcpStdioDir: options.mcpStdioDir } : {}),
  });
  const taskQueue = uniqueId('tq');
  const worker = options.ownWorkers ? undefined : (await createTestWorker(temporal, activities, taskQueue)).worker;
  let workerRun = options.startWorker === false ? undefined : worker?.run();
  // As in production: keys are authenticated from the cache the database's notifications keep current.
  const principals = await listeningPrincipalCache(db);
  const services = buildServices({
    db: db.db,
    principals,
    people,
    temporal: temporal.client,
    taskQueue,
    namespace: 'default',
    publicBaseUrl: 'http://localhost:3000',
    queryTimeoutMs: 5_000,
    outbound: { allowPrivate: true },
    ...(options.maxConcurrentPipelines !== undefined ? { maxConcurrentPipelines: options.maxConcurrentPipelines } : {}),
    ...(options.workspacePool ? { workspacePool: options.workspacePool } : {}),
  });
  // Every response the tests see is held to the OpenAPI document.
  // The reviewer console too, its live timeline fed by the database's notifications (as in production).
  const built = buildApp(services, { db: db.db, console: { publicBaseUrl: 'http://localhost:3000', listen: db.listen }, health: async () => ({}), logError: () => undefined });
  const app = checked(built);
  const auth = (apiKey: string) => ({ authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' });

  const harness: PipelineHarness = {
    db,
    temporal,
    fake,
    taskQueue,
    activities,
    async newOrganization(settings = {}, tier = 'enterprise') {
      const { organization, apiKey } = await createTestOrganization(db, tier);
      await db.db
        .update(organizations)
        .set({ settings: { ...FAST_SETTINGS, ...settings } })
        .where(eq(organizations.id, organization.id));
      await addReviewer(db.db, { organizationId: organization.id, userId: REVIEWER, name: 'Alice Reviewer' });
      await addReviewer(db.db, { organizationId: organization.id, userId: ADMIN_REVIEWER, name: 'Olivia Admin', role: 'admin' });
      return { organizationId: organization.id, apiKey };
    },
    client(apiKey) {
      return createOrchestratorClient({ baseUrl: 'http://localhost:3000', apiKey, fetch: fetchThrough(app) });
    },
    async submit(apiKey, body = {}) {
      const submitted = await harness.client(apiKey).POST('/api/issues', {
        body: {
          source: 'erp',
          externalId: uniqueId('ERP'),
          type: 'bug',
          priority: 'medium',
          title: 'Invoice totals are off by one cent',
          description: 'Multi-line invoices total one cent too much.',
          context: { module: 'billing' },
          ...(body as object),
        },
      });
      if (submitted.response.status !== 201 || !submitted.data) throw new Error(`submit answered ${submitted.response.status}: ${JSON.stringify(submitted.error)}`);
      return submitted.data;
    },
    async get(apiKey, id) {
      const { data, error } = await harness.client(apiKey).GET('/api/issues/{id}', { params: { path: { id } } });
      return (data ?? error) as unknown as IssueView;
    },
    async request(urlPath, init) {
      return app.request(urlPath, init);
    },
    fetch: (request) => built.fetch(request),
    async getJson(apiKey, urlPath) {
      return (await app.request(urlPath, { headers: auth(apiKey) })).json();
    },
    async post(apiKey, urlPath, body) {
      return harness.call(apiKey, 'POST', urlPath, body);
    },
    async call(apiKey, method, urlPath, body) {
      const response = await app.request(urlPath, {
        method,
        headers: auth(apiKey),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
    },
    waitFor(apiKey, id, done, timeoutMs = 45_000) {
      return eventually(() => harness.get(apiKey, id), done, timeoutMs);
    },
    waitForEnd(apiKey, id, timeoutMs) {
      const ended = ['completed', 'failed', 'rejected', 'cancelled', 'needs_info', 'approval_expired'];
      return harness.waitFor(apiKey, id, (issue) => ended.includes(issue.status), timeoutMs);
    },
    startWorker() {
      if (!worker) throw new Error('this harness was started with ownWorkers: the test runs its workers');
      workerRun ??= worker.run();
    },
    async close() {
      if (worker && workerRun) {
        worker.shutdown();
        await workerRun;
      }
      await fake.close();
      await temporal.close();
      await principals.close();
      await people.close();
      await db.close();
    },
  };
  return harness;
}

/** Scripted model answers, by stage. */
export const reply = {
  classify: (overrides: Record<string, unknown> = {}): FakeReply => ({
    tool: 'submit_classification',
    input: { type: 'bug', priority: 'high', module: 'billing', complexity: 5, capabilities: ['javascript'], summary: 'Rounding bug', ...overrides },
  }),
  triage: (overrides: Record<string, unknown> = {}): FakeReply => ({
    tool: 'submit_triage',
    input: { route: 'research_and_code', reason: 'Needs a code fix', answer: null, question: null, ...overrides },
  }),
  call: (name: string, input: unknown): FakeReply => ({ calls: [{ name, input }] }),
  calls: (...calls: Array<[string, unknown]>): FakeReply => ({ calls: calls.map(([name, input]) => ({ name, input })) }),
  research: (overrides: Record<string, unknown> = {}): FakeReply => ({
    tool: 'submit_research',
    input: {
      rootCause: 'invoiceTotal rounds every line before summing',
      filesInvolved: ['src/invoice.js'],
      analysis: 'src/invoice.js:8 rounds each line; two 10.4-cent lines total 20, not 21.',
      ...overrides,
    },
  }),
  change: (overrides: Record<string, unknown> = {}): FakeReply => ({
    tool: 'submit_change',
    input: {
      summary: 'Sum exact line amounts and round once',
      filesChanged: ['src/invoice.js'],
      diff: '--- a/src/invoice.js\n+++ b/src/invoice.js\n@@ -8 +8 @@\n-    total += Math.round(line.quantity * line.unitPriceCents);\n+    total += line.quantity * line.unitPriceCents;\n',
      ...overrides,
    },
  }),
  review: (verdict: 'approve' | 'request_changes', overrides: Record<string, unknown> = {}): FakeReply => ({
    tool: 'submit_review',
    input: {
      verdict,
      comments: verdict === 'approve' ? [] : ['Round the total once before returning it'],
      summary: verdict === 'approve' ? 'Correct and minimal' : 'The total is no longer an integer',
      ...overrides,
    },
  }),
  controller: (answer: string): FakeReply => ({ tool: 'submit_answer', input: { answer, confident: true } }),
};

/** The shortest full run: classify, triage, a research loop with tools, one code turn, one review. */
export function scriptHappyPath(fake: FakeAnthropic): void {
  fake.onTool('submit_classification', reply.classify());
  fake.onTool('submit_triage', reply.triage());
  fake.onTool(
    'submit_research',
    reply.calls(['list_files', { path: 'src' }], ['search_files', { pattern: 'Math.round' }]),
    reply.call('read_file', { path: 'src/invoice.js', startLine: 1, endLine: 20 }),
    reply.research(),
  );
  fake.onTool('submit_change', reply.change());
  fake.onTool('submit_review', reply.review('approve'));
}

export function allRepliesUsed(fake: FakeAnthropic): boolean {
  return Object.values(fake.pending()).every((count) => count === 0);
}

/**
 * A worker for the harness's task queue in a child process (tests/support/worker-process.ts),
 * so a test can SIGKILL it: a real crash, not a graceful shutdown.
 */
export function startWorkerProcess(h: PipelineHarness, env: Record<string, string> = {}): Promise<ChildProcess> {
  const worker = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, 'worker-process.ts')], {
    env: {
      ...process.env,
      TEST_DATABASE_URL: testEnv('databaseUrl'),
      TEST_TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      TEST_WORKFLOW_BUNDLE: testEnv('workflowBundle'),
      FAKE_ANTHROPIC_URL: h.fake.url,
      TASK_QUEUE: h.taskQueue,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    worker.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker ready')) resolve(worker);
    });
    worker.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
}

/**
 * The hooks a pipeline test file repeats: one harness for the file, clean-ups run after it, and
 * (unless `everyReplyUsed` is false) a check after each test that every scripted reply was used.
 */
export function pipelineSuite(options: Parameters<typeof startPipelineHarness>[0] & { everyReplyUsed?: boolean } = {}) {
  const { everyReplyUsed = true, ...harnessOptions } = options;
  let harness: PipelineHarness | undefined;
  const cleanups: Array<() => void> = [];
  beforeAll(async () => {
    harness = await startPipelineHarness(harnessOptions);
  });
  afterAll(async () => {
    await harness?.close();
    for (const cleanup of cleanups) cleanup();
  });
  if (everyReplyUsed) {
    afterEach(() => {
      if (!harness) return;
      const used = allRepliesUsed(harness.fake);
      harness.fake.reset();
      expect(used).toBe(true);
    });
  }
  return {
    cleanups,
    harness(): PipelineHarness {
      if (!harness) throw new Error('the pipeline harness starts in beforeAll');
      return harness;
    },
  };
}
