import { Hono } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import { httpMetrics } from '../metrics/http';
import { httpTracing } from '../telemetry/http';
import { activeTracer } from '../telemetry/spans';
import { metricsRegistry } from '../metrics/registry';
import { bodyLimit } from './body-limit';
import { requestId } from 'hono/request-id';
import { ERP_WEBHOOK_HEADERS, type ErpWebhookHeaders } from '../issues/erp-webhook';
import { GITHUB_WEBHOOK_HEADERS, type GitHubWebhookHeaders } from '../issues/github-webhook';
import type { IssueService } from '../issues/service';
import { type AuthVariables, bearerKey, requireApiKey, unauthorized } from './auth';
import type { Database } from '../db/client';
import { errorBody, handleError } from './errors';
import { idempotency } from './idempotency';
import { docsRoutes } from './docs';
import { openApiDocument } from './openapi';
import { healthRoutes } from './routes/health';
import { auditRoutes } from './routes/audit';
import { webhookDeliveryRoutes } from './routes/webhook-deliveries';
import { adminRoutes } from './routes/admin';
import { notificationSettingsRoutes } from './routes/notification-settings';
import type { NotificationSettingsService } from '../notifications/settings';
import { inboxRoutes } from './routes/inbox';
import type { InboxService } from '../inbox/service';
import { feedbackRoutes, invocationFeedbackRoutes, issueFeedbackRoutes } from './routes/feedback';
import { builderRoutes, buildRoutes } from './routes/builds';
import type { SkillBuildService } from '../builds/service';
import type { FeedbackService } from '../feedback/service';
import type { ControlsService } from '../controls/service';
import type { DeliveryLogService } from '../erp/delivery-log';
import { issueRoutes } from './routes/issues';
import type { AccessService } from '../identity/service';
import { eventRoutes, invocationRoutes, personaRoutes, scheduleRoutes, skillRoutes } from './routes/skills';
import type { ScheduleService } from '../skills/schedules';
import type { SkillService } from '../skills/service';
import type { Logger } from '../logger';
import { requestLogging } from './request-log';
import { type ConsoleDeps, consoleRoutes } from '../console/routes';

export interface ApiDeps {
  issues: IssueService;
  /** Skills, personas, invocations and ERP events (/api/skills, /personas, /invocations, /events). */
  skills?: SkillService;
  /** The builder agents (/api/builders, /api/builds). */
  builds?: SkillBuildService;
  /** Recurring skills on Temporal Schedules (/api/schedules). */
  schedules?: ScheduleService;
  /** The outbound event log and redelivery (/api/webhook-deliveries). */
  deliveries?: DeliveryLogService;
  /** The organization's notification channels (/api/admin/notifications). */
  notificationSettings?: NotificationSettingsService;
  /** The kill switch and stage flags (/api/admin; /health shows the installation's). */
  controls?: ControlsService;
  /** Feedback on issues and skill runs (/api/issues/:id/feedback, /api/invocations/:id/feedback, /api/feedback). */
  feedback?: FeedbackService;
  /** What waits for a person (/api/inbox). */
  inbox?: InboxService;
  /** GET /metrics answers only with `Authorization: Bearer <this>` (METRICS_TOKEN); unset, it is off. */
  metricsToken?: string;
  /** API keys, who a request acts for, and the audit trail (/api/audit). */
  access: AccessService;
  /** Where Idempotency-Key outcomes are kept; without it the header is ignored (tests of other parts). */
  idempotencyStore?: Database;
  /** Readiness of what the API depends on; 503 when any check fails. */
  health: () => Promise<Record<string, boolean>>;
  /** How agent commands are confined; `off` is shown with its warning on every /health (routes/health.ts). */
  sandbox?: { mode: 'bubblewrap' | 'off'; warning?: string };
  /** The access log and request-scoped context (src/api/request-log.ts); without it, no access log. */
  log?: Logger;
  logError?: (error: unknown, requestId: string) => void;
  /** POST /api/webhooks/github (X-Hub-Signature-256 with the repository's webhook secret). */
  githubWebhook?: WebhookHandler<GitHubWebhookHeaders>;
  /** POST /api/webhooks/erp (signed by the organization's secret, no API key). */
  erpWebhook?: WebhookHandler<ErpWebhookHeaders>;
  /** The reviewer console's own needs (/console, src/console/routes.tsx); without it, no console. */
  console?: Omit<ConsoleDeps, 'access' | 'issues' | 'inbox' | 'controls' | 'log'>;
}

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_JSON_DEPTH = 64;

