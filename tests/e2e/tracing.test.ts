import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { type FakeGitHub, startFakeGitHub } from '../../src/fakes/fake-github';
import { startTracing, type Tracing } from '../../src/telemetry/tracing';
import { bundleWorkflows, createIssueWorker } from '../../src/temporal/worker';
import { makeBareRepository } from '../support/git-fixture';
import { testEnv } from '../support/env';
import { eventually } from '../support/harness';
import { type PipelineHarness, reply, REVIEWER, SAMPLE_REPO, startPipelineHarness } from '../support/pipeline';

/**
 * Tracing end to end, in one process: the API (the Hono app), the Temporal client and a worker
 * made by the production factory with tracing on, against the real Temporal server and
 * Postgres, the fake Claude, the fake GitHub and an ERP callback receiver. The spans go to an
 * InMemorySpanExporter, unscrubbed, so what they hold is what our instrumentation put there.
 */

const ANTHROPIC_KEY = 'sk-ant-tracing-test-0123456789abcdef';
const GITHUB_TOKEN = 'ghp_test_token'; // what the harness's workspace settings and the fake GitHub use
const WEBHOOK_SECRET = 'erp-tracing-secret-0123456789';
const TITLE = 'Invoice totals are off by one cent (traced)';
const DESCRIPTION = 'Multi-line invoices total one cent too much; customer ACME-SECRET-NOTE.';

const FIX = {
  path: 'src/invoice.js',
  oldText: '    total += Math.round(line.quantity * line.unitPriceCents);\n  }\n  return total;',
  newText: '    total += line.quantity * line.unitPriceCents;\n  }\n  return Math.round(total);',
};

