import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Stage } from '../contracts/issue';
import type { Rollout } from '../contracts/skills';
import type { ApiKeyScope, AuditChannel, AuditOutcome, Role } from '../identity/scopes';
import type { CompiledSkill } from '../skills/compiler';

/**
 * Everything people list, search and audit. Every table carries `organization_id` and every
 * query filters on it. Workflow history holds only ids and short summaries; transcripts,
 * diffs and logs live here.
 *
 * Column values that cross to the ERP use its names (ERP-CONTRACT.md): artifact types
 * CODE_CHANGE…, log levels DEBUG…, feedback outcomes SOLVED….
 */

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow();
/** The tenant of a row (every table but organizations has one). */
const organizationIdColumn = () => text('organization_id').notNull();
/** The issue a row belongs to; it goes when the issue goes. */
const issueIdColumn = () =>
  uuid('issue_id')
    .notNull()
    .references(() => issues.id, { onDelete: 'cascade' });
/** Rows shared by issue pipelines and skill invocations belong to exactly one of the two. */
const optionalIssueIdColumn = () => uuid('issue_id').references(() => issues.id, { onDelete: 'cascade' });
const optionalInvocationIdColumn = () => uuid('invocation_id').references(() => agentInvocations.id, { onDelete: 'cascade' });

