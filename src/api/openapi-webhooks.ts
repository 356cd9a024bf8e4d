/**
 * The events we send (OpenAPI 3.1 `webhooks`): status events POSTed to the organization's
 * `settings.erp.callbackUrl` by src/erp/callbacks.ts, and notices to its notification channels
 * by src/notifications/deliver.ts; all logged at GET /api/webhook-deliveries.
 */
import { NOTIFICATION_EVENTS, NOTIFICATION_KINDS } from '../contracts/notifications';

const headers = [
  { name: 'X-Delivery-Id', description: 'Stable across retries of one event: deduplicate on it' },
  { name: 'X-Timestamp', description: 'Unix seconds when this attempt was signed' },
  { name: 'X-Event', description: 'The event name (also in the body)' },
  { name: 'X-Signature', description: 'sha256=<hex> HMAC of "<timestamp>.<deliveryId>.<body>" with settings.erp.webhookSecret; present when a secret is set', required: false },
].map(({ name, description, required }) => ({ name, in: 'header', required: required ?? true, description, schema: { type: 'string' } }));

const pending = {
  type: 'object',
  description: 'While a person is owed something: what, and until when',
  properties: {
    kind: { type: 'string', enum: ['approval', 'question', 'budget'] },
    gate: { type: 'string', enum: ['plan', 'final'] },
    questionId: { type: 'string' },
    question: { type: 'string' },
    draftAnswer: { type: ['string', 'null'] },
    spentUsd: { type: 'number' },
    budgetUsd: { type: 'number' },
    deadline: { type: 'string', format: 'date-time' },
  },
};

const statusEvent = {
  type: 'object',
  required: ['event', 'deliveryId', 'id', 'externalId', 'source', 'organizationId', 'status', 'internalStatus', 'occurredAt'],
  properties: {
    event: { type: 'string', enum: ['issue.status_changed', 'issue.pull_request_opened'] },
    deliveryId: { type: 'string' },
    id: { type: 'string', description: 'Our issue id' },
    externalId: { type: 'string', description: "The ERP's issue id" },
    source: { type: 'string' },
    organizationId: { type: 'string' },
    status: { type: 'string', enum: ['PENDING', 'QUEUED', 'PROCESSING', 'REVIEW', 'COMPLETED', 'FAILED', 'CANCELLED'] },
    internalStatus: { type: 'string', description: 'Our status (awaiting_approval, …)' },
    stage: { type: 'string' },
    waitingFor: { type: 'string', description: 'While a person is owed something: what (plan approval, an answer, …)' },
    pending,
    deadline: { type: 'string', format: 'date-time', description: 'When that wait expires' },
    pullRequestUrl: { type: 'string' },
    summary: { type: 'string' },
    error: { type: ['string', 'null'] },
    occurredAt: { type: 'string', format: 'date-time' },
  },
};


const invocationFinished = {
  type: 'object',
  required: ['event', 'deliveryId', 'id', 'organizationId', 'skill', 'status', 'occurredAt'],
  properties: {
    event: { type: 'string', const: 'invocation.finished' },
    deliveryId: { type: 'string' },
    id: { type: 'string', description: 'The invocation id' },
    organizationId: { type: 'string' },
    skill: { type: 'string' },
    version: { type: ['string', 'null'] },
    persona: { type: 'string' },
    triggeredBy: { type: 'string' },
    entityType: { type: ['string', 'null'] },
    entityId: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['completed', 'failed'] },
    output: { type: ['object', 'null'] },
    error: { type: ['string', 'null'] },
    costUsd: { type: 'number' },
    occurredAt: { type: 'string', format: 'date-time' },
  },
};


const notificationHeaders = [
  ...headers.map((header) => (header.name === 'X-Signature' ? { ...header, required: true, description: 'sha256=<hex> HMAC of "<timestamp>.<deliveryId>.<body>" with settings.notifications.webhook.secret' } : header)),
  { name: 'X-Event-Id', in: 'header', required: true, description: 'The notice (the same id on every channel it goes to)', schema: { type: 'string' } },
];

