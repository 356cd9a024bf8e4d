/**
 * The response bodies of /openapi.json (`components.schemas`). Our own views close their
 * objects (`additionalProperties: false`): a field the code adds without adding it here fails
 * the contract check every end-to-end test runs (tests/support/contract.ts). What callers send
 * us back as data (an issue's context, a skill's input and output) stays open.
 */

import { STAGES } from '../contracts/issue';
import { NOTIFICATION_KINDS } from '../contracts/notifications';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const string = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const number: Schema = { type: 'number' };
const integer: Schema = { type: 'integer' };
const boolean: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const anyJson: Schema = {};
const openObject = (description?: string): Schema => ({ type: 'object', ...(description ? { description } : {}) });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const array = (items: Schema): Schema => ({ type: 'array', items });
const oneOfStrings = (values: readonly string[], description?: string): Schema => ({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/** A closed object: every property listed is required unless named in `optional`. */
function object(properties: Record<string, Schema>, optional: string[] = [], description?: string): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    additionalProperties: false,
  };
}

/** `{ items, hasMore, nextCursor }` (and, for offset callers, `extra`). */
export function pageOf(item: Schema, extra: Record<string, Schema> = {}): Schema {
  return object({ items: array(item), hasMore: boolean, nextCursor: nullable(string('Pass back as cursor for the next page')), ...extra });
}

const ISSUE_STATUSES = ['queued', 'processing', 'awaiting_approval', 'awaiting_answer', 'awaiting_budget', 'needs_info', 'completed', 'failed', 'rejected', 'approval_expired', 'cancelled'];
const ERP_STATUSES = ['PENDING', 'QUEUED', 'PROCESSING', 'REVIEW', 'COMPLETED', 'FAILED', 'CANCELLED'];

const pendingHuman: Schema = {
  description: 'What a person owes the issue: an approval at a gate, an answer, a budget raise, or a decision on a command the agent asked to run',
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      required: ['kind', 'since', 'deadline', 'reminded', 'escalated'],
      properties: {
        kind: oneOfStrings(['approval', 'question', 'budget', 'command']),
        toolUseId: string('command: the agent tool call asking to run it'),
        argv: array(string()),
        classification: oneOfStrings(['safe', 'dangerous', 'unknown']),
        reason: string('command: why the policy holds it'),
        gate: oneOfStrings(['plan', 'final']),
        gateRound: integer,
        questionId: string(),
        stage: string(),
        question: string(),
        policy: string(),
        draftAnswer: nullable(string()),
        spentUsd: number,
        budgetUsd: number,
        since: time,
        deadline: time,
        reminded: boolean,
        escalated: boolean,
      },
      additionalProperties: false,
    },
  ],
};

const question = object({
  id: string(),
  stage: string(),
  question: string(),
  answer: nullable(string()),
  answeredBy: nullable(string()),
  status: oneOfStrings(['pending', 'answered', 'expired']),
});
const decision = object({
  gate: oneOfStrings(['plan', 'final']),
  decision: oneOfStrings(['approve', 'reject', 'request_changes']),
  reviewer: string(),
  comment: nullable(string()),
  at: time,
  via: oneOfStrings(['update', 'signal']),
});