export const organizations = pgTable('organizations', {
  /** The ERP's organizationId (a string we do not interpret). */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tier: text('tier').$type<'free' | 'pro' | 'enterprise'>().notNull().default('free'),
  /** Per-organization policy (src/contracts/policy.ts): budgets, gates, timers, repository. */
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** First characters of the key, shown in listings so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the whole key; the key itself is shown once and never stored. */
    keyHash: text('key_hash').notNull(),
    /** What the key may do (src/identity/scopes.ts). Keys from before scopes existed are `admin`. */
    scopes: text('scopes').array().$type<ApiKeyScope[]>().notNull().default(sql`'{admin}'::text[]`),
    /** A personal key acts as this reviewer (reviewers.user_id); null for a service key. */
    reviewerUserId: text('reviewer_user_id'),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'string' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [uniqueIndex('api_keys_key_hash_uq').on(t.keyHash), index('api_keys_org_idx').on(t.organizationId)],
);

export const issues = pgTable(
  'issues',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    /** The caller's id for the issue; with organization and source it is the business key. */
    externalId: text('external_id').notNull(),
    type: text('type').notNull(),
    priority: text('priority').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    module: text('module'),
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').notNull().default('queued'),
    /** The pipeline stage last entered (classify … review), null before the first. */
    stage: text('stage'),
    /**
     * What a person owes the running issue (an approval, an answer, a budget), written by the
     * workflow as the wait opens and cleared as it closes: lists show it without asking Temporal.
     */
    pending: jsonb('pending').$type<Record<string, unknown>>(),
    workflowId: text('workflow_id').notNull(),
    /** Short results of the stages (classification, triage route, review verdict). */
    result: jsonb('result').$type<Record<string, unknown>>().notNull().default({}),
    /** The published pull request (after the final approval). */
    pullRequestUrl: text('pull_request_url'),
    /** The issue's spending limit in USD (organization default or the request's override). */
    budgetUsd: numeric('budget_usd', { precision: 12, scale: 4 }),
    /** The API key that submitted it (null: a webhook, or before keys were recorded); it may cancel it. */
    createdByKeyId: uuid('created_by_key_id'),
    error: text('error'),
    /** Set once the workflow is known to exist; the recovery sweep starts rows without it. */
    workflowStartedAt: timestamp('workflow_started_at', { withTimezone: true, mode: 'string' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    index('issues_unstarted_idx').on(t.createdAt).where(sql`${t.workflowStartedAt} is null`),
    uniqueIndex('issues_business_key_uq').on(t.organizationId, t.source, t.externalId),
    uniqueIndex('issues_workflow_id_uq').on(t.workflowId),
    index('issues_org_created_idx').on(t.organizationId, t.createdAt),
    index('issues_org_status_idx').on(t.organizationId, t.status),
    index('issues_org_type_idx').on(t.organizationId, t.type),
  ],
);

/** One row per pipeline stage run (the ERP's AgentJob). */
export const issueSteps = pgTable(
  'issue_steps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    issueId: issueIdColumn(),
    stage: text('stage').notNull(),
    /** Review rounds re-run code and review; round 0 is the first pass. */
    round: integer('round').notNull().default(0),
    agentType: text('agent_type').notNull(),
    model: text('model'),
    status: text('status').$type<'running' | 'completed' | 'failed'>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts'),
    summary: text('summary'),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    uniqueIndex('issue_steps_issue_stage_round_uq').on(t.issueId, t.stage, t.round),
    index('issue_steps_org_status_idx').on(t.organizationId, t.status),
  ],
);

export type ArtifactType =
  | 'CODE_CHANGE'
  | 'ANALYSIS'
  | 'RECOMMENDATION'
  | 'DOCUMENTATION'
  | 'PULL_REQUEST'
  | 'CONFIG';

export const artifacts = pgTable(
  'artifacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    issueId: issueIdColumn(),
    stepId: uuid('step_id').references(() => issueSteps.id, { onDelete: 'set null' }),
    type: text('type').$type<ArtifactType>().notNull(),
    name: text('name').notNull(),
    content: text('content').notNull().default(''),
    filePath: text('file_path'),
    diffPatch: text('diff_patch'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    /** A retried activity rewrites its artifact instead of adding a second one. */
    uniqueIndex('artifacts_step_name_uq').on(t.stepId, t.name),
    index('artifacts_org_issue_idx').on(t.organizationId, t.issueId),
    index('artifacts_org_type_idx').on(t.organizationId, t.type),
  ],
);

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export const issueLogs = pgTable(
  'issue_logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: organizationIdColumn(),
    issueId: issueIdColumn(),
    stepId: uuid('step_id').references(() => issueSteps.id, { onDelete: 'set null' }),
    level: text('level').$type<LogLevel>().notNull(),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    timestamp: timestamp('timestamp', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('issue_logs_org_issue_time_idx').on(t.organizationId, t.issueId, t.timestamp)],
);

/** One row per model call, successful or not: usage, price and the transcript. */
export const llmCalls = pgTable(
  'llm_calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    issueId: uuid('issue_id').references(() => issues.id, { onDelete: 'cascade' }),
    invocationId: optionalInvocationIdColumn(),
    stepId: uuid('step_id').references(() => issueSteps.id, { onDelete: 'set null' }),
    stage: text('stage').notNull(),
    model: text('model').notNull(),
    status: text('status').$type<'ok' | 'error'>().notNull(),
    /** Temporal activity attempt that made the call (1-based). */
    attempt: integer('attempt').notNull().default(1),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cacheReadTokens: integer('cache_read_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 14, scale: 6 }).notNull().default('0'),
    durationMs: integer('duration_ms').notNull().default(0),
    stopReason: text('stop_reason'),
    requestId: text('request_id'),
    error: text('error'),
    request: jsonb('request').$type<unknown>(),
    response: jsonb('response').$type<unknown>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('llm_calls_org_issue_idx').on(t.organizationId, t.issueId),
    index('llm_calls_org_created_idx').on(t.organizationId, t.createdAt),
  ],
);

export type FeedbackOutcome = 'SOLVED' | 'PARTIAL' | 'NOT_SOLVED' | 'MADE_WORSE';
export type ImprovementStatus = 'PENDING' | 'ANALYZED' | 'IMPLEMENTED' | 'DISMISSED';

/**
 * What people say about an issue's outcome or a skill run's (the ERP's AgentFeedback): one row
 * per rating, about exactly one of the two. `agentType` is the stage (classify … review) or,
 * for a skill run, the skill's slug: what the summary groups by.
 */
export const feedback = pgTable(
  'feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    issueId: optionalIssueIdColumn(),
    invocationId: optionalInvocationIdColumn(),
    stepId: uuid('step_id').references(() => issueSteps.id, { onDelete: 'set null' }),
    agentType: text('agent_type'),
    rating: smallint('rating').notNull(),
    outcome: text('outcome').$type<FeedbackOutcome>().notNull(),
    comment: text('comment'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    userId: text('user_id'),
    kanbanCardId: text('kanban_card_id'),
    improvementStatus: text('improvement_status').$type<ImprovementStatus>().notNull().default('PENDING'),
    analysisResult: jsonb('analysis_result').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    check('feedback_rating_range', sql`${t.rating} between 1 and 5`),
    check('feedback_outcome_valid', sql`${t.outcome} in ('SOLVED','PARTIAL','NOT_SOLVED','MADE_WORSE')`),
    check('feedback_about_one', sql`num_nonnulls(${t.issueId}, ${t.invocationId}) = 1`),
    check('feedback_improvement_valid', sql`${t.improvementStatus} in ('PENDING','ANALYZED','IMPLEMENTED','DISMISSED')`),
    index('feedback_org_issue_idx').on(t.organizationId, t.issueId),
    index('feedback_org_invocation_idx').on(t.organizationId, t.invocationId),
    index('feedback_org_created_idx').on(t.organizationId, t.createdAt),
    index('feedback_org_status_idx').on(t.organizationId, t.improvementStatus),
  ],
);

/** People who may approve, reject and answer for an organization. */
export const reviewers = pgTable(
  'reviewers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** The ERP's user id (or a GitHub login). */
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull().default('reviewer'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('reviewers_org_user_uq').on(t.organizationId, t.userId)],
);

/**
 * Every human and admin action, accepted or refused: who, through which channel, what, on
 * what, with which outcome. Append-only: a trigger (migration 0006) refuses UPDATE and
 * DELETE, and no foreign key ties a row to what it describes, so the record outlives it.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: text('organization_id').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    /** The person (reviewers.user_id); null when a service key acted for itself. */
    actor: text('actor'),
    /** The person's role when the action was checked. */
    actorRole: text('actor_role'),
    /** How the action arrived: an API key, a signed webhook, the Temporal UI/CLI, the admin CLI. */
    channel: text('channel').$type<AuditChannel>().notNull(),
    /** The key id, webhook delivery id or workflow id it arrived through. */
    channelRef: text('channel_ref'),
    /** The key's name, for people reading the trail. */
    channelName: text('channel_name'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    outcome: text('outcome').$type<AuditOutcome>().notNull(),
    /** Why it was refused or failed. */
    reason: text('reason'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    requestId: text('request_id'),
  },
  (t) => [
    check('audit_events_outcome_valid', sql`${t.outcome} in ('ok','refused','failed')`),
    index('audit_events_org_at_idx').on(t.organizationId, t.at),
    index('audit_events_org_actor_idx').on(t.organizationId, t.actor, t.at),
    index('audit_events_org_target_idx').on(t.organizationId, t.targetType, t.targetId),
  ],
);

/**
 * Agent transcripts: one row per message of one agent loop, in order. Workflow history
 * carries only the loop id and turn numbers; the model-turn activity reads the transcript
 * from here.
 */
export const agentMessages = pgTable(
  'agent_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    issueId: optionalIssueIdColumn(),
    invocationId: optionalInvocationIdColumn(),
    loopId: text('loop_id').notNull(),
    seq: integer('seq').notNull(),
    role: text('role').$type<'user' | 'assistant'>().notNull(),
    content: jsonb('content').$type<unknown>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('agent_messages_loop_seq_uq').on(t.loopId, t.seq), index('agent_messages_org_issue_idx').on(t.organizationId, t.issueId)],
);