async function startCallbackReceiver() {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(String(req.headers['x-delivery-id']));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/agent-callbacks?token=callback-query-secret`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let h: PipelineHarness;
  let github: FakeGitHub;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
  let worker: Worker;
  let tracedBundle: WorkflowBundleWithSourceMap;
  let running: Promise<void>;
  let cleanupRepository = () => undefined as void;
  let apiKeyOfTheRun = '';

  beforeAll(async () => {
    // As the entry points do: tracing first (the standard variables turn it on), then the client, the worker and the app.
    const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).tracing;
    tracing = (await startTracing(config, { role: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)] })) as Tracing;
    github = await startFakeGitHub({ token: GITHUB_TOKEN });
    receiver = await startCallbackReceiver();
    h = await startPipelineHarness({ ownWorkers: true, githubApiUrl: github.url, clientInterceptors: tracing.client, anthropicApiKey: ANTHROPIC_KEY });
    tracedBundle = await bundleWorkflows({ tracing: true });
    ({ worker } = await createIssueWorker({
      connection: h.temporal.nativeConnection,
      namespace: 'default',
      taskQueue: h.taskQueue,
      activities: h.activities,
      workflowBundle: tracedBundle,
      tracing: tracing.worker,
      shutdownGraceTime: '2 seconds',
    }));
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await h?.close();
    await github?.close();
    await receiver?.close();
    cleanupRepository();
    // Process-wide state: the provider, propagator and context manager are unregistered for the files after this one.
    await tracing?.shutdown();
  });

  it('follows an issue in one trace: the POST, its workflow, the activities, Claude, the ERP callback and the pull request', async () => {
    const bare = await makeBareRepository(SAMPLE_REPO);
    cleanupRepository = bare.cleanup;
    const { organizationId, apiKey } = await h.newOrganization({
      erp: { callbackUrl: receiver.url, webhookSecret: WEBHOOK_SECRET },
      repository: {
        remote: bare.remote,
        baseBranch: 'main',
        host: 'github',
        github: { owner: 'acme', repo: 'invoices' },
        allowedCommands: [['node', '--test']],
        commandTimeoutSeconds: 60,
        pullRequest: { draft: true, labels: [] },
      },
    });
    apiKeyOfTheRun = apiKey;
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.call('read_file', { path: 'src/invoice.js' }), reply.research());
    h.fake.onTool('submit_change', reply.call('edit_file', FIX), reply.change({ diff: '' }));
    h.fake.onTool('submit_review', reply.review('approve'));

    const { id, workflowId } = await h.submit(apiKey, { title: TITLE, description: DESCRIPTION });
    await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_approval');
    expect((await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER })).status).toBe(200);
    expect(await h.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed' });
    expect(github.pulls).toHaveLength(1);

    // A workflow's span ends with it and leaves the sandbox through the sink; the callbacks'
    // child workflows end a little after their delivery. Wait until every span is in.
    const connected = (all: ReadableSpan[]) => {
      const ids = new Set(all.map((span) => span.spanContext().spanId));
      const callbacks = all.filter((span) => span.name === 'POST callback' && span.attributes['orchestrator.issue.id'] === id);
      return (
        all.some((span) => span.name === 'RunWorkflow:issueWorkflow' && span.attributes['temporalWorkflowId'] === workflowId) &&
        callbacks.length > 0 &&
        all.filter((span) => span.spanContext().traceId === callbacks[0]?.spanContext().traceId).every((span) => !span.parentSpanId || ids.has(span.parentSpanId))
      );
    };
    const spans = await eventually(async () => exporter.getFinishedSpans(), connected);

    const post = only(spans, (span) => span.name === 'POST /api/issues' && span.attributes['orchestrator.organization.id'] === organizationId);
    expect(post.kind).toBe(SpanKind.SERVER);
    expect(post.parentSpanId).toBeUndefined();
    expect(post.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/api/issues', 'http.response.status_code': 201 });

    const trace = spans.filter((span) => span.spanContext().traceId === post.spanContext().traceId);
    const byId = new Map(trace.map((span) => [span.spanContext().spanId, span]));
    const parent = (span: ReadableSpan) => (span.parentSpanId ? byId.get(span.parentSpanId) : undefined);
    const named = (name: string, under?: ReadableSpan) => only(trace, (span) => span.name === name && (!under || parent(span) === under));

    // API → workflow → activity → Claude, each the parent of the next.
    const start = named('StartWorkflow:issueWorkflow', post);
    const run = named('RunWorkflow:issueWorkflow', start);
    expect(run.attributes).toMatchObject({ temporalWorkflowId: workflowId, 'orchestrator.organization.id': organizationId });
    const classify = named('RunActivity:classifyIssue', named('StartActivity:classifyIssue', run));
    expect(classify.attributes).toMatchObject({ 'orchestrator.organization.id': organizationId, 'orchestrator.issue.id': id, temporalWorkflowId: workflowId });
    const chat = only(trace, (span) => span.name.startsWith('chat ') && parent(span) === classify);
    expect(chat.kind).toBe(SpanKind.CLIENT);
    expect(chat.attributes).toMatchObject({
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-haiku-4-5',
      'orchestrator.stage': 'classify',
      'orchestrator.organization.id': organizationId,
      'orchestrator.issue.id': id,
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
    });
    expect(chat.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number));
    expect(chat.attributes['gen_ai.usage.output_tokens']).toEqual(expect.any(Number));
    // Every model call of the run is in this trace, under its activity.
    expect(trace.filter((span) => span.name.startsWith('chat ')).map((span) => parent(span)?.name)).toEqual(expect.arrayContaining(['RunActivity:triageIssue', 'RunActivity:agentModelTurn']));

    // The pull request, opened after the approval, is still this trace's: the workflow carries on in RunWorkflow.
    const publish = named('RunActivity:publishChange', named('StartActivity:publishChange', run));
    const pull = named('POST /repos/{owner}/{repo}/pulls', publish);
    expect(pull.kind).toBe(SpanKind.CLIENT);
    expect(pull.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.template': '/repos/{owner}/{repo}/pulls', 'http.response.status_code': 201, 'server.address': '127.0.0.1', 'orchestrator.github.repository': 'acme/invoices' });

    // The ERP callbacks: a child workflow each, their delivery in this trace too.
    const callbacks = trace.filter((span) => span.name === 'POST callback');
    expect(callbacks.length).toBeGreaterThan(0);
    for (const callback of callbacks) {
      expect(callback.attributes).toMatchObject({ 'server.address': '127.0.0.1', 'http.response.status_code': 200, 'orchestrator.delivery.channel': 'erp', 'orchestrator.issue.id': id });
      expect(ancestry(callback, parent).map((span) => span.name)).toEqual(
        expect.arrayContaining(['RunActivity:sendStatusCallback', 'RunWorkflow:statusCallbackWorkflow', 'StartChildWorkflow:statusCallbackWorkflow', 'RunWorkflow:issueWorkflow', 'POST /api/issues']),
      );
    }

    if (process.env.PRINT_TRACE) {
      const depth = (span: ReadableSpan) => ancestry(span, parent).length;
      const lines = [...trace].sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]).map((span) => `${'  '.repeat(depth(span))}${span.name} ${JSON.stringify(span.attributes)}`);
      process.stderr.write(lines.join('\n') + '\n');
    }
    // No orphan: every span of the trace leads back to the POST.
    for (const span of trace) expect([span.name, ancestry(span, parent).at(-1)?.name ?? span.name]).toEqual([span.name, 'POST /api/issues']);

    // Tracing can be turned off again: the traced run replays on the plain bundle (and on its own).
    const history = await h.temporal.client.workflow.getHandle(workflowId).fetchHistory();
    await expect(Worker.runReplayHistory({ workflowBundle: { codePath: testEnv('workflowBundle') } }, history, workflowId)).resolves.toBeUndefined();
    await expect(Worker.runReplayHistory({ workflowBundle: tracedBundle, sinks: tracing.worker.sinks }, history, workflowId)).resolves.toBeUndefined();

    // The approval is its own request, and its trace reaches the workflow's update handler.
    const approval = only(spans, (span) => span.name === 'POST /api/issues/:id/approval' && span.attributes['orchestrator.issue.id'] === id);
    const handled = spans.filter((span) => span.spanContext().traceId === approval.spanContext().traceId && span.name.startsWith('HandleUpdate:'));
    expect(handled.length).toBeGreaterThan(0);
  });

  it('puts no credential, URL secret or issue text on any span', () => {
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(20);
    expect(apiKeyOfTheRun).toMatch(/^ak_/);
    const secrets = [apiKeyOfTheRun, ANTHROPIC_KEY, GITHUB_TOKEN, WEBHOOK_SECRET, 'callback-query-secret', 'Bearer ', TITLE, DESCRIPTION, 'ACME-SECRET-NOTE'];
    for (const span of spans) {
      const carried = JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events, status: span.status, resource: span.resource.attributes });
      for (const secret of secrets) expect([span.name, secret, carried.includes(secret)]).toEqual([span.name, secret, false]);
      // Whatever the organization's API key is, it starts with its prefix and never reaches a span.
      expect([span.name, /ak_[A-Za-z0-9_-]{16,}/.test(carried)]).toEqual([span.name, false]);
    }
  });
});

function only(spans: ReadableSpan[], match: (span: ReadableSpan) => boolean): ReadableSpan {
  const found = spans.filter(match);
  expect(found.length).toBeGreaterThan(0);
  return found[0] as ReadableSpan;
}

/** The span's parents, nearest first. */
function ancestry(span: ReadableSpan, parent: (span: ReadableSpan) => ReadableSpan | undefined): ReadableSpan[] {
  const chain: ReadableSpan[] = [];
  for (let next = parent(span); next; next = parent(next)) chain.push(next);
  return chain;
}
