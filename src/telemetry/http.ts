import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { ATTR, markFailed, workAttributes } from './spans';

/**
 * One SERVER span per API request, named by method and route pattern (`POST /api/issues`),
 * continuing the caller's trace when it sends `traceparent`. Everything the request does —
 * a workflow started, signalled or updated (the Temporal client's interceptor), and so the
 * workflow, its activities and their calls — joins that trace.
 *
 * It carries the method, the route pattern, the status and, once known, the organization,
 * the issue and the request id. Never a header (Authorization included), a query string or a body.
 */
export function httpTracing(tracer: Tracer) {
  return createMiddleware(async (c, next) => {
    const parent = propagation.extract(context.active(), c.req.raw.headers, headerGetter);
    const span = tracer.startSpan(`${c.req.method}`, { kind: SpanKind.SERVER, attributes: { [ATTR.httpMethod]: c.req.method } }, parent);
    try {
      await context.with(trace.setSpan(parent, span), () => next());
    } catch (error) {
      // Hono's onError answers thrown errors; one that still gets here is a failure.
      markFailed(span, error);
      throw error;
    } finally {
      const pattern = routePath(c, -1);
      const route = !pattern || pattern === '/*' || pattern === '*' ? undefined : pattern;
      const status = c.res.status;
      if (route) span.updateName(`${c.req.method} ${route}`);
      // Read here, inside the request's log context: authentication added the organization to it.
      span.setAttributes({ ...workAttributes(), ...(route ? { [ATTR.httpRoute]: route } : {}), [ATTR.httpStatus]: status });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  });
}

const headerGetter = {
  keys: (headers: Headers) => [...headers.keys()],
  get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
};