/** Every tool call an agent made, with its result: executed at most once per tool use id. */
export const agentToolCalls = pgTable(
  'agent_tool_calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    issueId: optionalIssueIdColumn(),
    invocationId: optionalInvocationIdColumn(),
    loopId: text('loop_id').notNull(),
    toolUseId: text('tool_use_id').notNull(),
    name: text('name').notNull(),
    input: jsonb('input').$type<unknown>().notNull(),
    output: text('output'),
    isError: integer('is_error').notNull().default(0),
    /** How many times the tool really ran; the exactly-once tests assert it stays 1. */
    executions: integer('executions').notNull().default(0),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [uniqueIndex('agent_tool_calls_loop_use_uq').on(t.loopId, t.toolUseId), index('agent_tool_calls_org_issue_idx').on(t.organizationId, t.issueId)],
);

/** Clarification questions the agents asked, and who answered them. */
export const questions = pgTable(
  'questions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    issueId: issueIdColumn(),
    stage: text('stage').notNull(),
    question: text('question').notNull(),
    policy: text('policy').$type<'autonomous' | 'supervised' | 'human'>().notNull(),
    status: text('status').$type<'pending' | 'answered' | 'expired'>().notNull().default('pending'),
    draftAnswer: text('draft_answer'),
    answer: text('answer'),
    answeredBy: text('answered_by'),
    answeredAt: timestamp('answered_at', { withTimezone: true, mode: 'string' }),
    createdAt: createdAt(),
  },
  (t) => [index('questions_org_issue_idx').on(t.organizationId, t.issueId), index('questions_org_status_idx').on(t.organizationId, t.status)],
);

