import { listToolCalls } from '../../src/db/agent-transcripts';
import { listSteps } from '../../src/db/steps';
import { Client, Connection } from '@temporalio/client';
import type { DatabaseHandle } from '../../src/db/client';
import { getIssue } from '../../src/db/issues';
import { buildApp, buildServices, type Services } from '../../src/main/build';
import { type CachedHealth, cachedHealthChecks } from '../../src/main/health';
import { briefGrpcRetries } from '../../src/temporal/connection';
import { checked } from '../support/contract';
import { eventually } from '../support/harness';
import { testEnv } from '../support/env';
import { type FaultProxy, proxiedTestDatabase, startFaultProxy } from '../support/fault-proxy';
import { type PipelineHarness, REVIEWER, reply, scriptHappyPath, startPipelineHarness } from '../support/pipeline';

/**
 * The API while PostgreSQL or Temporal is unreachable. Its connections to both go through
 * proxies the tests cut (connections reset, the port refusing new ones); the worker's do not,
 * so the pipelines themselves carry on. Before: 500 INTERNAL after hangs of ~20 s, and a
 * submission lost to its caller. Now: 503 UPSTREAM_UNAVAILABLE with Retry-After in seconds, a
 * stored submission accepted (202) and started once Temporal is back, /health at once.
 */
describe('dependency outages, as the API sees them', () => {
  let h: PipelineHarness;
  let postgresProxy: FaultProxy;
  let temporalProxy: FaultProxy;
  let apiDb: DatabaseHandle;
  let apiConnection: Connection;
  let services: Services;
  let health: CachedHealth;
  let app: ReturnType<typeof buildApp>;

  beforeAll(async () => {
    h = await startPipelineHarness();
    ({ proxy: postgresProxy, db: apiDb } = await proxiedTestDatabase({ poolSize: 3 }));
    const [host, port] = testEnv('temporalAddress').split(':');
    temporalProxy = await startFaultProxy({ host: host ?? '127.0.0.1', port: Number(port) });
    apiConnection = await Connection.connect({ address: `127.0.0.1:${temporalProxy.port}`, interceptors: briefGrpcRetries() });
    const apiClient = new Client({ connection: apiConnection, namespace: 'default' });
    services = buildServices({ db: apiDb.db, temporal: apiClient, taskQueue: h.taskQueue, namespace: 'default', publicBaseUrl: 'http://localhost:3000' });
    health = cachedHealthChecks(
      {
        database: () => apiDb.db.execute('select 1'),
        temporal: () => apiConnection.withDeadline(Date.now() + 1_000, () => apiConnection.workflowService.getSystemInfo({})),
      },
      { intervalMs: 200 },
    );
    app = checked(buildApp(services, { db: apiDb.db, health: () => health.read(), logError: () => undefined }));
  });
  afterAll(async () => {
    await health.stop();
    // The clients before their proxies: a proxy closing first would reset their connections.
    await apiConnection.close();
    await apiDb.close();
    await postgresProxy.close();
    await temporalProxy.close();
    await h.close();
  });

  const call = async (apiKey: string, path: string, body?: unknown) =>
    app.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const timed = async (request: () => Promise<Response>) => {
    const started = Date.now();
    const response = await request();
    return { response, ms: Date.now() - started, body: (await response.json()) as Record<string, unknown> };
  };
  const issueBody = (externalId: string) => ({ source: 'erp', externalId, type: 'bug', priority: 'medium', title: 'During an outage', context: { module: 'billing' } });
  const healthNow = async () => {
    await new Promise((resolve) => setTimeout(resolve, 600)); // two refreshes of the cached checks
    return timed(async () => app.request('/health'));
  };

  it('PostgreSQL down: 503 UPSTREAM_UNAVAILABLE with Retry-After within seconds, for reads, writes and unknown keys alike; normal once it is back', async () => {
    const { apiKey } = await h.newOrganization();
    expect((await call(apiKey, '/api/issues')).status).toBe(200);
    await postgresProxy.cut();
    try {
      for (const request of [() => call(apiKey, '/api/issues'), () => call(apiKey, '/api/issues', issueBody('PG-DOWN')), () => call('ak_unknown_key', '/api/issues')]) {
        const { response, ms, body } = await timed(request);
        expect(response.status).toBe(503); // not a 500, and not a 401 for a key that could not be checked
        expect(body).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE', message: expect.stringContaining('PostgreSQL is unreachable') } });
        expect(response.headers.get('retry-after')).toBe('5');
        expect(ms).toBeLessThan(4_000);
      }
      const degraded = await healthNow();
      expect(degraded.ms).toBeLessThan(1_000);
      expect(degraded.response.status).toBe(503);
      expect(degraded.body).toMatchObject({ status: 'degraded', checks: { database: false, temporal: true } });
      // And it stays fast as the outage goes on: postgres.js's reconnect backoff once grew to
      // 20 s and requests queued behind it (npm run chaos saw reads hang 10 s).
      for (let n = 0; n < 16; n += 1) {
        const { response, ms } = await timed(() => call(apiKey, '/api/issues'));
        expect(response.status).toBe(503);
        expect(ms).toBeLessThan(4_000);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      await postgresProxy.restore();
    }
    // Back within seconds: the pool reconnects, the next health reading passes.
    await eventually(async () => (await healthNow()).body, (body) => body['status'] === 'healthy', 10_000);
    expect((await call(apiKey, '/api/issues')).status).toBe(200);
  });

  it('Temporal down: a submission is stored and accepted (202, queued) within seconds, and runs once the sweep finds Temporal back', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ finalApproval: 'never' });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'answer', answer: 'Totals are rounded per line.' }));
    await temporalProxy.cut();
    let id: string;
    try {
      const submitted = await timed(() => call(apiKey, '/api/issues', issueBody('T-DOWN-1')));
      expect(submitted.response.status).toBe(202);
      expect(submitted.body).toMatchObject({ status: 'queued', created: true });
      expect(submitted.ms).toBeLessThan(4_000);
      id = submitted.body['id'] as string;
      expect(await getIssue(h.db.db, organizationId, id)).toMatchObject({ status: 'queued', workflowStartedAt: null });
      // Reads still answer, from what Postgres recorded.
      const read = await timed(() => call(apiKey, `/api/issues/${id}`));
      expect(read.response.status).toBe(200);
      expect(read.body).toMatchObject({ status: 'queued' });
      const degraded = await healthNow();
      expect(degraded.ms).toBeLessThan(1_000);
      expect(degraded.body).toMatchObject({ status: 'degraded', checks: { database: true, temporal: false } });
    } finally {
      await temporalProxy.restore();
    }
    // The sweep (every minute in the API) starts it once the client reaches Temporal again.
    await eventually(() => services.issues.recoverUnstarted(0, { organizationId }), (swept) => swept.started === 1, 30_000);
    expect((await h.waitForEnd(apiKey, id)).status).toBe('completed');
  });

  it('Temporal down: a decision is refused with 503 within seconds and not applied; the same decision succeeds once Temporal is back', async () => {
    const { apiKey } = await h.newOrganization();
    scriptHappyPath(h.fake);
    const { id } = await h.submit(apiKey);
    await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_approval');
    const decision = { decision: 'approve', reviewer: REVIEWER, gate: 'final' };
    await temporalProxy.cut();
    try {
      const refused = await timed(() => call(apiKey, `/api/issues/${id}/approval`, decision));
      expect(refused.response.status).toBe(503);
      expect(refused.body).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE', message: expect.stringContaining('Temporal is unreachable') } });
      expect(refused.ms).toBeLessThan(4_000);
    } finally {
      await temporalProxy.restore();
    }
    expect((await h.get(apiKey, id)).status).toBe('awaiting_approval'); // nothing half-applied
    // The caller retries as Retry-After says; the client's channel reconnects within seconds.
    const approved = await eventually(async () => (await call(apiKey, `/api/issues/${id}/approval`, decision)).status, (status) => status !== 503, 15_000);
    expect(approved).toBe(200);
    expect((await h.waitForEnd(apiKey, id)).status).toBe('completed');
  });
});

