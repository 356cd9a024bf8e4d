import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createApp } from '../../src/api/app';
import { createAccessService } from '../../src/identity/service';
import { allRepliesUsed, type PipelineHarness, reply, startPipelineHarness, startWorkerProcess } from '../support/pipeline';

/**
 * Metrics as Prometheus scrapes them: the API's /metrics (behind its token) and a worker's own
 * port, plus the Temporal SDK's metrics from the same worker — a worker process of ours, the
 * only one serving the task queue, so every series it reports is this test's work. Each is
 * scraped before and after an issue runs, and the series must move.
 */
describe('metrics', () => {
  let h: PipelineHarness;
  let worker: ChildProcess;
  const ports = { worker: 0, temporal: 0 };
  const TOKEN = 'metrics-token-0123456789';
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    h = await startPipelineHarness({ ownWorkers: true });
    ports.worker = await freePort();
    ports.temporal = await freePort();
    worker = await startWorkerProcess(h, { WORKER_METRICS_PORT: String(ports.worker), TEMPORAL_METRICS_BIND_ADDRESS: `127.0.0.1:${ports.temporal}` });
    // The API's /metrics reads the state the harness's services registered (its database).
    app = createApp({ issues: {} as never, access: createAccessService(h.db.db), health: async () => ({}), metricsToken: TOKEN });
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await h.close();
  });

  const scrapeApi = async () => (await app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

  it('moves the API, worker and Temporal SDK series when an issue runs, and keeps /metrics behind its token', async () => {
    const { organizationId, apiKey } = await h.newOrganization();
    const workerBefore = await scrape(ports.worker);
    const temporalBefore = await eventuallyText(() => scrape(ports.temporal), (text) => text.includes('temporal_'));
    const apiBefore = await scrapeApi();

    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'answer', reason: 'Answered directly' }));
    const issue = await h.submit(apiKey);
    expect(await h.waitForEnd(apiKey, issue.id)).toMatchObject({ status: 'completed' });
    expect(allRepliesUsed(h.fake)).toBe(true);

    // The worker: two model calls of this organization, their tokens and cost.
    const workerAfter = await scrape(ports.worker);
    const org = { organization: organizationId };
    expect(sum(workerAfter, 'orchestrator_model_calls_total', { ...org, status: 'ok' }) - sum(workerBefore, 'orchestrator_model_calls_total', { ...org, status: 'ok' })).toBe(2);
    expect(sum(workerAfter, 'orchestrator_model_calls_total', { ...org, stage: 'classify' })).toBe(1);
    expect(sum(workerAfter, 'orchestrator_model_tokens_total', { ...org, kind: 'output' })).toBeGreaterThan(0);
    expect(sum(workerAfter, 'orchestrator_model_cost_usd_total', org)).toBeGreaterThan(0);
    expect(workerAfter).toContain('orchestrator_process_cpu_seconds_total');

    // The Temporal SDK's own: workflow tasks completed by this worker went up.
    const temporalAfter = await scrape(ports.temporal);
    expect(sum(temporalAfter, 'temporal_workflow_task_execution_latency_count', {})).toBeGreaterThan(sum(temporalBefore, 'temporal_workflow_task_execution_latency_count', {}));
    expect(temporalAfter).toMatch(/temporal_num_pollers\{[^}]*poller_type="workflow_task"/);

    // The API: the submission's route (by pattern), and the issue among the ended ones.
    const apiAfter = await scrapeApi();
    expect(sum(apiAfter, 'orchestrator_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBeGreaterThan(sum(apiBefore, 'orchestrator_http_requests_total', { method: 'GET', route: '/metrics', status: '200' }));
    expect(sum(apiAfter, 'orchestrator_issues_ended_last_hour', { status: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(apiAfter).toMatch(/^orchestrator_issues_queued \d+/m);

    // Never open: no token, a wrong one, or none configured.
    expect((await app.request('/metrics')).status).toBe(401);
    expect((await app.request('/metrics', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const off = createApp({ issues: {} as never, access: createAccessService(h.db.db), health: async () => ({}) });
    expect((await off.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('labels requests by route pattern, never by id', async () => {
    await app.request(`/api/issues/${crypto.randomUUID()}`);
    const text = await scrapeApi();
    expect(text).toMatch(/orchestrator_http_requests_total\{method="GET",route="\/api\/issues\/:id",status="401"\}/);
    expect(text).not.toMatch(/route="\/api\/issues\/[0-9a-f]{8}-/);
  });
});

/** The sum of a metric's samples whose labels include `labels` (0 when none). */
function sum(text: string, name: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? ([-+\d.eE]+|NaN|\+Inf)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) total += Number(match[4]);
  }
  return total;
}

async function eventuallyText(read: () => Promise<string>, ok: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await read().catch(() => '');
    if (ok(text) || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
