import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, type Span, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { NativeConnection } from '@temporalio/worker';
import { ConfigError, configuredSecrets, loadConfig } from '../../src/config';
import { neverLog } from '../../src/logger';
import { createStubApp } from '../support/app-stub';
import { scrubbing } from '../../src/telemetry/sdk';
import { activeTracer, withClientSpan } from '../../src/telemetry/spans';
import { startTracing, type Tracing } from '../../src/telemetry/tracing';
import { bundleWorkflows, createIssueWorker, tracedBundlePath } from '../../src/temporal/worker';
import type { Activities } from '../../activities';

/** Tracing's switch (the standard OTEL_* variables), its cost when off, and its cleanup. */

describe('tracing configuration', () => {
  it('is off when no OpenTelemetry variable is set', () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    // The resource and the service name alone do not turn it on.
    expect(loadConfig({ OTEL_SERVICE_NAME: 'orchestrator', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod' }).tracing).toBeUndefined();
  });

  it('is on for an OTLP endpoint or a named exporter, off for none', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      exporters: ['otlp'],
      protocol: 'http/protobuf',
      endpoint: 'http://collector:4318/v1/traces',
      serviceName: undefined,
      resourceAttributes: {},
      headerValues: [],
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom' }).tracing?.endpoint).toBe('http://collector:4318/custom');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).tracing).toMatchObject({ protocol: 'grpc', endpoint: 'http://collector:4317' });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toMatchObject({ exporters: ['otlp'], endpoint: undefined });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'console, otlp' }).tracing?.exporters).toEqual(['console', 'otlp']);
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toBeUndefined();
    expect(
      loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'orch', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,team=ops%20one' }).tracing,
    ).toMatchObject({ serviceName: 'orch', resourceAttributes: { 'deployment.environment': 'prod', team: 'ops one' } });
  });

  it('lets OTEL_SDK_DISABLED=true win over everything else', () => {
    for (const value of ['true', 'TRUE', 'True']) {
      expect(loadConfig({ OTEL_SDK_DISABLED: value, OTEL_TRACES_EXPORTER: 'otlp,console', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toBeUndefined();
    }
    expect(loadConfig({ OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'console' }).tracing?.exporters).toEqual(['console']);
  });

  it('refuses exporters and protocols it does not have, and malformed lists', () => {
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER: jaeger not supported/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_RESOURCE_ATTRIBUTES: 'novalue' })).toThrow(/OTEL_RESOURCE_ATTRIBUTES/);
  });

  it("keeps the collector's header values (a vendor's key) out of the logs", () => {
    const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://api.vendor.example', OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=vendor-key-0123456789' });
    expect(configuredSecrets(config)).toContain('vendor-key-0123456789');
  });
});

describe('tracing off', () => {
  it('starts nothing: no provider, no tracer, no spans, no middleware', async () => {
    expect(await startTracing(loadConfig({}).tracing, { role: 'test' })).toBeUndefined();
    expect(await startTracing(loadConfig({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'console' }).tracing, { role: 'test' })).toBeUndefined();
    expect(activeTracer()).toBeUndefined();
    // The global API has no provider: what anything records is dropped.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    // Our helper runs the work as it is, with no span.
    let given: Span | undefined | 'unset' = 'unset';
    await withClientSpan('call', { a: 1 }, async (span) => {
      given = span;
    });
    expect(given).toBeUndefined();
  });

  it('builds an API with no tracing middleware: requests make no span even once a provider exists', async () => {
    const app = createStubApp();
    const exporter = new InMemorySpanExporter();
    const tracing = await startTracing(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }).tracing, { role: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    try {
      expect((await app.request('/openapi.json')).status).toBe(200);
      expect((await createStubApp().request('/openapi.json')).status).toBe(200); // built while on: traced
      expect(exporter.getFinishedSpans().map((span) => [span.name, span.kind, span.attributes['http.response.status_code']])).toEqual([['GET /openapi.json', SpanKind.SERVER, 200]]);
    } finally {
      await tracing?.shutdown();
    }
  });

  it('bundles the workflows without the tracing interceptors, and a plain worker refuses the traced bundle', async () => {
    const [plain, traced] = await Promise.all([bundleWorkflows(), bundleWorkflows({ tracing: true })]);
    expect(plain.code).not.toContain('@temporalio/interceptor-workflow');
    expect(traced.code).toContain('@temporalio/interceptor-workflow');
    const options = { connection: {} as NativeConnection, namespace: 'default', taskQueue: 'unused', activities: {} as Activities };
    await expect(createIssueWorker({ ...options, workflowBundle: traced })).rejects.toThrow(/has the tracing interceptors, but tracing is off/);
    const sinks = { exporter: { export: { fn: () => undefined } } };
    await expect(createIssueWorker({ ...options, workflowBundle: plain, tracing: { activityInterceptors: [], sinks } })).rejects.toThrow(/Tracing is on .* no tracing interceptors/);
    expect(tracedBundlePath('/app/dist/workflow-bundle.js')).toBe('/app/dist/workflow-bundle.traced.js');
  });
});

describe('tracing on, then shut down', () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('records client spans with the work they are for, and leaves no global state behind', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = await startTracing(loadConfig({ OTEL_TRACES_EXPORTER: 'console' }).tracing, { role: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    expect(tracing?.client.workflow).toHaveLength(1);
    expect(tracing?.worker.activityInterceptors).toHaveLength(1);
    await expect(withClientSpan('POST callback', { 'http.request.method': 'POST' }, async () => 'answered')).resolves.toBe('answered');
    await expect(
      withClientSpan('ERP GET', {}, async () => {
        throw Object.assign(new Error('ERP answered 400: the service key sk-secret was refused'), { status: 400 });
      }),
    ).rejects.toThrow(/answered 400/);
    const [ok, failed] = exporter.getFinishedSpans();
    expect(ok).toMatchObject({ name: 'POST callback', kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST' } });
    // A failure says its type and status, never its text (it may quote what the peer answered).
    expect(failed?.attributes).toEqual({ 'error.type': 'Error', 'http.response.status_code': 400 });
    expect(failed?.status.message).toBe('Error');
    expect(failed?.events).toEqual([]);
    expect(failed?.resource.attributes['service.name']).toBe('agent-orchestrator-test');

    await tracing?.shutdown();
    tracing = undefined;
    expect(activeTracer()).toBeUndefined();
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    expect(carrier).toEqual({});
  });

  it('names the service from OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES', async () => {
    const exporter = new InMemorySpanExporter();
    const config = loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'orch-eu', OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,deployment.environment=prod' }).tracing;
    tracing = await startTracing(config, { role: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
    await withClientSpan('call', {}, async () => undefined);
    expect(exporter.getFinishedSpans()[0]?.resource.attributes).toMatchObject({ 'service.name': 'orch-eu', 'deployment.environment': 'prod' });
  });
});

describe('the configured exporter', () => {
  it.each(['http/protobuf', 'http/json'])('sends spans over OTLP %s to the endpoint the variables name', async (protocol) => {
    const received: Array<{ path: string; type: string; body: Buffer }> = [];
    const collector = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: String(req.headers['content-type']), body: Buffer.concat(chunks) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
      const tracing = await startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: protocol }).tracing, { role: 'test' });
      expect(tracing?.description).toBe(`OTLP ${protocol} to ${endpoint}/v1/traces`);
      await withClientSpan('exported-span', {}, async () => undefined);
      await tracing?.shutdown(); // flushes the batch
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ path: '/v1/traces', type: protocol === 'http/json' ? 'application/json' : 'application/x-protobuf' });
      expect(received[0]?.body.toString('latin1')).toContain('exported-span');
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });
});

