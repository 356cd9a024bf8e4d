import type { z } from 'zod';
import { listAuditQuerySchema } from '../contracts/audit';
import { createIssueRequestSchema, listIssuesQuerySchema } from '../contracts/issue';
import { controlsChangeSchema } from '../contracts/controls';
import { answerSchema, commandDecisionSchema, decisionSchema, interruptSchema, raiseBudgetSchema, steeringMessageSchema } from '../contracts/people';
import { SCOPE_DESCRIPTIONS } from '../identity/scopes';
import { listDeliveriesQuerySchema } from '../erp/delivery-log';
import { notificationChannelsPatchSchema } from '../notifications/settings';
import { erpWebhookSchema } from '../issues/erp-webhook';
import { answer, errorResponse, queryParameters, requestBody } from './openapi-parts';
import { actingUserParameter, personRefused } from './openapi-people';
import { componentSchemas } from './openapi-schemas';
import { feedbackPaths } from './openapi-feedback';
import { buildPaths } from './openapi-builds';
import { skillPaths } from './openapi-skills';
import { statusCallbackWebhooks } from './openapi-webhooks';

/**
 * The OpenAPI 3.1 document. Request bodies and queries come from the zod schemas the routes
 * validate with; responses are `components.schemas` (openapi-schemas.ts), which every
 * end-to-end test checks real responses against (tests/support/contract.ts); a test lints the
 * whole document with Redocly. Served at /openapi.json; /docs renders it.
 */

type Operation = Record<string, unknown>;
type Paths = Record<string, Record<string, Operation>>;

const issueId = { name: 'id', in: 'path', required: true, description: 'The issue id', schema: { type: 'string', format: 'uuid' } };
const notFound = errorResponse('No such issue in your organization');

const personAction = (summary: string, body: z.ZodType) => ({
  post: {
    summary: `${summary} (scope review, as a person; audited)`,
    description: 'A retry of an action the issue has already recorded from the same person — one that names its gate or question — answers 200 with the issue, not a 409.',
    parameters: [issueId, actingUserParameter],
    requestBody: requestBody(body),
    responses: {
      200: answer('The issue with its new status', 'Issue'),
      403: personRefused,
      404: notFound,
      409: errorResponse('Refused by the workflow (wrong state, already decided, …)'),
    },
  },
});

