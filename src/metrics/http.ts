import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { httpRequestSeconds, httpRequests } from './registry';

/**
 * Counts and times every request by its route pattern (`/api/issues/:id`, never the id
 * itself, so the label stays bounded); a request no route matched is `unmatched`.
 */
export function httpMetrics() {
  return createMiddleware(async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const pattern = routePath(c, -1);
      const route = !pattern || pattern === '/*' || pattern === '*' ? 'unmatched' : pattern;
      const labels = { method: c.req.method, route };
      httpRequests.inc({ ...labels, status: String(c.res.status) });
      httpRequestSeconds.observe(labels, (performance.now() - started) / 1000);
    }
  });
}
