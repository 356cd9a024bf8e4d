import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ERROR_CATALOG } from '../../src/api/errors';
import { openApiDocument } from '../../src/api/openapi';
import { createStubApp } from '../support/app-stub';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The OpenAPI document covers every route the app serves, passes a real linter, and /docs
 * renders it without the internet. (Real responses are checked against it in every
 * end-to-end test: tests/support/contract.ts.)
 */
describe('OpenAPI document', () => {
  const app = createStubApp({
    erpWebhook: async () => ({ status: 202, body: {} }),
    githubWebhook: async () => ({ status: 202, body: {} }),
  });

  it('documents every route of the app, and only those, each with an operationId, a tag and its errors', () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, Json>> };
    const documented = Object.entries(document.paths).flatMap(([route, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${route}`));
    const served = app.routes
      .filter((route) => route.method !== 'ALL' && route.path !== '/openapi.json' && !route.path.startsWith('/docs'))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
    const operations = Object.entries(document.paths).flatMap(([route, ops]) => Object.entries(ops).map(([method, op]) => ({ route, method, op })));
    const ids = operations.map(({ op }) => op['operationId']);
    expect(new Set(ids).size).toBe(operations.length);
    for (const { route, method, op } of operations.filter(({ route }) => route.startsWith('/api/') && !route.startsWith('/api/webhooks/'))) {
      expect({ route, method, has401: '401' in op['responses'], tags: op['tags'] }).toEqual({ route, method, has401: true, tags: [expect.any(String)] });
      // Every success answer names its shape.
      for (const [status, response] of Object.entries(op['responses'] as Record<string, Json>)) {
        if (status.startsWith('2') && status !== '204') expect({ route, method, status, schema: response['content']?.['application/json']?.['schema']?.['$ref'] }).toEqual({ route, method, status, schema: expect.stringMatching(/^#\/components\/schemas\//) });
      }
      if (method === 'post') expect(op['parameters'].map((parameter: Json) => parameter['name'])).toContain('Idempotency-Key');
    }
  });

  it('passes Redocly (recommended rules) with no errors, and only the warnings justified here', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(openApiDocument('https://orchestrator.example'), null, 2));
      const cli = require.resolve('@redocly/cli/bin/cli.js');
      const run = await promisify(execFile)(process.execPath, [cli, 'lint', file, '--format=json'], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      }).catch((error: { stdout: string }) => error);
      const report = JSON.parse(run.stdout) as { totals: { errors: number }; problems: Array<{ ruleId: string; severity: string; location: Array<{ pointer: string }> }> };
      expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
      const justified: Record<string, string> = {
        // /ready and /live are for load balancers: 200 or 503, no 4xx by design.
        'operation-4xx-response #/paths/~1ready/get/responses': 'no 4xx by design',
        'operation-4xx-response #/paths/~1live/get/responses': 'no 4xx by design',
      };
      const warnings = report.problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`);
      expect(warnings.filter((warning) => !(warning in justified))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('serves the document with this server, the outbound webhooks, and an interactive /docs that needs no internet', async () => {
    const response = await app.request('http://api.example:8080/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as Json;
    expect(document['openapi']).toBe('3.1.0');
    expect(document['servers']).toEqual([{ url: 'http://api.example:8080', description: expect.any(String) }]);
    expect(Object.keys(document['webhooks'])).toEqual(['issue.status_changed', 'issue.pull_request_opened', 'invocation.finished', 'notification', 'notification.slack']);
    const body = document['paths']['/api/issues']['post']['requestBody']['content']['application/json']['schema'];
    expect(Object.keys(body['properties'])).toEqual(expect.arrayContaining(['externalId', 'type', 'priority', 'title', 'context', 'budgetUsd']));
    expect(body['additionalProperties']).toBe(false);

    const page = await app.request('/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain("url: '/openapi.json'");
    // Assets are ours, not a CDN's; every error code has the anchor its docs link points to.
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!)) {
      expect(src.startsWith('/')).toBe(true);
      if (src.startsWith('/docs/assets/')) expect((await app.request(src)).status).toBe(200);
    }
    for (const code of Object.keys(ERROR_CATALOG)) expect(html).toContain(`id="error-${code.toLowerCase().replaceAll('_', '-')}"`);
    expect((await app.request('/docs/assets/../../package.json')).status).toBe(404);
    // Names every object has are not assets (they answered 500).
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect((await app.request(`/docs/assets/${name}`)).status).toBe(404);
  });
});
