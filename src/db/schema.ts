import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

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

export const organizations = pgTable('organizations', {
  /** The ERP's organizationId (a string we do not interpret). */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tier: text('tier').$type<'free' | 'pro' | 'enterprise'>().notNull().default('free'),
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
    workflowId: text('workflow_id').notNull(),
    /** Short results of the stages (classification, triage route, review verdict). */
    result: jsonb('result').$type<Record<string, unknown>>().notNull().default({}),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
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
    organizationId: text('organization_id').notNull(),
    issueId: uuid('issue_id')
      .notNull()
      .references(() => issues.id, { onDelete: 'cascade' }),
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
    organizationId: text('organization_id').notNull(),
    issueId: uuid('issue_id')
      .notNull()
      .references(() => issues.id, { onDelete: 'cascade' }),
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
    organizationId: text('organization_id').notNull(),
    issueId: uuid('issue_id')
      .notNull()
      .references(() => issues.id, { onDelete: 'cascade' }),
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
    organizationId: text('organization_id').notNull(),
    issueId: uuid('issue_id').references(() => issues.id, { onDelete: 'cascade' }),
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

export const feedback = pgTable(
  'feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: text('organization_id').notNull(),
    issueId: uuid('issue_id')
      .notNull()
      .references(() => issues.id, { onDelete: 'cascade' }),
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
    index('feedback_org_issue_idx').on(t.organizationId, t.issueId),
    index('feedback_org_status_idx').on(t.organizationId, t.improvementStatus),
  ],
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
};