const issue = object(
  {
    id: string(),
    externalId: string(),
    source: string(),
    type: string(),
    priority: string(),
    title: string(),
    description: string(),
    module: nullable(string()),
    context: openObject('As submitted'),
    status: oneOfStrings(ISSUE_STATUSES),
    erpStatus: oneOfStrings(ERP_STATUSES, "The status in the ERP's vocabulary"),
    stage: nullable(string('classify … review while it runs; its outcome (completed, failed, …) once ended, as IssueStage in Temporal')),
    progress: number,
    currentStep: string(),
    result: openObject('Short results of the stages (classification, route, review verdict, summary)'),
    error: nullable(string()),
    workflowId: string(),
    trackingUrl: string(),
    temporalUrl: string('The run in the Temporal Web UI'),
    pending: pendingHuman,
    held: nullable(
      object(
        { stage: oneOfStrings([...STAGES, 'publish']), reason: string(), since: time },
        [],
        'Held by the kill switch or a stage flag (POST /api/admin/pause) before this stage; it continues where it stopped on resume',
      ),
    ),
    round: integer,
    costUsd: nullable(number),
    budgetUsd: nullable(number),
    questions: array(question),
    decisions: array(decision),
    refusedSignals: array(
      object(
        { kind: oneOfStrings(['decision', 'answer', 'budget', 'message', 'interrupt', 'command']), person: nullable(string('Who it named (a claim: it was refused)')), reason: string(), at: time },
        [],
        'A signal (Web UI, temporal workflow signal) the workflow refused, with why: its sender hears nothing else',
      ),
    ),
    messages: array(
      object(
        {
          id: integer,
          from: string('The person, or erp:<user> for an ERP update'),
          text: string(),
          at: time,
          delivered: nullable(object({ stage: string(), loopId: string(), turn: integer }, [], 'The agent turn that was first given it')),
        },
        [],
        'A message sent to the running agents (POST /api/issues/:id/messages, or an ERP issue.updated)',
      ),
    ),
    interrupted: nullable(object({ by: string(), reason: nullable(string()), since: time, deadline: time }, [], 'Interrupted: the agents wait for a message until the deadline, then go on')),
    tierOverride: nullable(oneOfStrings(['small', 'medium', 'large'], 'The model tier a person chose for the rest of the run')),
    commandDecisions: array(
      object(
        {
          toolUseId: string(),
          argv: array(string()),
          decision: oneOfStrings(['approve', 'approve_for_issue', 'deny', 'expired']),
          by: nullable(string()),
          comment: nullable(string()),
          at: time,
        },
        [],
        'A decision on a command the approval policy held (expired: no decision in time, so it was not run)',
      ),
    ),
    queuePosition: nullable(integer),
    pullRequestUrl: nullable(string()),
    branch: nullable(string()),
    createdAt: time,
    updatedAt: time,
    completedAt: nullable(time),
    job: object({
      id: string(),
      agentType: string(),
      progress: number,
      currentStep: string(),
      logs: array(object({ time, level: string(), message: string() })),
    }),
  },
  ['temporalUrl'],
  'An issue: its row, and while it runs the live progress from its workflow',
);

const issueSubmitted = object({
  id: string(),
  status: oneOfStrings(ISSUE_STATUSES),
  erpStatus: oneOfStrings(ERP_STATUSES),
  workflowId: string(),
  jobId: string('The workflow id (the ERP calls it the job)'),
  trackingUrl: string(),
  created: boolean,
});

const logLine = object({ time, level: string(), message: string(), data: nullable(openObject()), stepId: nullable(string()) });
const artifact = object({
  id: string(),
  type: string(),
  name: string(),
  content: nullable(string()),
  filePath: nullable(string()),
  diffPatch: nullable(string()),
  metadata: nullable(openObject()),
  stepId: nullable(string()),
  createdAt: time,
});
const storedQuestion = object({
  id: string(),
  issueId: string(),
  stage: string(),
  question: string(),
  policy: oneOfStrings(['autonomous', 'supervised', 'human']),
  status: oneOfStrings(['pending', 'answered', 'expired']),
  draftAnswer: nullable(string()),
  answer: nullable(string()),
  answeredBy: nullable(string()),
  answeredAt: nullable(time),
  createdAt: time,
});
const storedDecision = object({
  id: string(),
  issueId: string(),
  gate: oneOfStrings(['plan', 'final']),
  gateRound: integer,
  decision: oneOfStrings(['approve', 'reject', 'request_changes']),
  reviewer: string(),
  comment: nullable(string()),
  via: oneOfStrings(['update', 'signal']),
  createdAt: time,
});