/** Whether JSON text nests objects and arrays deeper than `max` (strings are skipped; one pass). */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (++depth > max) return true;
    } else if (char === '}' || char === ']') depth--;
  }
  return false;
}
export const GITHUB_WEBHOOK_MAX_BYTES = 2 * 1024 * 1024;

export type WebhookHandler<H> = (headers: H, rawBody: string) => Promise<{ status: number; body: Record<string, unknown> }>;

/** The HTTP API: validate, authorize, one call into a service, respond. */
export function createApp(deps: ApiDeps) {
  const logError =
    deps.logError ??
    ((error: unknown, requestId: string) =>
      deps.log ? deps.log.error('request failed', { requestId, error }) : console.error(JSON.stringify({ level: 'error', requestId, error: String(error), stack: (error as Error)?.stack })));

  const app = new Hono<{ Variables: AuthVariables }>();
  app.use(requestId());
  app.use(requestLogging(deps.log));
  // A span per request when tracing is on (started before the app is built); nothing otherwise.
  const tracer = activeTracer();
  if (tracer) app.use(httpTracing(tracer));
  app.use(httpMetrics());
  app.onError((error, c) => handleError(error, c, logError));
  app.notFound((c) => c.json(errorBody(c, 'NOT_FOUND', `No route ${c.req.method} ${c.req.path}`), 404));

  // Prometheus scrapes with the token (its `authorization: credentials`); label values name
  // organizations and routes, so the endpoint is never open.
  app.get('/metrics', async (c) => {
    if (!deps.metricsToken) return c.json(errorBody(c, 'NOT_FOUND', 'metrics are off on this API: set METRICS_TOKEN to serve them'), 404);
    if (!sameSecret(bearerKey(c.req.header('authorization')) ?? '', deps.metricsToken)) return unauthorized(c);
    return c.text(await metricsRegistry.metrics(), 200, { 'content-type': metricsRegistry.contentType });
  });
  app.get('/openapi.json', (c) => c.json(openApiDocument(new URL(c.req.url).origin)));
  app.route('/docs', docsRoutes());
  // The reviewer console: HTML pages over the same services (its own sessions, CSRF checks and headers).
  if (deps.console) app.route('/console', consoleRoutes({ ...deps.console, access: deps.access, issues: deps.issues, inbox: deps.inbox, controls: deps.controls, skills: deps.skills, builds: deps.builds, log: deps.log }));

  app.route(
    '/',
    healthRoutes({
      health: deps.health,
      authenticate: deps.access.authenticate,
      issues: deps.issues,
      ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
      ...(deps.controls ? { controls: deps.controls } : {}),
    }),
  );

  // Webhooks authenticate by signature, not API key: registered before the /api routes
  // so the key middleware never runs for them. Each reads its raw body (signatures are
  // over the exact bytes) and its own headers. A delivery without its signature header is
  // refused before a byte of its body is read.
  function webhook<H>(
    path: string,
    guard: { signatureHeader: string; maxSize: number },
    headersOf: (header: (name: string) => string | undefined) => H,
    handle: WebhookHandler<H>,
  ) {
    const { maxSize, signatureHeader } = guard;
    app.post(
      path,
      async (c, next) => {
        if (!c.req.header(signatureHeader)) return c.json(errorBody(c, 'UNAUTHORIZED', `the ${signatureHeader} header is required`), 401);
        await next();
      },
      bodyLimit({ maxSize, onError: (c) => c.json(errorBody(c, 'PAYLOAD_TOO_LARGE', `Body over ${maxSize} bytes`), 413) }),
      async (c) => {
        const result = await handle(headersOf((name) => c.req.header(name)), await c.req.text());
        return c.json(result.body, result.status as 200 | 202);
      },
    );
  }
  if (deps.erpWebhook) {
    webhook('/api/webhooks/erp', { signatureHeader: ERP_WEBHOOK_HEADERS.signature, maxSize: MAX_BODY_BYTES }, (header) => ({
      organizationId: header(ERP_WEBHOOK_HEADERS.organization),
      signature: header(ERP_WEBHOOK_HEADERS.signature),
      timestamp: header(ERP_WEBHOOK_HEADERS.timestamp),
      deliveryId: header(ERP_WEBHOOK_HEADERS.delivery),
    }), deps.erpWebhook);
  }
  if (deps.githubWebhook) {
    // Only issue and comment events are handled: their payloads are a few kilobytes (GitHub's
    // own 25 MB cap is for pushes we never subscribe to).
    webhook('/api/webhooks/github', { signatureHeader: GITHUB_WEBHOOK_HEADERS.signature, maxSize: GITHUB_WEBHOOK_MAX_BYTES }, (header) => ({
      event: header(GITHUB_WEBHOOK_HEADERS.event),
      deliveryId: header(GITHUB_WEBHOOK_HEADERS.delivery),
      signature: header(GITHUB_WEBHOOK_HEADERS.signature),
    }), deps.githubWebhook);
  }

  const api = new Hono<{ Variables: AuthVariables }>()
    .use(
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: (c) => c.json(errorBody(c, 'PAYLOAD_TOO_LARGE', `Body over ${MAX_BODY_BYTES} bytes`), 413),
      }),
    )
    .use(async (c, next) => {
      const type = c.req.header('content-type') ?? '';
      // A body must be JSON; a bodiless POST (e.g. cancel) needs no Content-Type. Hono caches
      // the text it reads here for the validators after it.
      const writes = ['POST', 'PUT', 'PATCH'].includes(c.req.method);
      if (writes && !/^application\/json\b/i.test(type) && (await c.req.text()).length > 0) {
        return c.json(errorBody(c, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON (Content-Type: application/json)'), 415);
      }
      // Nothing we take nests deep; a body that does would exhaust the stack of every recursive
      // walk after it (validation, canonical JSON, the driver's serialisation).
      if (writes && jsonNestingExceeds(await c.req.text(), MAX_JSON_DEPTH)) {
        const message = `nested deeper than ${MAX_JSON_DEPTH} levels`;
        return c.json(errorBody(c, 'VALIDATION_FAILED', `the request body is not valid: ${message}`, [{ path: '', message }]), 422);
      }
      await next();
      return undefined;
    })
    .use(requireApiKey(deps.access.authenticate))
    .use(deps.idempotencyStore ? idempotency(deps.idempotencyStore, logError) : (_c, next) => next())
    .route('/issues', issueRoutes(deps.issues, deps.access))
    .route('/audit', auditRoutes(deps.access));
  if (deps.deliveries) api.route('/webhook-deliveries', webhookDeliveryRoutes(deps.deliveries, deps.access));
  if (deps.controls) api.route('/admin', adminRoutes(deps.controls, deps.access));
  if (deps.notificationSettings) api.route('/admin/notifications', notificationSettingsRoutes(deps.notificationSettings, deps.access));
  if (deps.inbox) api.route('/inbox', inboxRoutes(deps.inbox));
  if (deps.feedback) {
    api
      .route('/issues', issueFeedbackRoutes(deps.feedback, deps.access))
      .route('/invocations', invocationFeedbackRoutes(deps.feedback, deps.access))
      .route('/feedback', feedbackRoutes(deps.feedback, deps.access));
  }
  if (deps.skills) {
    api
      .route('/skills', skillRoutes(deps.skills, deps.access))
      .route('/personas', personaRoutes(deps.skills, deps.access))
      .route('/invocations', invocationRoutes(deps.skills, deps.access))
      .route('/events', eventRoutes(deps.skills));
  }
  if (deps.builds) api.route('/builders', builderRoutes(deps.builds, deps.access)).route('/builds', buildRoutes(deps.builds, deps.access));
  if (deps.schedules) api.route('/schedules', scheduleRoutes(deps.schedules, deps.access));

  return app.route('/api', api);
}

export type App = ReturnType<typeof createApp>;

/** Compares secrets in constant time (hashes first, so their lengths do not show either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