const notification = {
  type: 'object',
  required: ['event', 'eventId', 'deliveryId', 'organizationId', 'kind', 'message', 'awaiting', 'deadline', 'recipients', 'issue', 'occurredAt'],
  properties: {
    event: { type: 'string', enum: NOTIFICATION_EVENTS },
    eventId: { type: 'string', description: 'The notice' },
    deliveryId: { type: 'string', description: 'notification:<eventId>:webhook, as X-Delivery-Id' },
    organizationId: { type: 'string' },
    kind: { type: 'string', enum: [...NOTIFICATION_KINDS] },
    message: { type: 'string', description: 'One line for people (at most 1000 characters)' },
    awaiting: { type: ['string', 'null'], description: 'What is awaited: "final approval", "an answer", "a budget raise"' },
    deadline: { type: ['string', 'null'], format: 'date-time', description: 'When the wait expires (the issue then ends)' },
    gate: { type: 'string', enum: ['plan', 'final'] },
    questionId: { type: 'string' },
    question: { type: 'string', description: 'The question asked (at most 2000 characters)' },
    recipients: { type: 'array', items: { type: 'string' }, description: 'For an escalation: settings.escalationContacts' },
    issue: {
      type: 'object',
      required: ['id', 'title', 'trackingUrl'],
      properties: {
        id: { type: 'string' },
        externalId: { type: ['string', 'null'] },
        source: { type: ['string', 'null'] },
        title: { type: 'string', description: 'At most 300 characters' },
        priority: { type: ['string', 'null'] },
        status: { type: ['string', 'null'] },
        trackingUrl: { type: 'string' },
      },
    },
    occurredAt: { type: 'string', format: 'date-time' },
  },
};

const slackMessage = {
  type: 'object',
  required: ['text', 'blocks'],
  description: "Slack's incoming-webhook message (mrkdwn; issue text escaped: &, < and > as entities, so it cannot mention or link)",
  properties: { text: { type: 'string' }, blocks: { type: 'array', items: { type: 'object' } } },
};

const delivery = (summary: string, description: string, schema: Record<string, unknown> = statusEvent, parameters: unknown[] = headers) => ({
  post: {
    operationId: summary.replace(/\W+(\w)/g, (_match: string, letter: string) => letter.toUpperCase()).replace(/^\w/, (letter) => letter.toLowerCase()),
    summary,
    description,
    tags: ['Webhooks out'],
    security: [],
    parameters,
    requestBody: { required: true, content: { 'application/json': { schema } } },
    responses: {
      200: { description: 'Received. Any 2xx counts; 5xx, 408, 429 and network errors are retried with backoff (12 attempts, after Retry-After when given); other answers, redirects included, are final' },
    },
  },
});

export function statusCallbackWebhooks(): Record<string, unknown> {
  return {
    'issue.status_changed': delivery(
      'Issue status changed',
      'On every status change: processing; waiting for a person — an approval, an answer to a question, a budget raise — with waitingFor, deadline and pending saying what; and the end.',
    ),
    'issue.pull_request_opened': delivery('Issue pull request opened', 'When the pull request is published after the final approval.'),
    'invocation.finished': delivery('Invocation finished', 'When a skill run ends, completed or failed, with its output or error.', invocationFinished),
    notification: delivery(
      'Notification',
      'To settings.notifications.webhook.url: a reminder, an escalation, an approval needed or a question asked about an issue, once per notice (deduplicate on X-Delivery-Id).',
      notification,
      notificationHeaders,
    ),
    'notification.slack': {
      post: {
        ...delivery('Slack notification', 'To settings.notifications.slack.webhookUrl: the same notices as a Slack message (unsigned: the URL is the secret). Slack answers 200 "ok".', slackMessage, []).post,
        responses: { 200: { description: 'Received ("ok"). 5xx, 408, 429 and network errors are retried with backoff; other answers are final' } },
      },
    },
  };
}
