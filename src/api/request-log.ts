import { createMiddleware } from 'hono/factory';
import type { RequestIdVariables } from 'hono/request-id';
import { addLogContext, type Logger, withLogContext } from '../logger';

/** Probes and scrapes arrive every few seconds; their lines are debug unless they fail. */
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * Runs each request inside a log context (its request id; the organization and key once
 * authenticated, src/api/auth.ts; the issue on /api/issues/:id routes), so every line logged
 * while serving it says which request it belongs to, and writes one access-log line when the
 * response is ready: method, path (never the query string), matched route, status, duration.
 */
export function requestLogging(log: Logger | undefined) {
  return createMiddleware<{ Variables: RequestIdVariables }>((c, next) =>
    withLogContext({ requestId: c.get('requestId') }, async () => {
      const started = performance.now();
      try {
        await next();
      } finally {
        if (log) {
          const status = c.res.status;
          const level = status >= 500 ? 'warn' : QUIET_PATHS.has(c.req.path) ? 'debug' : 'info';
          log[level]('request', { method: c.req.method, path: c.req.path, route: c.req.routePath, status, durationMs: Math.round((performance.now() - started) * 10) / 10 });
        }
      }
    }),
  );
}

/** Adds the route's `:id` to the request's log context (mounted on routes whose id is an issue's). */
export function logIssueId() {
  return createMiddleware(async (c, next) => {
    addLogContext({ issueId: c.req.param('id') });
    await next();
  });
}