const auditEvent = object(
  {
    id: integer,
    at: time,
    actor: nullable(string('The person; null when a service key acted for itself')),
    actorRole: nullable(string()),
    channel: oneOfStrings(['api_key', 'github_webhook', 'erp_webhook', 'temporal_signal', 'temporal_update', 'cli']),
    channelRef: nullable(string('Key id, webhook delivery id, workflow id or OS user')),
    channelName: nullable(string("The key's name")),
    action: string('issue.decide, issue.answer, issue.raise_budget, issue.cancel, invocation.*, skill.*, persona.*, schedule.*, key.*, reviewer.*, settings.*'),
    targetType: string(),
    targetId: nullable(string()),
    outcome: oneOfStrings(['ok', 'refused', 'failed']),
    reason: nullable(string()),
    details: openObject(),
    requestId: nullable(string()),
  },
  [],
  'One human or admin action, accepted or refused. The trail is append-only.',
);

const erpSync = openObject('How the change reached the ERP AgentSkill endpoint (synced, skipped, failed with why)');
const skill = object(
  {
    slug: string(),
    name: string(),
    category: nullable(string()),
    enabled: boolean,
    rollout: openObject('pinned { version } | latest | canary { stable, canary, percent }'),
    events: array(string()),
    latestVersion: nullable(string()),
    versions: array(object({ version: string(), checksum: string(), changelog: string(), status: string(), publishedAt: time })),
    updatedAt: time,
    erpSync,
    rolledBackFrom: openObject('The rollout before a rollback'),
  },
  ['erpSync', 'rolledBackFrom'],
);
const skillVersion = object({ version: string(), checksum: string(), changelog: string(), source: string(), compiled: openObject('The compiled definition'), publishedAt: time });
const published = object({ created: boolean, version: string(), checksum: string(), skill: ref('Skill'), erpSync, warnings: array(anyJson) }, ['erpSync']);
const persona = object({ slug: string(), name: string(), systemPrompt: string(), allowedSkills: array(string()), enabled: boolean, createdAt: time, updatedAt: time });