describe('the exporters’ scrubbing', () => {
  it('cuts configured credentials out of attributes, events and status messages, and passes clean spans as they are', () => {
    neverLog('tracing-unit-secret-0123456789');
    const inner = new InMemorySpanExporter();
    const exporter = scrubbing(inner);
    const span = (fields: Partial<ReadableSpan>) => ({ name: 's', attributes: {}, events: [], status: { code: 0 }, spanContext: () => ({ traceId: 't', spanId: 's', traceFlags: 1 }), ...fields }) as unknown as ReadableSpan;
    const dirty = span({
      attributes: { 'url.full': 'https://x-access-token:tracing-unit-secret-0123456789@github.com/acme/x.git', list: ['a', 'tracing-unit-secret-0123456789'], n: 3 },
      events: [{ name: 'exception', time: [0, 0], attributes: { 'exception.message': 'push failed with tracing-unit-secret-0123456789' } }],
      status: { code: 2, message: 'failed: tracing-unit-secret-0123456789' },
    });
    const clean = span({ attributes: { 'http.route': '/api/issues' } });
    exporter.export([dirty, clean], () => undefined);
    const [scrubbed, passed] = inner.getFinishedSpans();
    expect(JSON.stringify([scrubbed?.attributes, scrubbed?.events, scrubbed?.status])).not.toContain('tracing-unit-secret');
    expect(scrubbed?.attributes).toMatchObject({ 'url.full': 'https://x-access-token:[redacted]@github.com/acme/x.git', list: ['a', '[redacted]'], n: 3 });
    expect(scrubbed?.spanContext().traceId).toBe('t');
    expect(passed).toBe(clean);
  });
});