/** Human decisions at the approval gates: who, what, when. */
export const decisions = pgTable(
  'decisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    issueId: issueIdColumn(),
    gate: text('gate').$type<'plan' | 'final'>().notNull(),
    /** Which time this gate was opened (requests for changes reopen it). */
    gateRound: integer('gate_round').notNull().default(0),
    decision: text('decision').$type<'approve' | 'reject' | 'request_changes'>().notNull(),
    reviewer: text('reviewer').notNull(),
    comment: text('comment'),
    via: text('via').$type<'update' | 'signal'>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('decisions_issue_gate_round_uq').on(t.issueId, t.gate, t.gateRound), index('decisions_org_issue_idx').on(t.organizationId, t.issueId)],
);

/** Reminders, escalations and other notices sent about an issue. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    issueId: issueIdColumn(),
    kind: text('kind').notNull(),
    /** Idempotency: the workflow's key for this notice, so a retry does not send twice. */
    dedupeKey: text('dedupe_key').notNull(),
    message: text('message').notNull(),
    recipients: jsonb('recipients').$type<string[]>().notNull().default([]),
    /** What the notice is about, for the channels' messages: what is awaited, until when (src/notifications). */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('notifications_dedupe_uq').on(t.issueId, t.dedupeKey), index('notifications_org_issue_idx').on(t.organizationId, t.issueId)],
);

/**
 * The exactly-once ledger: every external side effect (push, pull request, comment, ERP
 * callback) is recorded under (workflow id, effect) once it has happened. Activities look
 * here, then at the outside world, before they act.
 */
export const sideEffects = pgTable(
  'side_effects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    workflowId: text('workflow_id').notNull(),
    effect: text('effect').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('side_effects_workflow_effect_uq').on(t.workflowId, t.effect), index('side_effects_org_idx').on(t.organizationId)],
);

/** Pull requests of the local code host (a bare repository as the remote). */
export const localPullRequests = pgTable(
  'local_pull_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    /** The remote (bare repository path) the branch was pushed to. */
    repository: text('repository').notNull(),
    number: integer('number').notNull(),
    head: text('head').notNull(),
    base: text('base').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    draft: integer('draft').notNull().default(0),
    labels: text('labels').array().notNull().default(sql`'{}'::text[]`),
    state: text('state').notNull().default('open'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('local_pull_requests_repo_head_uq').on(t.repository, t.head),
    uniqueIndex('local_pull_requests_repo_number_uq').on(t.repository, t.number),
  ],
);

/** Status events sent to an organization's ERP, with how each delivery went. */
export const callbackDeliveries = pgTable(
  'callback_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    /** Where it went: the ERP's callback URL, or a notification channel (src/outbound/send.ts). */
    channel: text('channel').$type<'erp' | 'webhook' | 'slack'>().notNull().default('erp'),
    /** What the event is about: an issue, or (invocation.finished) a skill run. */
    issueId: uuid('issue_id').references(() => issues.id, { onDelete: 'cascade' }),
    invocationId: uuid('invocation_id'),
    /** A notification's delivery to one channel: the notice it sends. */
    notificationId: uuid('notification_id').references(() => notifications.id, { onDelete: 'cascade' }),
    /** Stable across retries: the receiver deduplicates on it. */
    deliveryId: text('delivery_id').notNull(),
    event: text('event').notNull(),
    url: text('url').notNull(),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('callback_deliveries_delivery_uq').on(t.deliveryId),
    index('callback_deliveries_org_issue_idx').on(t.organizationId, t.issueId),
    index('callback_deliveries_org_created_idx').on(t.organizationId, t.createdAt),
    index('callback_deliveries_notification_idx').on(t.notificationId),
  ],
);

