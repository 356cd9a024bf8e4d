import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import { ERROR_CATALOG } from './errors';

/**
 * /docs: the interactive reference (Swagger UI, served from the swagger-ui-dist package, so
 * it works with no internet) over /openapi.json, after the catalogue of error codes each
 * error's `docs` link points into (/docs#error-<code>).
 */

const ASSETS = { 'swagger-ui.css': 'text/css; charset=utf-8', 'swagger-ui-bundle.js': 'text/javascript; charset=utf-8' } as const;

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[char]};`);

function page(): string {
  const rows = Object.entries(ERROR_CATALOG)
    .map(([code, [status, meaning]]) => `<tr id="error-${code.toLowerCase().replaceAll('_', '-')}"><td><code>${code}</code></td><td>${status}</td><td>${escapeHtml(meaning)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agent orchestrator API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<style>body{margin:0;font:15px/1.5 system-ui,sans-serif}.intro{max-width:1100px;margin:1.5rem auto 0;padding:0 20px}
table{border-collapse:collapse;font-size:14px}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}
:target{background:#fff6d5}</style></head>
<body><div class="intro"><h1>Agent orchestrator API</h1>
<p>The OpenAPI 3.1 document is <a href="/openapi.json">/openapi.json</a>; a typed TypeScript client is in <code>client/</code> of the repository.
Authorize with an API key (<code>Authorization: Bearer …</code>) to try operations below.</p>
<details id="errors"><summary><strong>Error codes</strong></summary>
<p>Every error is <code>{ "error": { "code", "message", "details": [{ "path", "message", "expected"?, "received"? }], "docs" }, "requestId" }</code>.</p>
<table><tr><th>code</th><th>status</th><th>meaning, and what to do</th></tr>${rows}</table></details></div>
<div id="swagger"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
if (location.hash.startsWith('#error-')) document.getElementById('errors').open = true;
window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger', deepLinking: true, persistAuthorization: true });
</script></body></html>`;
}

export function docsRoutes() {
  const require = createRequire(__filename);
  const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  // Read once, at start-up: a missing package fails loudly here, not on a reader's first visit.
  const assets = Object.fromEntries(Object.keys(ASSETS).map((name) => [name, readFileSync(path.join(dist, name))]));
  const html = page();
  return new Hono()
    .get('/', (c) => c.html(html))
    .get('/assets/:name', (c) => {
      const name = c.req.param('name') as keyof typeof ASSETS;
      if (!Object.hasOwn(ASSETS, name)) return c.notFound(); // not `constructor`, `__proto__`, …
      const body = assets[name];
      if (!body) return c.notFound();
      return c.body(new Uint8Array(body), 200, { 'content-type': ASSETS[name], 'cache-control': 'public, max-age=86400' });
    });
}
