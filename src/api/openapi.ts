import { type z } from 'zod';
import { createIssueRequestSchema, listIssuesQuerySchema } from '../contracts/issue';
import { jsonSchemaOf } from '../contracts/json-schema';
import { answerSchema, decisionSchema, raiseBudgetSchema } from '../contracts/people';
import { erpWebhookSchema } from '../issues/erp-webhook';
import { listAuditQuerySchema } from '../contracts/audit';
import { actingUserParameter, personRefused } from './openapi-people';
import { SCOPE_DESCRIPTIONS } from '../identity/scopes';
import { skillPaths } from './openapi-skills';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with,
 * so the document cannot drift from what the API accepts. Served at /openapi.json; /docs
 * renders it.
 */

/** What a client may send: input types (defaults optional). */
const json = (schema: z.ZodType) => jsonSchemaOf(schema, 'input');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const issueId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const ok = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});
const personAction = (summary: string, body: z.ZodType) => ({
  post: {
    summary: `${summary} (scope review, as a person; audited)`,
    parameters: [issueId, actingUserParameter],
    requestBody: { required: true, content: { 'application/json': { schema: json(body) } } },
    responses: {
      200: ok('The issue with its new status', { $ref: '#/components/schemas/Issue' }),
      403: personRefused,
      422: errorResponse('Body breaks the schema, field by field'),
      404: errorResponse('No such issue in your organization'),
      409: errorResponse('Refused by the workflow (wrong state, already decided, …)'),
    },
  },
});

const SCOPES_TEXT = Object.entries(SCOPE_DESCRIPTIONS)
  .map(([scope, text]) => `\`${scope}\`: ${text}`)
  .join('; ');

const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Requests refused before they ran (400, 401, 403, 413, 415, 422, 429) or failed (5xx) do not use up the key.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

/** Every POST under /api but the signed webhooks takes Idempotency-Key (src/api/idempotency.ts). */
function withIdempotencyKeys(paths: Record<string, Record<string, Record<string, unknown>>>) {
  for (const [path, operations] of Object.entries(paths)) {
    const post = operations['post'];
    if (!post || !path.startsWith('/api/') || path.startsWith('/api/webhooks/')) continue;
    const parameters = ((post['parameters'] as Array<{ name: string }> | undefined) ?? []).filter((parameter) => parameter.name !== 'Idempotency-Key');
    post['parameters'] = [...parameters, idempotencyKeyParameter];
    const responses = post['responses'] as Record<string, unknown>;
    responses['422'] ??= errorResponse('Body breaks the schema, field by field; or IDEMPOTENCY_MISMATCH: the Idempotency-Key was used for a different request');
    responses['409'] ??= errorResponse('A request with the same Idempotency-Key is still running (Retry-After)');
  }
  return paths;
}