/** Webhook deliveries received, by the sender's delivery id: each is processed once. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    source: text('source').$type<'erp' | 'github'>().notNull(),
    deliveryId: text('delivery_id').notNull(),
    event: text('event').notNull(),
    outcome: jsonb('outcome').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('webhook_deliveries_source_delivery_uq').on(t.organizationId, t.source, t.deliveryId)],
);

/** Who an agent is, per organization: its system prompt and the skills it may run. */
export const personas = pgTable(
  'personas',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    systemPrompt: text('system_prompt').notNull(),
    allowedSkills: text('allowed_skills').array().notNull().default(sql`'{}'::text[]`),
    enabled: integer('enabled').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('personas_org_slug_uq').on(t.organizationId, t.slug)],
);

/** A skill an organization has: whether it is enabled and which version its runs use. */
export const skills = pgTable(
  'skills',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    enabled: integer('enabled').notNull().default(1),
    /** src/contracts/skills.ts rolloutSchema: pinned, latest or canary. */
    rollout: jsonb('rollout').$type<Rollout>().notNull(),
    /** Event names the published versions subscribe to (of the newest version), for fan-out. */
    events: text('events').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('skills_org_slug_uq').on(t.organizationId, t.slug)],
);

/** Every published version of a skill: the source, its checksum and the compiled form. */
export const skillVersions = pgTable(
  'skill_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    skillId: uuid('skill_id')
      .notNull()
      .references(() => skills.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    version: text('version').notNull(),
    /** Numeric parts, for ordering versions without parsing in every query. */
    major: integer('major').notNull(),
    minor: integer('minor').notNull(),
    patch: integer('patch').notNull(),
    checksum: text('checksum').notNull(),
    changelog: text('changelog').notNull().default(''),
    source: text('source').notNull(),
    compiled: jsonb('compiled').$type<CompiledSkill>().notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('skill_versions_skill_version_uq').on(t.skillId, t.version), index('skill_versions_org_slug_idx').on(t.organizationId, t.slug)],
);

/** The ERP's AgentInvocation: one run of a skill, however it was triggered. */
export const agentInvocations = pgTable(
  'agent_invocations',
  {
    id: uuid('id').primaryKey(),
    organizationId: organizationIdColumn(),
    workflowId: text('workflow_id').notNull(),
    skillSlug: text('skill_slug').notNull(),
    /** Resolved when the run starts (pinned, or by the rollout policy). */
    skillVersion: text('skill_version'),
    personaSlug: text('persona_slug').notNull(),
    /** api, event:<type>, schedule:<name>. */
    triggeredBy: text('triggered_by').notNull(),
    eventId: text('event_id'),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    /** The API key that started it (invoke, event); null for schedules and runs from before. It may cancel it. */
    createdByKeyId: uuid('created_by_key_id'),
    /** A dry run (README "Dry runs"): the ERP's reads happen, its writes are recorded as "would write", nothing is synced. */
    dryRun: boolean('dry_run').notNull().default(false),
    status: text('status').$type<'pending' | 'running' | 'completed' | 'failed'>().notNull(),
    input: jsonb('input').$type<Record<string, unknown>>().notNull(),
    output: jsonb('output').$type<Record<string, unknown>>(),
    error: text('error'),
    costUsd: numeric('cost_usd', { precision: 14, scale: 6 }).notNull().default('0'),
    budgetUsd: numeric('budget_usd', { precision: 14, scale: 6 }),
    /** What the run was started with, frozen: the persona's prompt and the compiled skill version. */
    context: jsonb('context').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'string' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
    /** When the recovery sweep last checked the workflow of this unfinished invocation. */
    checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    index('agent_invocations_unfinished_idx').on(t.checkedAt).where(sql`${t.status} in ('pending', 'running')`),
    uniqueIndex('agent_invocations_workflow_uq').on(t.workflowId),
    index('agent_invocations_org_created_idx').on(t.organizationId, t.createdAt),
    index('agent_invocations_org_skill_idx').on(t.organizationId, t.skillSlug),
  ],
);