function issuePaths(): Paths {
  return {
    '/api/issues': {
      post: {
        summary: 'Submit an issue (one workflow per organization + source + externalId)',
        requestBody: requestBody(createIssueRequestSchema),
        responses: {
          201: answer('Created and started', 'IssueSubmitted'),
          200: answer('Already known: the existing issue (created false)', 'IssueSubmitted'),
          202: answer('Stored, but Temporal was unreachable: the issue stays queued and its workflow starts once Temporal answers again (the recovery sweep, within about a minute)', 'IssueSubmitted'),
        },
      },
      get: { summary: 'List issues, newest first', parameters: queryParameters(listIssuesQuerySchema), responses: { 200: answer('A page of issues', 'IssuePage') } },
    },
    '/api/issues/{id}': {
      get: { summary: 'One issue with live status', parameters: [issueId], responses: { 200: answer('The issue', 'Issue'), 404: notFound } },
    },
    '/api/issues/{id}/logs': {
      get: {
        summary: 'Stored log lines, newest first',
        parameters: [issueId, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } }, { name: 'cursor', in: 'query', schema: { type: 'string' } }],
        responses: { 200: answer('Log lines', 'LogPage'), 404: notFound },
      },
    },
    '/api/issues/{id}/artifacts': {
      get: {
        summary: 'Analysis, change (diff), review, answers; oldest first',
        parameters: [issueId, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }, { name: 'cursor', in: 'query', schema: { type: 'string' } }],
        responses: { 200: answer('Artifacts', 'ArtifactPage'), 404: notFound },
      },
    },
    '/api/issues/{id}/people': {
      get: { summary: 'Questions and decisions as stored', parameters: [issueId], responses: { 200: answer('Questions and decisions', 'People'), 404: notFound } },
    },
    '/api/issues/{id}/approval': personAction('Decide at the open approval gate', decisionSchema),
    '/api/issues/{id}/answers': personAction('Answer (or confirm the draft answer to) the pending question', answerSchema),
    '/api/issues/{id}/budget': personAction("Raise the issue's budget", raiseBudgetSchema),
    '/api/issues/{id}/messages': personAction(
      "Send the running agent a message for its next model turn; modelTier also changes the tier of every later turn (needs the raiseBudget role). Ends an interrupt",
      steeringMessageSchema,
    ),
    '/api/issues/{id}/command-approval': personAction(
      'Approve (once, or for the rest of the issue) or deny the command waiting for approval (settings.repository.commandApproval); a denial reaches the agent with the comment',
      commandDecisionSchema,
    ),
    '/api/issues/{id}/interrupt': personAction('Stop the agents at their next safe point (before a model turn or a tool call) until a message comes, or the expiry passes', interruptSchema),
    '/api/issues/{id}/cancel': {
      post: {
        summary: 'Cancel the issue (an admin key; an issues:write key for an issue it submitted; or a person whose role may cancel; audited)',
        parameters: [issueId, actingUserParameter],
        responses: { 202: answer('Cancelling', 'Issue'), 403: personRefused, 404: notFound, 409: errorResponse('Already ended') },
      },
    },
    '/api/webhook-deliveries': {
      get: {
        summary:
          "The events sent out, newest first, with attempts and the last answer: status events to the ERP's callback URL (channel erp) and notices to the notification channels (webhook, slack) (scope admin)",
        parameters: queryParameters(listDeliveriesQuerySchema),
        responses: { 200: answer('A page of deliveries', 'WebhookDeliveryPage') },
      },
    },
    '/api/webhook-deliveries/{id}/redeliver': {
      post: {
        summary: 'Send the event again, now, once (same delivery id, signed anew); audited (scope admin)',
        parameters: [{ name: 'id', in: 'path', required: true, description: 'The id from the delivery log', schema: { type: 'string', format: 'uuid' } }],
        responses: {
          200: answer('The delivery after the attempt (status delivered or failed, with the answer)', 'WebhookDelivery'),
          404: errorResponse('No such delivery in your organization'),
          409: errorResponse('Still being retried by its workflow, or no callback URL (or channel) is set'),
        },
      },
    },
    '/api/inbox': {
      get: {
        summary:
          "What waits for the person the key acts for (a personal key, or act-as with X-Acting-User), limited to what their role may settle; a service key sees every wait. Soonest deadline first (scope review)",
        responses: { 200: answer('The waits', 'Inbox') },
      },
    },
    '/api/admin/notifications': {
      get: {
        summary: "The organization's notification channels and the kinds each takes; secrets are never included (scope admin)",
        responses: { 200: answer('The channels', 'NotificationChannels') },
      },
      patch: {
        summary:
          'Change the notification channels: a channel given is merged key by key (leave the secret out to keep it), null removes it. URLs must be https to a public address (OUTBOUND_ALLOW_PRIVATE lifts that for local testing). Audited (scope admin)',
        requestBody: requestBody(notificationChannelsPatchSchema),
        responses: { 200: answer('The channels now', 'NotificationChannels') },
      },
    },
    '/api/admin/state': {
      get: {
        summary: "What holds the organization's issues: the installation's kill switch and stage flags, its own, and the two together (scope admin)",
        responses: { 200: answer('The controls', 'AgentControlsState') },
      },
    },
    '/api/admin/pause': {
      post: {
        summary:
          "Pause the organization's agents (no `stages`: every stage; with `stages`: only those). Running issues stop at their next step and wait; new ones are accepted and wait too. Audited (scope admin)",
        requestBody: requestBody(controlsChangeSchema),
        responses: {
          200: answer('The controls now, and the workflow sending them to running issues', 'AgentControlsChanged'),
          503: errorResponse('Stored, but Temporal is unreachable: new issues obey it; repeat the request to reach running ones'),
        },
      },
    },
    '/api/admin/resume': {
      post: {
        summary: 'Resume (no `stages`: everything, the stage flags included; with `stages`: those). Held issues continue exactly where they stopped. Audited (scope admin)',
        requestBody: requestBody(controlsChangeSchema),
        responses: {
          200: answer('The controls now, and the workflow sending them to running issues', 'AgentControlsChanged'),
          503: errorResponse('Stored, but Temporal is unreachable: repeat the request to reach running issues'),
        },
      },
    },
    '/api/audit': {
      get: { summary: 'The audit trail of human and admin actions, newest first (scope admin)', parameters: queryParameters(listAuditQuerySchema), responses: { 200: answer('A page of audit events', 'AuditPage') } },
    },
  };
}