export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const listParameters = Object.entries((json(listIssuesQuerySchema)['properties'] ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema,
  }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Agent orchestrator API',
      version: '0.1.0',
      description:
        'Issues in, reviewed pull requests out, on Temporal; skills run on demand, on ERP events and on Temporal Schedules. Enums are accepted in either case (BUG or bug). Every error is `{ error: { code, message, details? }, requestId }`.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: `An organization API key (npm run org:create, npm run admin -- key:create). A key carries scopes — ${SCOPES_TEXT} — and a 403 names the one missing. A personal key (--reviewer) acts as that reviewer.`,
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'requestId'],
          properties: {
            error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } },
            requestId: { type: 'string' },
          },
        },
        AuditEvent: {
          type: 'object',
          description: 'One human or admin action, accepted or refused. The trail is append-only.',
          properties: {
            id: { type: 'integer' },
            at: { type: 'string', format: 'date-time' },
            actor: { type: ['string', 'null'], description: 'The person; null when a service key acted for itself' },
            actorRole: { type: ['string', 'null'] },
            channel: { type: 'string', enum: ['api_key', 'github_webhook', 'erp_webhook', 'temporal_signal', 'temporal_update', 'cli'] },
            channelRef: { type: ['string', 'null'], description: 'Key id, webhook delivery id, workflow id or OS user' },
            channelName: { type: ['string', 'null'], description: "The key's name" },
            action: { type: 'string', description: 'issue.decide, issue.answer, issue.raise_budget, issue.cancel, invocation.*, skill.*, persona.*, schedule.*, key.*, reviewer.add, settings.set' },
            targetType: { type: 'string' },
            targetId: { type: ['string', 'null'] },
            outcome: { type: 'string', enum: ['ok', 'refused', 'failed'] },
            reason: { type: ['string', 'null'] },
            details: { type: 'object' },
            requestId: { type: ['string', 'null'] },
          },
        },
        Issue: {
          type: 'object',
          description: 'An issue with its live status (see GET /api/issues/{id}).',
          properties: {
            id: { type: 'string' },
            status: { type: 'string' },
            erpStatus: { type: 'string', enum: ['PENDING', 'QUEUED', 'PROCESSING', 'REVIEW', 'COMPLETED', 'FAILED', 'CANCELLED'] },
            stage: { type: ['string', 'null'] },
            progress: { type: 'number' },
            currentStep: { type: 'string' },
            pending: {},
            costUsd: { type: ['number', 'null'] },
            budgetUsd: { type: ['number', 'null'] },
            pullRequestUrl: { type: ['string', 'null'] },
            trackingUrl: { type: 'string' },
            workflowId: { type: 'string' },
            job: { type: 'object' },
          },
        },
      },
    },
    paths: withIdempotencyKeys({
      '/api/issues': {
        post: {
          summary: 'Submit an issue (one workflow per organization + source + externalId)',
          requestBody: { required: true, content: { 'application/json': { schema: json(createIssueRequestSchema) } } },
          responses: {
            201: ok('Created and started'),
            200: ok('Already known: the existing issue'),
            400: errorResponse('Malformed JSON'),
            422: errorResponse('Body breaks the schema, field by field'),
            401: errorResponse('Missing or invalid API key'),
            413: errorResponse('Body over 1 MiB'),
            415: errorResponse('Not JSON'),
            429: errorResponse('Over the hourly or daily limit (see Retry-After)'),
          },
        },
        get: {
          summary: 'List issues, newest first',
          parameters: listParameters,
          responses: { 200: ok('A page of issues', { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Issue' } }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } } }) },
        },
      },
      '/api/issues/{id}': {
        get: { summary: 'One issue with live status', parameters: [issueId], responses: { 200: ok('The issue', { $ref: '#/components/schemas/Issue' }), 404: errorResponse('No such issue in your organization') } },
      },
      '/api/issues/{id}/logs': {
        get: { summary: 'Stored log lines, newest first', parameters: [issueId, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } }], responses: { 200: ok('Log lines'), 404: errorResponse('Not found') } },
      },
      '/api/issues/{id}/artifacts': { get: { summary: 'Analysis, change (diff), review, answers', parameters: [issueId], responses: { 200: ok('Artifacts'), 404: errorResponse('Not found') } } },
      '/api/issues/{id}/people': { get: { summary: 'Questions and decisions as stored', parameters: [issueId], responses: { 200: ok('Questions and decisions'), 404: errorResponse('Not found') } } },
      '/api/issues/{id}/approval': personAction('Decide at the open approval gate', decisionSchema),
      '/api/issues/{id}/answers': personAction('Answer (or confirm the draft answer to) the pending question', answerSchema),
      '/api/issues/{id}/budget': personAction("Raise the issue's budget", raiseBudgetSchema),
      '/api/issues/{id}/cancel': {
        post: {
          summary: 'Cancel the issue (an admin key; an issues:write key for an issue it submitted; or a person whose role may cancel; audited)',
          parameters: [issueId, actingUserParameter],
          responses: { 202: ok('Cancelling', { $ref: '#/components/schemas/Issue' }), 403: personRefused, 404: errorResponse('Not found'), 409: errorResponse('Already ended') },
        },
      },
      '/api/audit': {
        get: {
          summary: 'The audit trail of human and admin actions, newest first (scope admin)',
          parameters: Object.entries((json(listAuditQuerySchema)['properties'] ?? {}) as Record<string, unknown>).map(([name, schema]) => ({ name, in: 'query', required: false, schema })),
          responses: {
            200: ok('A page of audit events', { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/AuditEvent' } }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } } }),
            403: errorResponse('The key lacks the admin scope'),
            400: errorResponse('A filter breaks the schema'),
          },
        },
      },
      '/api/webhooks/erp': {
        post: {
          summary: "Events from the ERP, signed with the organization's secret",
          security: [],
          parameters: ['X-Organization-Id', 'X-Delivery-Id', 'X-Timestamp', 'X-Signature'].map((name) => ({ name, in: 'header', required: true, schema: { type: 'string' } })),
          requestBody: { required: true, content: { 'application/json': { schema: json(erpWebhookSchema) } } },
          responses: { 202: ok('Processed'), 200: ok('Duplicate delivery, not processed again'), 400: errorResponse('Invalid payload'), 401: errorResponse('Bad signature, old timestamp or unknown organization') },
        },
      },
      '/api/webhooks/github': {
        post: {
          summary: "The repository's GitHub webhook: issues.labeled starts an issue; /approve, /reject, /answer comments from reviewers",
          security: [],
          parameters: ['X-GitHub-Event', 'X-GitHub-Delivery', 'X-Hub-Signature-256'].map((name) => ({ name, in: 'header', required: true, schema: { type: 'string' } })),
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'A GitHub webhook payload' } } } },
          responses: { 202: ok('Processed'), 200: ok('Ignored or duplicate'), 401: errorResponse('Bad signature or unknown repository') },
        },
      },
      ...skillPaths(),
      '/health': {
        get: { summary: 'Readiness of Postgres and Temporal, and the sandbox mode (with a warning when SANDBOX=off)', security: [], responses: { 200: ok('healthy'), 503: ok('degraded') } },
      },
    }),
  };
}

/** A self-contained page that lists the operations of /openapi.json (no external assets). */
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Agent orchestrator API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f6f8fa;padding:.75rem;overflow:auto;border-radius:6px}
h2{margin-top:2rem;border-bottom:1px solid #ddd}.m{display:inline-block;min-width:4.5em;font-weight:700}</style></head>
<body><h1>Agent orchestrator API</h1><p>Generated from <a href="/openapi.json">/openapi.json</a>.</p><div id="ops">Loading…</div>
<script>
fetch('/openapi.json').then(r => r.json()).then(doc => {
  const out = [];
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const body = op.requestBody ? '<pre>' + JSON.stringify(op.requestBody.content['application/json'].schema, null, 2).replace(/</g, '&lt;') + '</pre>' : '';
    const codes = Object.entries(op.responses).map(([code, r]) => '<code>' + code + '</code> ' + r.description).join('<br>');
    out.push('<h2><span class="m">' + method.toUpperCase() + '</span> <code>' + path + '</code></h2><p>' + op.summary + '</p>' + body + '<p>' + codes + '</p>');
  }
  document.getElementById('ops').innerHTML = '<p>' + doc.info.description + '</p>' + out.join('');
});
</script></body></html>`;
