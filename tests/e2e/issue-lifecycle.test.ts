import { createAccessService } from '../../src/identity/service';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { testWorkspaceDeps } from '../support/harness';
import { createApp } from '../../src/api/app';
import { checked } from '../support/contract';
import { stageToolNames } from '../../src/contracts/stages';
import type { DatabaseHandle } from '../../src/db/client';
import { listLlmCalls } from '../../src/db/llm-calls';
import { listLogs } from '../../src/db/logs';
import { listSteps } from '../../src/db/steps';
import { organizations } from '../../src/db/schema';
import { eq } from 'drizzle-orm';
import { type FakeAnthropic, type FakeReply, startFakeAnthropic } from '../../src/fakes/fake-anthropic';
import { createIssueService, type IssueView } from '../../src/issues/service';
import { temporalRuns } from '../../src/temporal/runs';
import { createAnthropicClient } from '../../src/llm/anthropic';
import { costUsd } from '../../src/llm/pricing';
import {
  connectTemporal,
  createTestOrganization,
  createTestWorker,
  eventually,
  openTestDatabase,
  recordHistoryIfAsked,
  type TemporalHarness,
  uniqueId,
} from '../support/harness';

/**
 * The walking skeleton end to end, for real: HTTP → Postgres → Temporal → worker →
 * activities → @anthropic-ai/sdk → the fake Claude over HTTP → Postgres → HTTP.
 */