function webhookPaths(): Paths {
  const accepted = { description: 'Processed', content: { 'application/json': { schema: { type: 'object' } } } };
  const ignored = { description: 'Duplicate delivery or nothing to do: not processed again', content: { 'application/json': { schema: { type: 'object' } } } };
  return {
    '/api/webhooks/erp': {
      post: {
        summary: "Events from the ERP, signed with the organization's secret (no API key)",
        security: [],
        parameters: ['X-Organization-Id', 'X-Delivery-Id', 'X-Timestamp', 'X-Signature'].map((name) => ({ name, in: 'header', required: true, schema: { type: 'string' } })),
        requestBody: requestBody(erpWebhookSchema),
        responses: {
          202: accepted,
          200: ignored,
          400: errorResponse('Invalid payload or missing headers'),
          401: errorResponse('Bad signature, old timestamp or unknown organization'),
          403: errorResponse("The comment's author may not answer"),
          404: errorResponse('Unknown issue'),
          409: errorResponse('The answer was refused (nothing pending)'),
          413: errorResponse('Body over 1 MiB'),
        },
      },
    },
    '/api/webhooks/github': {
      post: {
        summary: "The repository's GitHub webhook: issues.labeled starts an issue; /approve, /reject, /answer comments from reviewers (no API key)",
        security: [],
        parameters: ['X-GitHub-Event', 'X-GitHub-Delivery', 'X-Hub-Signature-256'].map((name) => ({ name, in: 'header', required: true, schema: { type: 'string' } })),
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'A GitHub webhook payload' } } } },
        responses: { 202: accepted, 200: ignored, 400: errorResponse('Missing headers'), 401: errorResponse('Bad signature or unknown repository'), 413: errorResponse('Body over 2 MiB') },
      },
    },
  };
}

