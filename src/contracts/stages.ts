import { z } from 'zod';
import { issuePrioritySchema, issueTypeSchema, type Stage } from './issue';
import type { ModelTier } from './policy';
import { WORKER_TYPES, type WorkerType } from './worker-types';

/**
 * What each stage's model must return. The model answers by calling one forced tool whose
 * input schema is generated from these zod schemas, and the activity validates the tool
 * input against the same schema (with one bounded repair turn) before anything is stored.
 */

export const classifyOutputSchema = z.object({
  // Case-insensitive like intake: a model that answers in the ERP's `BUG` / `HIGH` is right.
  type: issueTypeSchema,
  priority: issuePrioritySchema,
  module: z.string().max(100).nullable().describe('The ERP module affected, or null if unclear'),
  complexity: z.number().int().min(1).max(10).describe('1 = trivial, 10 = very hard'),
  capabilities: z.array(z.string().max(100)).max(20).describe('Skills needed, e.g. "sql", "react"'),
  summary: z.string().min(1).max(2000),
});
export type ClassifyOutput = z.infer<typeof classifyOutputSchema>;

export const TRIAGE_ROUTES = ['answer', 'research', 'research_and_code', 'escalate', 'reject'] as const;
export type TriageRoute = (typeof TRIAGE_ROUTES)[number];

export const triageOutputSchema = z.object({
  route: z.enum(TRIAGE_ROUTES),
  reason: z.string().min(1).max(2000),
  answer: z.string().max(20_000).nullable().describe('The answer, when route is "answer"; else null'),
  question: z
    .string()
    .max(2000)
    .nullable()
    .default(null)
    .describe('One clarification question to ask before routing for good, or null'),
  workerType: z
    .enum(WORKER_TYPES)
    .nullable()
    .default(null)
    .describe('The kind of change, when the route is research_and_code: feature, bugfix, refactor, test (tests only), docs (documentation only) or review (analysis, no change); null to decide from the issue type'),
});
export type TriageOutput = z.infer<typeof triageOutputSchema>;

export const researchOutputSchema = z.object({
  rootCause: z.string().min(1).max(5000),
  filesInvolved: z.array(z.string().max(1000)).max(100),
  analysis: z.string().min(1).max(50_000),
});
export type ResearchOutput = z.infer<typeof researchOutputSchema>;

export const codeOutputSchema = z.object({
  summary: z.string().min(1).max(5000),
  filesChanged: z.array(z.string().max(1000)).max(200),
  diff: z
    .string()
    .max(500_000)
    .default('')
    .describe('A unified diff of the change; leave empty when you changed files with the tools (the workspace diff is used)'),
});
export type CodeOutput = z.infer<typeof codeOutputSchema>;

export const reviewOutputSchema = z.object({
  verdict: z.enum(['approve', 'request_changes']),
  comments: z.array(z.string().max(5000)).max(50),
  summary: z.string().min(1).max(5000),
});
export type ReviewOutput = z.infer<typeof reviewOutputSchema>;

export const stageOutputSchemas = {
  classify: classifyOutputSchema,
  triage: triageOutputSchema,
  research: researchOutputSchema,
  code: codeOutputSchema,
  review: reviewOutputSchema,
} as const satisfies Record<Stage, z.ZodType>;

export type StageOutput<S extends Stage> = z.infer<(typeof stageOutputSchemas)[S]>;

/** The name of the forced tool each stage's model answers with. */
export const stageToolNames = {
  classify: 'submit_classification',
  triage: 'submit_triage',
  research: 'submit_research',
  code: 'submit_change',
  review: 'submit_review',
} as const satisfies Record<Stage, string>;

/**
 * What stage activities return to the workflow: short summaries and ids only. Full outputs
 * (analysis, diff, transcript) are stored in Postgres; history stays small.
 */
export interface StageActivityInput {
  issueId: string;
  organizationId: string;
  /** Review rounds re-run code and review; 0 on the first pass. */
  round: number;
  modelTier: ModelTier;
}

export interface ClassifySummary {
  type: ClassifyOutput['type'];
  priority: ClassifyOutput['priority'];
  module: string | null;
  complexity: number;
  summary: string;
  /** The skills the issue needs (e.g. "typescript"): they choose its workspace pool (absent: results from before). */
  capabilities?: string[];
  /** What the stage's model calls cost, in USD. */
  costUsd: number;
}

export interface TriageSummary {
  route: TriageRoute;
  reason: string;
  /** A clarification question to ask before routing for good. */
  question: string | null;
  /** The code stage's worker type: the triage's, or the issue type's default (absent in runs from before types). */
  workerType?: WorkerType;
  /** Whether that type makes a change at all (a review does not: the analysis is the outcome). */
  makesChange?: boolean;
  costUsd: number;
}

export interface ResearchSummary {
  artifactId: string;
  rootCause: string;
  filesInvolved: string[];
}

export interface CodeSummary {
  artifactId: string;
  summary: string;
  filesChanged: string[];
}

export interface ReviewSummary {
  verdict: ReviewOutput['verdict'];
  summary: string;
  commentCount: number;
}

/** Longest free text a stage returns into workflow history. */
export const SUMMARY_MAX_CHARS = 500;