const invocation = object(
  {
    id: string(),
    workflowId: string(),
    skill: string(),
    version: nullable(string()),
    persona: string(),
    triggeredBy: string('api, event:<type>, schedule:<name>'),
    eventId: nullable(string()),
    entityType: nullable(string()),
    entityId: nullable(string()),
    status: oneOfStrings(['pending', 'running', 'completed', 'failed'], "The ERP's AgentInvocation statuses"),
    liveStatus: nullable(string('While it runs: queued, running, awaiting_input, awaiting_review, …')),
    pending: nullable(object({ kind: oneOfStrings(['question', 'review']), toolUseId: string(), prompt: string(), since: time, deadline: time })),
    held: nullable(object({ reason: string(), since: time }, [], 'Held by the kill switch (POST /api/admin/pause) before its next step; it continues where it stopped on resume')),
    input: openObject(),
    output: nullable(openObject()),
    error: nullable(string()),
    costUsd: number,
    budgetUsd: nullable(number),
    dryRun: boolean,
    requests: array(
      object({ kind: string(), prompt: string(), status: string(), response: nullable(string()), respondedBy: nullable(string()), askedAt: time, respondedAt: nullable(time) }),
    ),
    wouldWrite: array(
      object(
        { tool: string(), method: oneOfStrings(['POST', 'PATCH']), path: string('Under the ERP API root, e.g. /briefs'), body: anyJson },
        ['body'],
        'A write a dry run did not send, exactly as it would have gone to the ERP',
      ),
    ),
    createdAt: time,
    startedAt: nullable(time),
    completedAt: nullable(time),
    durationMs: nullable(number),
  },
  ['requests', 'wouldWrite'],
  'A skill run (requests to people only on the single-run view)',
);
const build = object(
  {
    id: string(),
    workflowId: string(),
    kind: oneOfStrings(['skill', 'feature', 'form', 'workflow'], 'What the build makes: a skill version (skill, feature) or ERP records (form templates, content triggers)'),
    builder: oneOfStrings(['Skill Builder', 'Feature Builder', 'Form Generator', 'Workflow Designer']),
    costUsd: { ...number, description: 'What the build cost: its own model calls and its dry runs, in USD' },
    mode: oneOfStrings(['create', 'refine', 'extend']),
    status: oneOfStrings(['drafting', 'testing', 'awaiting_approval', 'creating', 'published', 'created', 'rejected', 'failed'], 'published: a skill version went out; created: the ERP records were created'),
    round: integer,
    checksum: nullable(string('What an approval approves now: the checksum of the draft or proposal waiting (the decision may name it, with round, as a guard)')),
    skill: nullable(string('Skill builds: the skill refined or extended, or the one the draft names')),
    description: string(),
    examples: array(openObject()),
    persona: nullable(string('Skill builds: the persona the dry runs run as')),
    requestedBy: string(),
    draft: nullable(
      object({
        version: string('Set by the change: src/skills/versioning.ts'),
        bump: oneOfStrings(['major', 'minor', 'patch', 'new']),
        reasons: array(string()),
        changelog: string(),
        rationale: string(),
        citedFeedback: array(string('Feedback ids')),
        source: string('The skill file as proposed (status draft)'),
      }),
    ),
    dryRuns: array(
      object({
        invocationId: string(),
        input: openObject(),
        status: oneOfStrings(['completed', 'failed']),
        output: nullable(openObject()),
        error: nullable(string()),
        costUsd: number,
        wouldWrite: array(object({ tool: string(), method: string(), path: string(), body: anyJson }, ['body'])),
        requests: array(anyJson),
      }),
    ),
    proposal: nullable(
      object(
        {
          round: integer,
          summary: nullable(string()),
          rationale: nullable(string()),
          records: array(object({ collection: oneOfStrings(['form-templates', 'content-triggers']), payload: openObject('The exact body the ERP will be sent (src/contracts/erp-records.ts)') })),
          checksum: string('sha256 of the records: what an approval approves'),
        },
        [],
        'ERP builds: the records proposed, in the order they are created',
      ),
    ),
    created: array(object({ index: integer, collection: oneOfStrings(['form-templates', 'content-triggers']), id: string('The ERP record id'), name: string() }, [], 'ERP builds: a record created so far')),
    decisions: array(object({ round: integer, decision: string(), reviewer: string(), comment: nullable(string()), at: time })),
    publishedVersion: nullable(string()),
    error: nullable(string()),
    createdAt: time,
    updatedAt: time,
  },
  [],
  'A builder run (README "Builder agents")',
);
const invocationStarted = object({ id: string(), workflowId: string(), status: string(), skill: string(), version: nullable(string()), persona: string(), dryRun: boolean, created: boolean });
const eventOutcome = object(
  {
    duplicate: boolean,
    eventId: string(),
    type: string(),
    invocations: array(object({ skill: string(), id: string(), persona: string(), workflowId: string() })),
    skipped: array(object({ skill: string(), reason: string() })),
    inProgress: boolean,
  },
  ['type', 'invocations', 'skipped', 'inProgress'],
  'What the event started and skipped; a duplicate event id answers the first outcome (inProgress while it is still starting)',
);
const schedule = object(
  {
    id: string(),
    scheduleId: string('The Temporal Schedule id'),
    skill: string(),
    name: string(),
    cron: nullable(array(string())),
    intervalSeconds: nullable(integer),
    timezone: string(),
    overlap: string(),
    catchupWindowSeconds: nullable(integer),
    jitterSeconds: integer,
    persona: string(),
    input: openObject(),
    version: nullable(string()),
    entityType: nullable(string()),
    entityId: nullable(string()),
    paused: nullable(boolean),
    note: nullable(string()),
    nextRuns: array(time),
    recentRuns: array(object({ scheduledAt: time, takenAt: time, workflowId: nullable(string()) })),
    runsTotal: nullable(integer),
    createdAt: time,
    backfill: object({ runs: integer, overlap: string(), note: string() }),
  },
  ['backfill'],
);