/** operationId and tag of every operation: a route without one fails the document's build. */
const OPERATIONS: Record<string, [operationId: string, tag: string]> = {
  'POST /api/issues': ['submitIssue', 'Issues'],
  'GET /api/issues': ['listIssues', 'Issues'],
  'GET /api/issues/{id}': ['getIssue', 'Issues'],
  'GET /api/issues/{id}/logs': ['listIssueLogs', 'Issues'],
  'GET /api/issues/{id}/artifacts': ['listIssueArtifacts', 'Issues'],
  'GET /api/issues/{id}/people': ['getIssuePeople', 'Issues'],
  'POST /api/issues/{id}/approval': ['decideIssue', 'People in the loop'],
  'POST /api/issues/{id}/answers': ['answerIssue', 'People in the loop'],
  'POST /api/issues/{id}/budget': ['raiseIssueBudget', 'People in the loop'],
  'POST /api/issues/{id}/messages': ['messageIssueAgent', 'People in the loop'],
  'POST /api/issues/{id}/interrupt': ['interruptIssueAgent', 'People in the loop'],
  'POST /api/issues/{id}/command-approval': ['decideIssueCommand', 'People in the loop'],
  'POST /api/issues/{id}/cancel': ['cancelIssue', 'Issues'],
  'GET /api/audit': ['listAuditEvents', 'Audit'],
  'GET /api/webhook-deliveries': ['listWebhookDeliveries', 'Webhooks out'],
  'POST /api/webhook-deliveries/{id}/redeliver': ['redeliverWebhook', 'Webhooks out'],
  'POST /api/webhooks/erp': ['receiveErpWebhook', 'Webhooks in'],
  'POST /api/webhooks/github': ['receiveGitHubWebhook', 'Webhooks in'],
  'GET /api/skills': ['listSkills', 'Skills'],
  'POST /api/skills': ['publishSkill', 'Skills'],
  'GET /api/skills/{slug}': ['getSkill', 'Skills'],
  'PATCH /api/skills/{slug}': ['updateSkill', 'Skills'],
  'GET /api/skills/{slug}/versions/{version}': ['getSkillVersion', 'Skills'],
  'POST /api/skills/{slug}/rollback': ['rollBackSkill', 'Skills'],
  'POST /api/skills/{slug}/invoke': ['invokeSkill', 'Skill runs'],
  'GET /api/personas': ['listPersonas', 'Personas'],
  'POST /api/personas': ['createPersona', 'Personas'],
  'GET /api/personas/{slug}': ['getPersona', 'Personas'],
  'PATCH /api/personas/{slug}': ['updatePersona', 'Personas'],
  'DELETE /api/personas/{slug}': ['deletePersona', 'Personas'],
  'GET /api/invocations': ['listInvocations', 'Skill runs'],
  'GET /api/invocations/{id}': ['getInvocation', 'Skill runs'],
  'POST /api/invocations/{id}/cancel': ['cancelInvocation', 'Skill runs'],
  'POST /api/invocations/{id}/answers': ['answerInvocation', 'People in the loop'],
  'POST /api/invocations/{id}/approval': ['decideInvocation', 'People in the loop'],
  'POST /api/events': ['postEvent', 'Skill runs'],
  'GET /api/schedules': ['listSchedules', 'Schedules'],
  'POST /api/schedules': ['createSchedule', 'Schedules'],
  'GET /api/schedules/{id}': ['getSchedule', 'Schedules'],
  'PATCH /api/schedules/{id}': ['updateSchedule', 'Schedules'],
  'DELETE /api/schedules/{id}': ['deleteSchedule', 'Schedules'],
  'POST /api/schedules/{id}/pause': ['pauseSchedule', 'Schedules'],
  'POST /api/schedules/{id}/unpause': ['unpauseSchedule', 'Schedules'],
  'POST /api/schedules/{id}/trigger': ['triggerSchedule', 'Schedules'],
  'POST /api/schedules/{id}/backfill': ['backfillSchedule', 'Schedules'],
  'POST /api/issues/{id}/feedback': ['giveIssueFeedback', 'Feedback'],
  'GET /api/issues/{id}/feedback': ['listIssueFeedback', 'Feedback'],
  'POST /api/invocations/{id}/feedback': ['giveInvocationFeedback', 'Feedback'],
  'GET /api/invocations/{id}/feedback': ['listInvocationFeedback', 'Feedback'],
  'PATCH /api/feedback/{id}': ['updateFeedbackImprovement', 'Feedback'],
  'GET /api/feedback/summary': ['getFeedbackSummary', 'Feedback'],
  'GET /api/inbox': ['getInbox', 'People in the loop'],
  'POST /api/builders/skill': ['startSkillBuild', 'Builders'],
  'POST /api/builders/feature': ['startFeatureBuild', 'Builders'],
  'POST /api/builders/form': ['startFormBuild', 'Builders'],
  'POST /api/builders/workflow': ['startWorkflowBuild', 'Builders'],
  'GET /api/builds/{id}': ['getBuild', 'Builders'],
  'POST /api/builds/{id}/approval': ['decideBuild', 'Builders'],
  'GET /api/admin/notifications': ['getNotificationChannels', 'Webhooks out'],
  'PATCH /api/admin/notifications': ['updateNotificationChannels', 'Webhooks out'],
  'GET /api/admin/state': ['getAgentControls', 'Operations'],
  'POST /api/admin/pause': ['pauseAgents', 'Operations'],
  'POST /api/admin/resume': ['resumeAgents', 'Operations'],
  'GET /health': ['getHealth', 'Operations'],
  'GET /metrics': ['getMetrics', 'Operations'],
  'GET /ready': ['getReadiness', 'Operations'],
  'GET /live': ['getLiveness', 'Operations'],
};

