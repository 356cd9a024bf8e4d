import { z } from 'zod';
import { cursorSchema } from './pages';
import { caseInsensitiveEnum } from './enums';
import { MIN_REQUEST_BUDGET_USD } from './policy';

/**
 * Issue contracts shared by the API (validation), activities (validation) and workflows
 * (type-only imports). The ERP stores its enums upper-case (`BUG`, `HIGH`); intake accepts
 * either case and we keep lower-case internally.
 */

export const ISSUE_TYPES = ['bug', 'feature', 'enhancement', 'question', 'task', 'deployment'] as const;
export const ISSUE_PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export const ISSUE_SOURCES = ['erp', 'github', 'manual', 'webhook', 'scheduled'] as const;

export type IssueType = (typeof ISSUE_TYPES)[number];
export type IssuePriority = (typeof ISSUE_PRIORITIES)[number];
export type IssueSource = (typeof ISSUE_SOURCES)[number];

/** Stages of the pipeline, in order. `done` is terminal. */
export const STAGES = ['classify', 'triage', 'research', 'code', 'review'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Our lifecycle status of an issue. Finer than the ERP's; see toErpIssueStatus.
 * Persisted in Postgres and shown by the API: values are public, add but never rename.
 */
export const ISSUE_STATUSES = [
  'queued',
  'processing',
  'awaiting_approval',
  'awaiting_answer',
  'awaiting_budget',
  'completed',
  'rejected',
  'needs_info',
  'approval_expired',
  'failed',
  'cancelled',
] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

export const TERMINAL_ISSUE_STATUSES: readonly IssueStatus[] = [
  'completed',
  'rejected',
  'needs_info',
  'approval_expired',
  'failed',
  'cancelled',
];

export type ErpIssueStatus =
  | 'PENDING'
  | 'QUEUED'
  | 'PROCESSING'
  | 'REVIEW'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED';

/** Maps our status onto the seven statuses the ERP knows. */
export function toErpIssueStatus(status: IssueStatus): ErpIssueStatus {
  switch (status) {
    case 'queued':
      return 'QUEUED';
    case 'processing':
    case 'awaiting_budget':
      return 'PROCESSING';
    case 'awaiting_approval':
    case 'awaiting_answer':
      return 'REVIEW';
    case 'completed':
      return 'COMPLETED';
    case 'rejected':
    case 'cancelled':
      return 'CANCELLED';
    case 'needs_info':
    case 'approval_expired':
    case 'failed':
      return 'FAILED';
  }
}

export const issueTypeSchema = caseInsensitiveEnum(ISSUE_TYPES);
export const issuePrioritySchema = caseInsensitiveEnum(ISSUE_PRIORITIES);

/** The ERP's IssueSource values (MANUAL, ERP_TRIGGER, …) and our own lower-case names. */
export const issueSourceSchema = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  return normalized === 'erp_trigger' ? 'erp' : normalized;
}, z.enum(ISSUE_SOURCES));

const moduleName = z.string().trim().min(1).max(100);

export const issueContextSchema = z
  .object({
    module: moduleName.optional(),
    /** Informational only: the organization always comes from the API key. */
    organizationId: z.string().max(200).optional(),
    affectedFiles: z.array(z.string().max(1000)).max(200).optional(),
    relatedIssues: z.array(z.string().max(200)).max(200).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
export type IssueContext = z.infer<typeof issueContextSchema>;

/** Body of `POST /api/issues`: what the ERP's integration helper sends. */
export const createIssueRequestSchema = z.strictObject({
  source: issueSourceSchema.default('manual'),
  externalId: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[\w.:@#/-]+$/, 'letters, digits and . _ : @ # / - only')
    .optional(),
  type: issueTypeSchema,
  priority: issuePrioritySchema.default('medium'),
  title: z.string().trim().min(1).max(300),
  description: z.string().max(50_000).default(''),
  module: moduleName.optional(),
  context: issueContextSchema.default({}),
  /** Spending limit for this issue in USD; default: the organization's. */
  /** At least MIN_REQUEST_BUDGET_USD; at most the plan's per-request maximum (checked with the organization). */
  budgetUsd: z.number().min(MIN_REQUEST_BUDGET_USD, `at least ${MIN_REQUEST_BUDGET_USD}: less stops before the first model call`).max(10_000).optional(),
});
export type CreateIssueRequest = z.infer<typeof createIssueRequestSchema>;

export const listIssuesQuerySchema = z.strictObject({
  status: caseInsensitiveEnum(ISSUE_STATUSES).optional(),
  type: issueTypeSchema.optional(),
  priority: issuePrioritySchema.optional(),
  module: moduleName.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The `nextCursor` of the previous page. */
  cursor: cursorSchema.optional(),
  /** Deprecated (kept for existing callers): pages by position; use cursor. */
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
}).refine((query) => !query.cursor || query.offset === 0, { message: 'give cursor or offset, not both', path: ['offset'] });
export type ListIssuesQuery = z.infer<typeof listIssuesQuerySchema>;