const webhookDelivery = object({
  id: string('Its id in the log (redeliver with it)'),
  deliveryId: string('X-Delivery-Id: the same on every attempt and redelivery'),
  event: oneOfStrings([
    'issue.status_changed',
    'issue.pull_request_opened',
    'invocation.finished',
    ...NOTIFICATION_KINDS.map((kind) => `notification.${kind}`),
  ]),
  channel: oneOfStrings(['erp', 'webhook', 'slack'], "erp: a status event to the ERP's callback URL; webhook, slack: a notice to that notification channel"),
  issueId: nullable(string()),
  invocationId: nullable(string()),
  notificationId: nullable(string('The notice a notification delivery sends (one delivery per channel)')),
  url: string('Where it went (without query string or token-like path segments)'),
  status: oneOfStrings(['pending', 'delivered', 'failed'], 'pending: its workflow is still retrying'),
  attempts: integer,
  lastStatusCode: nullable(integer),
  lastError: nullable(string()),
  payload: openObject('What the event said beyond the subject (status, stage, pending, …)'),
  createdAt: time,
  updatedAt: time,
});

export const errorSchema: Schema = object(
  {
    error: object(
      {
        code: string('Stable; listed on /docs#errors'),
        message: string('What is wrong and what to fix'),
        details: array({
          type: 'object',
          required: ['path', 'message'],
          properties: { path: string('Where: a field, query parameter, header, or the setting behind a limit'), message: string(), expected: string(), received: string() },
        }),
        docs: string('This code on /docs'),
      },
    ),
    requestId: string('Also in X-Request-Id; quote it when reporting a problem'),
  },
);

const checks: Schema = { type: 'object', additionalProperties: boolean, description: 'database, temporal, workers (a workflow and an activity poller, of the build new runs go to, seen in the last 90 s), and with a workspace pool workspaceWorkers (an activity poller on each of its queues in the last 90 s): true when passing' };
const health = object(
  {
    status: oneOfStrings(['healthy', 'degraded']),
    checks,
    version: string('The orchestrator version (package.json)'),
    uptimeSeconds: integer,
    sandbox: openObject('How agent commands are confined; off comes with its warning'),
    stats: {
      ...object({ pending: integer, running: integer, waitingForPeople: integer, failedLastHour: integer }),
      description: "With an API key: that key's organization's issues — stored and not yet in a stage, in a stage, of those waiting for a person, failed in the last hour",
    },
    agents: {
      ...ref('AgentControls'),
      description: "The installation's kill switch and stage flags; with an API key, as they apply to that key's organization (its own included). Never a failing check",
    },
  },
  ['sandbox', 'stats', 'agents'],
);
const agentControls = object(
  { paused: boolean, disabledStages: array(oneOfStrings(STAGES)), reason: nullable(string('What the operator said')) },
  [],
  'Paused: every agent step waits. disabledStages: issues wait before entering these stages',
);
const storedControls = object(
  {
    paused: boolean,
    disabledStages: array(oneOfStrings(STAGES)),
    reason: nullable(string()),
    changedBy: nullable(string('Who changed it last (a person, a key, the admin CLI)')),
    changedAt: nullable(time),
  },
  [],
);
const controlsState = {
  installation: { ...storedControls, description: "The installation's (set by the operator: npm run admin -- pause)" },
  organization: { ...storedControls, description: "This organization's own" },
  effective: ref('AgentControls'),
};
const readiness = object({ status: oneOfStrings(['ready', 'degraded']), checks: object({ database: boolean }) });
const liveness = object({ status: oneOfStrings(['ok']) });