const TAGS = [
  { name: 'Issues', description: 'Submit issues and follow them to a pull request' },
  { name: 'People in the loop', description: 'Approvals, answers and budget raises, as a person (audited)' },
  { name: 'Skills', description: 'Skill definitions, versions and rollout' },
  { name: 'Personas', description: 'Who a skill runs as, and which skills it may run' },
  { name: 'Skill runs', description: 'Invocations, ERP events and their runs' },
  { name: 'Schedules', description: 'Skills on Temporal Schedules' },
  { name: 'Builders', description: 'Agents that build skills: drafted, compiled, dry-run, approved by a person, published' },
  { name: 'Audit', description: 'The trail of human and admin actions' },
  { name: 'Feedback', description: 'Ratings of issues and skill runs, what was done about them, and their summary' },
  { name: 'Webhooks in', description: 'Signed deliveries from the ERP and GitHub' },
  { name: 'Webhooks out', description: "The events we send — status events to the ERP's callback URL, notices to the notification channels —, the channels, the log and redelivery" },
  { name: 'Operations', description: 'Health, readiness, and the kill switch' },
];

/** Operations that count against the organization's rate limits or spend caps. */
const LIMITED = new Set(['submitIssue', 'invokeSkill', 'postEvent']);

const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: the first request with a key runs and its answer is kept 24 hours; a retry with the same key and request gets that answer again (header Idempotent-Replayed: true) without running anything. The same key with a different request is a 422 IDEMPOTENCY_MISMATCH; a retry while the first still runs is a 409 with Retry-After. Only successes are kept: a request refused (4xx) or failed (5xx) does not use up the key.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};

/**
 * What every operation shares, added in one place: its id and tag, the errors any /api
 * operation can answer (401, 403, 422, and 400/413/415 with a body, 429 where limited), and
 * Idempotency-Key on every POST but the signed webhooks.
 */
function withSharedParts(paths: Paths): Paths {
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const key = `${method.toUpperCase()} ${path}`;
      const named = OPERATIONS[key];
      if (!named) throw new Error(`OpenAPI: ${key} has no operationId (add it to OPERATIONS)`);
      const [operationId, tag] = named;
      operation['operationId'] = operationId;
      operation['tags'] = [tag];
      const responses = operation['responses'] as Record<string, unknown>;
      if (path.startsWith('/api/')) responses['503'] ??= errorResponse('UPSTREAM_UNAVAILABLE: PostgreSQL or Temporal is unreachable; Retry-After says when to try again, and repeating the request is safe');
      if (!path.startsWith('/api/') || path.startsWith('/api/webhooks/')) continue;
      const parameters = (operation['parameters'] as unknown[] | undefined) ?? [];
      responses['401'] ??= errorResponse('Missing, unknown or revoked API key');
      responses['403'] ??= errorResponse('The key lacks the scope this operation needs (the message names it)');
      if (operation['requestBody'] || parameters.length > 0) responses['422'] ??= errorResponse('A field, query parameter, path parameter or header breaks its rule: details name each');
      // Any POST or PATCH may carry a body, even where none is expected (a cancel): it is checked.
      if (operation['requestBody'] || method === 'post' || method === 'patch') {
        responses['400'] ??= errorResponse('Malformed JSON');
        responses['413'] ??= errorResponse('Body over 1 MiB');
        responses['415'] ??= errorResponse('Not JSON (Content-Type: application/json)');
      }
      if (LIMITED.has(operationId)) responses['429'] ??= errorResponse("Over the organization's rate limit or spend cap (Retry-After says when to try again)");
      if (method === 'post') {
        operation['parameters'] = [...parameters.filter((parameter) => (parameter as { name?: string }).name !== 'Idempotency-Key'), idempotencyKeyParameter];
        responses['422'] ??= errorResponse('IDEMPOTENCY_MISMATCH: the Idempotency-Key was used for a different request');
        responses['409'] ??= errorResponse('A request with the same Idempotency-Key is still running (Retry-After)');
      }
    }
  }
  return paths;
}

