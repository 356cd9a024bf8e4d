import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/temporal/dev-server';
import { eventually } from '../support/harness';
import { testEnv } from '../support/env';
import { type FakeAnthropic, startFakeAnthropic } from '../../src/fakes/fake-anthropic';
import { type PipelineHarness, reply, startPipelineHarness } from '../support/pipeline';

/**
 * The logs of a real run, as an operator's log pipeline receives them: the API and the worker
 * started from their entry points (src/main/api.ts, src/main/worker.ts) at debug level, with
 * credentials configured. An issue runs end to end; then every line both processes wrote must
 * be one JSON object, the request's and the issue's lines must say whose they are, and no
 * configured secret — nor the caller's API key — may appear anywhere.
 */
describe('logs of a run', () => {
  const SECRETS = {
    ANTHROPIC_API_KEY: 'sk-ant-log-secret-7f3a9c2e51',
    GITHUB_TOKEN: 'ghp_logSecretToken0123456789abcdef',
    METRICS_TOKEN: 'metrics-log-secret-0123456789',
    DATABASE_PASSWORD: 'db-pass-log-secret-4242',
  };
  let h: PipelineHarness;
  let model: FakeAnthropic;
  const processes: ChildProcess[] = [];
  const output = { api: '', worker: '' };
  let apiUrl: string;
  let dataDir: string;

  beforeAll(async () => {
    h = await startPipelineHarness({ ownWorkers: true });
    // A model of its own that answers every classification and triage: the API's recovery sweep
    // may start another test's stranded issue on this worker, and it must not take our replies.
    model = await startFakeAnthropic({
      fallback: (request) =>
        request.key === 'submit_classification' ? reply.classify() : request.key === 'submit_triage' ? reply.triage({ route: 'answer', reason: 'Answered directly' }) : undefined,
    });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logs-test-'));
    // The sandboxed commands' user must reach the workspaces below it.
    fs.chmodSync(dataDir, 0o755);
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const databaseUrl = new URL(testEnv('databaseUrl'));
    // The test server trusts local connections, so any password works — and must never be logged.
    databaseUrl.password = SECRETS.DATABASE_PASSWORD;
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'debug',
      DATABASE_URL: databaseUrl.toString(),
      TEMPORAL_ADDRESS: testEnv('temporalAddress'),
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      WORKFLOW_BUNDLE_PATH: testEnv('workflowBundle'),
      MAX_CONCURRENT_PIPELINES: '0',
      MAX_CONCURRENT_SKILL_RUNS: '0',
      LLM_MODE: 'anthropic',
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: SECRETS.ANTHROPIC_API_KEY,
      GITHUB_TOKEN: SECRETS.GITHUB_TOKEN,
      METRICS_TOKEN: SECRETS.METRICS_TOKEN,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
    };
    const start = (name: 'api' | 'worker') => {
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, `../../src/main/${name}.ts`)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk: Buffer) => (output[name] += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output[name] += chunk.toString()));
      child.once('exit', (code) => {
        if (code !== null && code !== 0) output[name] += `\n(exited with ${code})`;
      });
      processes.push(child);
    };
    const stillRunning = () => {
      const exited = processes.find((child) => child.exitCode !== null);
      if (exited) throw new Error(`a process exited while starting:\n${output.api}\n${output.worker}`);
    };
    start('worker');
    start('api');
    await eventually(
      async () => (stillRunning(), (await fetch(`${apiUrl}/ready`).catch(() => undefined))?.status),
      (status) => status === 200,
      60_000,
    );
    await eventually(async () => (stillRunning(), output.worker), (text) => text.includes('Worker polling'), 60_000);
  }, 120_000);

  afterAll(async () => {
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve())));
    await model?.close();
    await h?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes one JSON object per line, with the request and the issue on their lines, and no secret anywhere', async () => {
    const { organizationId, apiKey } = await h.newOrganization();
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const submitted = await fetch(`${apiUrl}/api/issues`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ source: 'erp', externalId: `LOGS-${Date.now()}`, type: 'bug', priority: 'medium', title: 'Where is the invoice export?', description: 'Looking for it.' }),
    });
    expect(submitted.status).toBe(201);
    const issue = (await submitted.json()) as { id: string; workflowId: string };
    const ended = await eventually(
      async () => (await (await fetch(`${apiUrl}/api/issues/${issue.id}`, { headers })).json()) as { status: string },
      (view) => view.status === 'completed' || view.status === 'failed',
      60_000,
    );
    expect(ended).toEqual(expect.objectContaining({ status: 'completed' }));
    // Refused and failing requests are logged too (with the key never in them).
    expect((await fetch(`${apiUrl}/api/issues/${issue.id}`, { headers: { authorization: `Bearer ${apiKey}x` } })).status).toBe(401);
    expect((await fetch(`${apiUrl}/metrics`, { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } })).status).toBe(200);
    // Let the last lines of the run (the workflow's completion, the access lines) reach the pipes.
    await eventually(async () => output.worker, (text) => text.includes(issue.workflowId) && /"msg":"Workflow completed"/.test(text), 15_000).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const api = parseLines(output.api);
    const worker = parseLines(output.worker);
    expect(api.malformed).toEqual([]);
    expect(worker.malformed).toEqual([]);
    for (const line of [...api.lines, ...worker.lines]) {
      expect(line).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String), name: expect.any(String), msg: expect.any(String) }));
    }

    // The access log: the submission, with its request id, organization and key (never the key itself).
    const post = api.lines.find((line) => line.msg === 'request' && line.method === 'POST' && line.path === '/api/issues');
    expect(post).toEqual(expect.objectContaining({ status: 201, route: '/api/issues', organizationId, requestId: expect.any(String), actor: expect.any(String), durationMs: expect.any(Number) }));
    const read = api.lines.find((line) => line.msg === 'request' && line.method === 'GET' && line.path === `/api/issues/${issue.id}` && line.status === 200);
    expect(read).toEqual(expect.objectContaining({ issueId: issue.id, organizationId, route: '/api/issues/:id' }));
    expect(api.lines.find((line) => line.msg === 'request' && line.status === 401)).toEqual(expect.objectContaining({ requestId: expect.any(String) }));

    // The worker: the activities of this issue say whose they are; the SDK's lines are single JSON lines too.
    const ofThisIssue = worker.lines.filter((line) => line.workflowId === issue.workflowId);
    expect(ofThisIssue.length).toBeGreaterThan(0);
    for (const line of ofThisIssue) expect(line).toEqual(expect.objectContaining({ organizationId }));
    const completed = ofThisIssue.filter((line) => line.msg === 'Activity completed');
    expect(completed.map((line) => line.activityType)).toEqual(expect.arrayContaining(['classifyIssue', 'triageIssue']));
    for (const line of completed) expect(line).toEqual(expect.objectContaining({ issueId: issue.id, durationMs: expect.any(Number) }));
    expect(worker.lines.some((line) => 'taskToken' in line)).toBe(false);
    expect(worker.lines.some((line) => line.sdkComponent === 'worker' && line.msg === 'Worker state changed')).toBe(true);

    // No credential anywhere: not the configured ones, not the caller's key.
    const everything = output.api + output.worker;
    for (const secret of [...Object.values(SECRETS), apiKey]) expect(everything).not.toContain(secret);
  }, 120_000);
});

function parseLines(text: string): { lines: Array<Record<string, unknown>>; malformed: string[] } {
  const lines: Array<Record<string, unknown>> = [];
  const malformed: string[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) lines.push(parsed as Record<string, unknown>);
      else malformed.push(raw);
    } catch {
      malformed.push(raw);
    }
  }
  return { lines, malformed };
}