/** What a skill run asked of people (error handling: clarification, manual review), and the reply. */
export const invocationRequests = pgTable(
  'invocation_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    invocationId: uuid('invocation_id')
      .notNull()
      .references(() => agentInvocations.id, { onDelete: 'cascade' }),
    /** The agent's tool call that asked. */
    toolUseId: text('tool_use_id').notNull(),
    kind: text('kind').$type<'question' | 'review'>().notNull(),
    prompt: text('prompt').notNull(),
    status: text('status').$type<'pending' | 'answered' | 'approved' | 'rejected' | 'expired'>().notNull().default('pending'),
    response: text('response'),
    respondedBy: text('responded_by'),
    respondedAt: timestamp('responded_at', { withTimezone: true, mode: 'string' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('invocation_requests_tool_use_uq').on(t.invocationId, t.toolUseId), index('invocation_requests_org_idx').on(t.organizationId, t.status)],
);

/** ERP events received, by event id: each fans out once. */
export const skillEvents = pgTable(
  'skill_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    /** The invocations it started and the skills it skipped, with why. */
    outcome: jsonb('outcome').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('skill_events_org_event_uq').on(t.organizationId, t.eventId)],
);

/**
 * Our record of an organization's Temporal Schedules: one per organization + skill + name.
 * The spec and paused state live on the Temporal server (GET reads them from there).
 */
export const skillSchedules = pgTable(
  'skill_schedules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: organizationIdColumn(),
    skillSlug: text('skill_slug').notNull(),
    name: text('name').notNull(),
    scheduleId: text('schedule_id').notNull(),
    /** The schedule as requested (cron strings, persona, input, version); Temporal keeps the live state. */
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('skill_schedules_org_skill_name_uq').on(t.organizationId, t.skillSlug, t.name), uniqueIndex('skill_schedules_schedule_uq').on(t.scheduleId)],
);

/**
 * Idempotency-Key records (issue 15): the first request with a key claims it (status null
 * while it runs); its outcome is stored for replay. Keys live 24 hours, per organization.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    organizationId: organizationIdColumn(),
    key: text('key').notNull(),
    /** sha256 of method, path, caller and the canonical JSON body: a different request is a mismatch. */
    requestHash: text('request_hash').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    /** Null while the first request runs. */
    status: integer('status'),
    responseBody: jsonb('response_body').$type<unknown>(),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

export const schema = {
  organizations,
  apiKeys,
  issues,
  issueSteps,
  artifacts,
  issueLogs,
  llmCalls,
  feedback,
  reviewers,
  auditEvents,
  agentMessages,
  agentToolCalls,
  questions,
  decisions,
  notifications,
  sideEffects,
  localPullRequests,
  callbackDeliveries,
  webhookDeliveries,
  personas,
  skills,
  skillVersions,
  agentInvocations,
  invocationRequests,
  skillEvents,
  skillSchedules,
  idempotencyKeys,
};

/**
 * The kill switch and per-stage flags (src/contracts/controls.ts): one row for the whole
 * installation (organization_id null, set from the admin CLI) and at most one per
 * organization. No row: nothing held.
 */
