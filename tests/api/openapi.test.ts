import { openApiDocument } from '../../src/api/openapi';
import { createStubApp } from '../support/app-stub';

/** The OpenAPI document covers every route the app serves, with the routes' own schemas. */
describe('OpenAPI document', () => {
  const app = createStubApp({
    erpWebhook: async () => ({ status: 202, body: {} }),
    githubWebhook: async () => ({ status: 202, body: {} }),
  });

  it('documents every route of the app, and only those', () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    const served = app.routes
      .filter((route) => route.method !== 'ALL' && !['/openapi.json', '/docs'].includes(route.path))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    expect([...new Set(served)].sort()).toEqual([...new Set(documented)].sort());
  });

  it('serves the document and a docs page', async () => {
    const response = await app.request('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } } }> };
    expect(document.openapi).toBe('3.1.0');
    const body = document.paths['/api/issues']?.post?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(body?.properties ?? {})).toEqual(expect.arrayContaining(['externalId', 'type', 'priority', 'title', 'context', 'budgetUsd']));
    const page = await app.request('/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/openapi.json');
  });
});