/**
 * The worker while its PostgreSQL is away for 20 s in the middle of a pipeline (its activities
 * reach the database through a proxy the test cuts). Before: the tool call's retry policy gave
 * up after ~15 s and the issue failed for good. Now every activity's policy outlasts minutes.
 */
describe("a pipeline while the worker's PostgreSQL is down", () => {
  let proxy: FaultProxy;
  let workerDb: DatabaseHandle;
  let h: PipelineHarness;

  beforeAll(async () => {
    ({ proxy, db: workerDb } = await proxiedTestDatabase({ poolSize: 5 }));
    h = await startPipelineHarness({ activityDb: workerDb });
  });
  afterAll(async () => {
    await h.close();
    await workerDb.close();
    await proxy.close();
  });

  it('completes after a 20 s outage in the research stage, every step once', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ finalApproval: 'never' });
    scriptHappyPath(h.fake);
    const { id } = await h.submit(apiKey);
    await h.waitFor(apiKey, id, (issue) => issue.stage === 'research');
    await proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    await proxy.restore();
    const ended = await h.waitForEnd(apiKey, id, 120_000);
    expect(ended).toMatchObject({ status: 'completed', error: null });
    const steps = await listSteps(h.db.db, organizationId, id);
    expect(steps.map((step) => [step.stage, step.status])).toEqual([
      ['classify', 'completed'],
      ['triage', 'completed'],
      ['research', 'completed'],
      ['code', 'completed'],
      ['review', 'completed'],
    ]);
    // The research loop's tools ran once each although their activities were retried.
    const executed = (await listToolCalls(h.db.db, { organizationId, issueId: id })).filter((call) => call.executions > 0);
    expect(executed.every((call) => call.executions === 1)).toBe(true);
  }, 180_000);
});