const MODELS = { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-6', large: 'claude-opus-4-6' };

const reply = {
  classify: (overrides: Record<string, unknown> = {}): FakeReply => ({
    tool: stageToolNames.classify,
    input: { type: 'bug', priority: 'high', module: 'billing', complexity: 5, capabilities: ['typescript'], summary: 'Rounding bug', ...overrides },
  }),
  triage: (): FakeReply => ({ tool: stageToolNames.triage, input: { route: 'research_and_code', reason: 'Needs a code fix', answer: null } }),
  research: (): FakeReply => ({
    tool: stageToolNames.research,
    input: { rootCause: 'Math.round on each line', filesInvolved: ['src/invoice.ts'], analysis: 'Each line is rounded before summing.' },
  }),
  code: (): FakeReply => ({
    tool: stageToolNames.code,
    input: { summary: 'Round once, at the end', filesChanged: ['src/invoice.ts'], diff: '--- a/src/invoice.ts\n+++ b/src/invoice.ts\n@@ -1 +1 @@\n-a\n+b\n' },
  }),
  review: (): FakeReply => ({ tool: stageToolNames.review, input: { verdict: 'approve', comments: [], summary: 'Correct and minimal' } }),
};

describe('issue lifecycle end to end', () => {
  let db: DatabaseHandle;
  let temporal: TemporalHarness;
  let fake: FakeAnthropic;
  let worker: Worker;
  let workerRun: Promise<void>;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    db = await openTestDatabase();
    temporal = await connectTemporal();
    fake = await startFakeAnthropic();
    const llm = createAnthropicClient({ apiKey: 'sk-test', baseUrl: fake.url, timeoutMs: 10_000 });
    const activities = createActivities({ db: db.db, llm, models: MODELS, maxOutputTokens: 1024, ...testWorkspaceDeps() });
    const created = await createTestWorker(temporal, activities);
    worker = created.worker;
    workerRun = worker.run();
    const issues = createIssueService({
      db: db.db,
      runs: temporalRuns(temporal.client),
      taskQueue: created.taskQueue,
      publicBaseUrl: 'http://localhost:3000',
      namespace: 'default',
    });
    app = checked(createApp({
      issues,
      access: createAccessService(db.db),
      health: async () => ({}),
      logError: () => undefined,
    }));
  });

  afterAll(async () => {
    worker.shutdown();
    await workerRun;
    await fake.close();
    await temporal.close();
    await db.close();
  });

  /** An organization whose issues end after review (no final approval gate). */
  async function newOrganization() {
    const created = await createTestOrganization(db);
    await db.db.update(organizations).set({ settings: { finalApproval: 'never' } }).where(eq(organizations.id, created.organization.id));
    return created;
  }

  afterEach(() => {
    // Every scripted reply was consumed: no test leaks replies into the next.
    expect(Object.values(fake.pending()).every((count) => count === 0)).toBe(true);
  });

  async function submit(apiKey: string, externalId = uniqueId('ERP')) {
    const response = await app.request('/api/issues', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: 'erp',
        externalId,
        type: 'BUG',
        priority: 'HIGH',
        title: 'Invoice totals are off by one cent',
        description: 'Multi-line invoices total one cent too much.',
        context: { module: 'billing' },
      }),
    });
    return { response, body: (await response.json()) as { id: string; workflowId: string; created: boolean } };
  }

  async function waitForEnd(apiKey: string, id: string): Promise<IssueView> {
    return eventually(
      async () => (await (await app.request(`/api/issues/${id}`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as IssueView,
      (issue) => ['completed', 'failed', 'rejected', 'cancelled'].includes(issue.status),
      45_000,
    );
  }

  it('runs all five stages against Claude and records steps, calls, usage and cost', async () => {
    const { apiKey, organization } = await newOrganization();
    fake.onTool(stageToolNames.classify, reply.classify());
    fake.onTool(stageToolNames.triage, reply.triage());
    fake.onTool(stageToolNames.research, reply.research());
    fake.onTool(stageToolNames.code, reply.code());
    fake.onTool(stageToolNames.review, reply.review());
    const requestsBefore = fake.requests.length;

    const { response, body } = await submit(apiKey, 'ERP-E2E-1');
    expect(response.status).toBe(201);
    const issue = await waitForEnd(apiKey, body.id);

    expect(issue).toMatchObject({ status: 'completed', erpStatus: 'COMPLETED', progress: 100, error: null });
    expect(issue.result).toMatchObject({ classification: { complexity: 5 }, review: { verdict: 'approve' } });
    expect(issue.job.logs.map((log) => log.message)).toContain('issue completed');

    const steps = await listSteps(db.db, organization.id, body.id);
    expect(steps.map((step) => [step.stage, step.status, step.attempts, step.model])).toEqual([
      ['classify', 'completed', 1, MODELS.small],
      ['triage', 'completed', 1, MODELS.small],
      ['research', 'completed', 1, MODELS.medium],
      ['code', 'completed', 1, MODELS.medium],
      ['review', 'completed', 1, MODELS.medium],
    ]);

    // One LLM call row per model call, with the usage the API reported and its price.
    const calls = await listLlmCalls(db.db, organization.id, body.id);
    const requests = fake.requests.slice(requestsBefore);
    expect(calls).toHaveLength(5);
    expect(requests).toHaveLength(5);
    for (const call of calls) {
      expect(call.status).toBe('ok');
      expect(call.inputTokens + call.cacheReadTokens + call.cacheWriteTokens).toBeGreaterThan(0);
      expect(call.outputTokens).toBeGreaterThan(0);
      const usage = {
        inputTokens: call.inputTokens,
        outputTokens: call.outputTokens,
        cacheReadTokens: call.cacheReadTokens,
        cacheWriteTokens: call.cacheWriteTokens,
      };
      expect(Number(call.costUsd)).toBeCloseTo(costUsd(call.model, usage), 6);
      expect(call.requestId).toMatch(/^req_fake_/);
    }
    // An ended issue still shows what it cost (from llm_calls), in its view and in the list.
    const spent = calls.reduce((sum, call) => sum + Number(call.costUsd), 0);
    expect(spent).toBeGreaterThan(0);
    expect(issue.costUsd).toBeCloseTo(spent, 6);
    const listed = (await (await app.request(`/api/issues?status=completed`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { items: IssueView[] };
    expect(listed.items.find((item) => item.id === body.id)?.costUsd).toBeCloseTo(spent, 6);

    // A repeated POST returns the same issue and does not start anything.
    const again = await submit(apiKey, 'ERP-E2E-1');
    expect(again.response.status).toBe(200);
    expect(again.body).toMatchObject({ id: body.id, workflowId: body.workflowId, created: false });

    await recordHistoryIfAsked(temporal.client, body.workflowId, 'issue-completed');
  });

  it('retries a transient 529 through Temporal and still completes', async () => {
    const { apiKey, organization } = await newOrganization();
    fake.onTool(
      stageToolNames.classify,
      { error: { status: 529, type: 'overloaded_error', message: 'Overloaded' }, headers: { 'retry-after': '1' } },
      reply.classify(),
    );
    fake.onTool(stageToolNames.triage, { error: { status: 500, type: 'api_error', message: 'Internal' } }, reply.triage());
    fake.onTool(stageToolNames.research, reply.research());
    fake.onTool(stageToolNames.code, reply.code());
    fake.onTool(stageToolNames.review, reply.review());

    const { body } = await submit(apiKey);
    const issue = await waitForEnd(apiKey, body.id);
    expect(issue.status).toBe('completed');

    const steps = await listSteps(db.db, organization.id, body.id);
    expect(steps.find((step) => step.stage === 'classify')).toMatchObject({ status: 'completed', attempts: 2 });
    expect(steps.find((step) => step.stage === 'triage')).toMatchObject({ status: 'completed', attempts: 2 });
    const calls = await listLlmCalls(db.db, organization.id, body.id);
    expect(calls.filter((call) => call.status === 'error').map((call) => [call.stage, call.attempt])).toEqual([
      ['classify', 1],
      ['triage', 1],
    ]);
    expect(calls.filter((call) => call.status === 'ok')).toHaveLength(5);
  });

  it('records a stage that fails on invalid output: the step failed with its log line, and both paid calls', async () => {
    const { apiKey, organization } = await newOrganization();
    const invalid = { tool: stageToolNames.classify, input: { complexity: 'very' } };
    fake.onTool(stageToolNames.classify, invalid, invalid); // the answer and its one repair
    const { body } = await submit(apiKey);
    const issue = await waitForEnd(apiKey, body.id);
    expect(issue.status).toBe('failed');
    const steps = await listSteps(db.db, organization.id, body.id);
    expect(steps.find((step) => step.stage === 'classify')).toMatchObject({ status: 'failed', error: expect.stringContaining('invalid model output') });
    const logs = await listLogs(db.db, organization.id, body.id);
    expect(logs.map((log) => log.message)).toContainEqual(expect.stringMatching(/^classify failed: .*invalid model output/));
    const calls = await listLlmCalls(db.db, organization.id, body.id);
    expect(calls.map((call) => [call.stage, call.status])).toEqual([
      ['classify', 'ok'],
      ['classify', 'ok'],
    ]);
  });

  it('fails the stage without retrying on a 400 and ends the issue failed with a readable error', async () => {
    const { apiKey, organization } = await newOrganization();
    fake.onTool(stageToolNames.classify, reply.classify());
    fake.onTool(stageToolNames.triage, reply.triage());
    fake.onTool(stageToolNames.research, {
      error: { status: 400, type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' },
    });
    const requestsBefore = fake.requests.length;

    const { body } = await submit(apiKey);
    const issue = await waitForEnd(apiKey, body.id);
    expect(issue.status).toBe('failed');
    expect(issue.erpStatus).toBe('FAILED');
    expect(issue.error).toBe(
      'research failed: Claude API 400 invalid_request_error: prompt is too long: 210000 tokens > 200000 maximum',
    );
    const researchRequests = fake.requests
      .slice(requestsBefore)
      .filter((request) => request.key === stageToolNames.research);
    expect(researchRequests).toHaveLength(1); // not retried
    const steps = await listSteps(db.db, organization.id, body.id);
    expect(steps.find((step) => step.stage === 'research')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(steps.map((step) => step.stage)).not.toContain('code');
    await recordHistoryIfAsked(temporal.client, body.workflowId, 'issue-stage-failed');
  });

  it('repairs an invalid model answer once by sending the validation errors back', async () => {
    const { apiKey, organization } = await newOrganization();
    fake.onTool(stageToolNames.classify, reply.classify({ complexity: 42 }), reply.classify());
    fake.onTool(stageToolNames.triage, { tool: stageToolNames.triage, input: { route: 'answer', reason: 'A how-to question', answer: 'Use the export button.' } });
    const requestsBefore = fake.requests.length;

    const { body } = await submit(apiKey);
    const issue = await waitForEnd(apiKey, body.id);
    expect(issue.status).toBe('completed');
    const repair = fake.requests.slice(requestsBefore)[1]!;
    expect(JSON.stringify(repair.body.messages.at(-1))).toMatch(/tool_result.*is_error.*complexity/);
    const calls = await listLlmCalls(db.db, organization.id, body.id);
    expect(calls.filter((call) => call.stage === 'classify')).toHaveLength(2);
  });

  it('fails cleanly when the model answer is still invalid after the repair turn', async () => {
    const { apiKey } = await newOrganization();
    fake.onTool(stageToolNames.classify, reply.classify({ priority: 'urgent' }), reply.classify({ priority: 'urgent' }));

    const { body } = await submit(apiKey);
    const issue = await waitForEnd(apiKey, body.id);
    expect(issue.status).toBe('failed');
    expect(issue.error).toMatch(/^classify failed: classify: invalid model output after 1 repair turn\(s\): .*priority/s);
  });
});