export const agentControls = pgTable(
  'agent_controls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    paused: boolean('paused').notNull().default(false),
    disabledStages: text('disabled_stages').array().$type<Stage[]>().notNull().default(sql`'{}'::text[]`),
    reason: text('reason'),
    /** Who changed it last (the person, or the key's name, or the CLI user) and when. */
    changedBy: text('changed_by').notNull(),
    changedAt: timestamp('changed_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  // One row per scope, the installation's (null) included.
  (t) => [unique('agent_controls_scope').on(t.organizationId).nullsNotDistinct()],
);

/**
 * Reviewer console sessions (src/console/session.ts): the browser holds only a random token
 * (its SHA-256 is the id here), bound to the personal key it signed in with. A revoked or
 * deleted key ends its sessions at once (the key is checked on every request); so does
 * signing out (the row is deleted) and `expires_at`.
 */
export const consoleSessions = pgTable(
  'console_sessions',
  {
    /** SHA-256 (base64url) of the cookie's token; the token itself is never stored. */
    id: text('id').primaryKey(),
    organizationId: organizationIdColumn(),
    apiKeyId: uuid('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    /** Every form of the session carries it (with SameSite=Strict and the Origin check). */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [index('console_sessions_key_idx').on(t.apiKeyId), index('console_sessions_expires_idx').on(t.expiresAt)],
);

/** What a Skill Builder run (workflows/builder.ts) drafted, tried and was told: README "Builder agents". */
export interface SkillBuildDraft {
  /** The skill file as proposed (status draft, the version the change asks for). */
  source: string;
  slug: string;
  version: string;
  /** How far the version moves from the skill's current one, and why (src/skills/versioning.ts). */
  bump: 'major' | 'minor' | 'patch' | 'new';
  reasons: string[];
  changelog: string;
  rationale: string;
  /** Refine: the feedback ids the proposal answers. */
  citedFeedback: string[];
  compiled: CompiledSkill;
  /** The version it was drafted from (refine, extend): publishing refuses when another came out meanwhile. */
  baseVersion?: string;
}

export interface SkillBuildDryRun {
  invocationId: string;
  input: Record<string, unknown>;
  status: 'completed' | 'failed';
  output: Record<string, unknown> | null;
  error: string | null;
}

export interface SkillBuildDecision {
  round: number;
  decision: 'approve' | 'reject' | 'request_changes';
  reviewer: string;
  comment: string | null;
  at: string;
}

/**
 * What the Form Generator or the Workflow Designer (workflows/erp-builder.ts) proposes to create
 * in the ERP: the exact payloads, in the order they will be sent, each checked against
 * src/contracts/erp-records.ts. The agent's create calls fill it; a reviewer approves it whole.
 */
export interface ErpBuildProposal {
  round: number;
  summary: string | null;
  rationale: string | null;
  records: Array<{ toolUseId: string; collection: 'form-templates' | 'content-triggers'; payload: Record<string, unknown> }>;
}

/** A record an approved proposal created in the ERP (its index in the proposal, the ERP's id). */
export interface ErpBuildCreated {
  index: number;
  collection: 'form-templates' | 'content-triggers';
  id: string;
  name: string;
}

/** What a builder builds: a skill (new or refined), a feature of a skill, forms, or triggers. */
export type BuildKind = 'skill' | 'feature' | 'form' | 'workflow';

/**
 * One builder run (every builder's, despite the table's name): who asked for what, each
 * round's draft or proposal and its dry runs, who decided, and what went out. A skill version
 * it publishes names this row in its changelog.
 */
export const skillBuilds = pgTable(
  'skill_builds',
  {
    id: uuid('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    workflowId: text('workflow_id').notNull(),
    kind: text('kind').$type<BuildKind>().notNull().default('skill'),
    /** Skills: create, refine (from feedback) or extend (the Feature Builder); ERP builds: create. */
    mode: text('mode').$type<'create' | 'refine' | 'extend'>().notNull(),
    /** The skill refined, or (create) the one the draft names. */
    skillSlug: text('skill_slug'),
    description: text('description').notNull(),
    /** Inputs the draft is dry-run on. */
    examples: jsonb('examples').$type<Array<Record<string, unknown>>>().notNull(),
    /** Skill builds: the persona the dry runs run as. */
    personaSlug: text('persona_slug'),
    /** The person (or the key's name) who asked. */
    requestedBy: text('requested_by').notNull(),
    createdByKeyId: uuid('created_by_key_id'),
    status: text('status').$type<'drafting' | 'testing' | 'awaiting_approval' | 'creating' | 'published' | 'created' | 'rejected' | 'failed'>().notNull(),
    round: integer('round').notNull().default(0),
    draft: jsonb('draft').$type<SkillBuildDraft>(),
    proposal: jsonb('proposal').$type<ErpBuildProposal>(),
    created: jsonb('created').$type<ErpBuildCreated[]>().notNull().default([]),
    dryRuns: jsonb('dry_runs').$type<SkillBuildDryRun[]>().notNull().default([]),
    decisions: jsonb('decisions').$type<SkillBuildDecision[]>().notNull().default([]),
    publishedVersion: text('published_version'),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('skill_builds_workflow_uq').on(t.workflowId), index('skill_builds_org_created_idx').on(t.organizationId, t.createdAt)],
);