const feedbackGroup = object({
  key: string('The stage (issue for the issue as a whole) or the skill'),
  count: integer,
  averageRating: number,
  outcomes: object(Object.fromEntries(['SOLVED', 'PARTIAL', 'NOT_SOLVED', 'MADE_WORSE'].map((outcome) => [outcome, integer]))),
  pending: { ...integer, description: 'Still improvementStatus PENDING' },
});
const feedbackSchema = object(
  {
    id: string(),
    issueId: nullable(string()),
    invocationId: nullable(string()),
    agentType: nullable(string('The stage (issues; null: the issue as a whole) or the skill (skill runs)')),
    rating: integer,
    outcome: oneOfStrings(['SOLVED', 'PARTIAL', 'NOT_SOLVED', 'MADE_WORSE']),
    comment: nullable(string()),
    tags: array(string()),
    userId: nullable(string('Who gave it')),
    kanbanCardId: nullable(string()),
    improvementStatus: oneOfStrings(['PENDING', 'ANALYZED', 'IMPLEMENTED', 'DISMISSED']),
    analysisResult: nullable(openObject('What the analysis found')),
    createdAt: time,
  },
  [],
  'Feedback on an issue or a skill run',
);

const inboxItem = object(
  {
    kind: oneOfStrings(['issue', 'invocation', 'build']),
    id: string('The issue, skill run or build id: what the approval and answer endpoints take'),
    title: string(),
    waitingFor: oneOfStrings(['approval', 'question', 'budget', 'review', 'command']),
    gate: nullable(oneOfStrings(['plan', 'final'])),
    questionId: nullable(string()),
    prompt: nullable(string('The question, the output to review, the spend, or the command and why it waits')),
    draftAnswer: nullable(string()),
    priority: nullable(string()),
    since: time,
    deadline: nullable(time),
    reminded: boolean,
    escalated: boolean,
    path: string('Where to see it whole'),
  },
  [],
);

const notificationKinds = array(oneOfStrings(NOTIFICATION_KINDS));
const notificationChannels = object(
  {
    webhook: nullable(
      object(
        { url: string('Where the signed POST goes (without query string or token-like path segments)'), secretSet: boolean, kinds: notificationKinds },
        [],
        'Our signed POST of each notice (X-Signature as on the status callbacks); the secret is never shown',
      ),
    ),
    slack: nullable(object({ webhookUrl: string('The incoming webhook, its token segments hidden: the URL is its secret'), kinds: notificationKinds }, [], 'A Slack (or compatible) incoming webhook')),
  },
  [],
  "The organization's notification channels (null: not set), and the kinds each takes",
);

export const componentSchemas: Record<string, Schema> = {
  NotificationChannels: notificationChannels,
  Inbox: object({ person: nullable(object({ userId: string(), role: string() })), items: array(inboxItem) }),
  Feedback: feedbackSchema,
  FeedbackList: object({ items: array(ref('Feedback')) }),
  FeedbackSummary: object({ byStage: array(feedbackGroup), bySkill: array(feedbackGroup) }),
  AgentControls: agentControls,
  AgentControlsState: object(controlsState),
  AgentControlsChanged: object({ ...controlsState, broadcastWorkflowId: string('The workflow sending the change to running issues (agent-controls:<organization>)') }),
  Error: errorSchema,
  Issue: issue,
  IssueSubmitted: issueSubmitted,
  IssuePage: pageOf(ref('Issue'), { total: integer, limit: integer, offset: integer }),
  LogPage: pageOf(logLine),
  ArtifactPage: pageOf(artifact),
  People: object({ questions: array(storedQuestion), decisions: array(storedDecision) }),
  AuditEvent: auditEvent,
  WebhookDelivery: webhookDelivery,
  WebhookDeliveryPage: pageOf(ref('WebhookDelivery')),
  AuditPage: pageOf(ref('AuditEvent'), { total: integer, limit: integer, offset: integer }),
  Skill: skill,
  SkillPage: pageOf(ref('Skill')),
  SkillVersion: skillVersion,
  Published: published,
  Persona: persona,
  PersonaPage: pageOf(ref('Persona')),
  Invocation: invocation,
  InvocationPage: pageOf(ref('Invocation')),
  InvocationStarted: invocationStarted,
  Build: build,
  EventOutcome: eventOutcome,
  Schedule: schedule,
  SchedulePage: pageOf(ref('Schedule')),
  Health: health,
  Readiness: readiness,
  Liveness: liveness,
};