const SCOPES_TEXT = Object.entries(SCOPE_DESCRIPTIONS)
  .map(([scope, text]) => `\`${scope}\`: ${text}`)
  .join('; ');

export function openApiDocument(serverUrl = 'http://127.0.0.1:3000'): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Agent orchestrator API',
      version: '0.1.0',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description: [
        'Issues in, reviewed pull requests out, on Temporal; skills run on demand, on ERP events and on Temporal Schedules.',
        'Errors are `{ error: { code, message, details[], docs }, requestId }` (codes on /docs#errors). Every validation failure is a 422 whose details name each field; unknown fields are refused; enums are accepted in any letter case.',
        'Lists answer `{ items, hasMore, nextCursor }`: pass nextCursor back as cursor. Every POST takes an Idempotency-Key.',
      ].join('\n\n'),
    },
    servers: [{ url: serverUrl, description: 'This orchestrator' }],
    tags: TAGS,
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: `An organization API key (npm run org:create, npm run admin -- key:create). A key carries scopes — ${SCOPES_TEXT} — and a 403 names the one missing. A personal key (--reviewer) acts as that reviewer.`,
        },
      },
      schemas: componentSchemas,
    },
    paths: withSharedParts({
      ...issuePaths(),
      ...webhookPaths(),
      ...skillPaths(),
      ...feedbackPaths(),
      ...buildPaths(),
      '/health': {
        get: {
          summary:
            "Healthy or degraded (database, Temporal, and workers of the build new runs go to), version, uptime and sandbox mode; with an API key of scope issues:write, review or admin also that organization's pending, running, waiting and failed-in-the-last-hour counts",
          // The key is optional: without one, no counts.
          security: [{}, { apiKey: [] }],
          responses: {
            200: answer('Healthy', 'Health'),
            401: answer('An Authorization header was sent and is not a valid key', 'Error'),
            403: answer('The key has none of the scopes that may read the counts', 'Error'),
            503: answer('Degraded: a check failed', 'Health'),
          },
        },
      },
      '/ready': {
        get: {
          summary: "Readiness for traffic: this instance's database answers (Temporal and the workers are shared, and issues are accepted without them: see /health)",
          security: [],
          responses: { 200: answer('Ready', 'Readiness'), 503: answer('Not ready: the database does not answer', 'Readiness') },
        },
      },
      '/metrics': {
        get: {
          summary:
            'Prometheus metrics: HTTP requests, issues by status and stage, waits for people, the queue and slots, webhooks and callbacks, the process (README "Metrics"). Off unless METRICS_TOKEN is set; then only with Authorization: Bearer <METRICS_TOKEN>',
          security: [],
          responses: {
            200: { description: 'The Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
            401: answer('Missing or wrong METRICS_TOKEN', 'Error'),
            404: answer('Metrics are off on this API (no METRICS_TOKEN)', 'Error'),
          },
        },
      },
      '/live': {
        get: { summary: 'Liveness: the process answers', security: [], responses: { 200: answer('Alive', 'Liveness') } },
      },
    }),
    webhooks: statusCallbackWebhooks(),
  };
}
