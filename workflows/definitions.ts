/**
 * The public surface of our workflows: ids, queries and search attribute keys.
 *
 * Everything named here is persisted in workflow histories and visibility, and is used by
 * the API, the CLI and the Temporal Web UI. Treat the names as public API: add new ones,
 * never rename (version behaviour changes with `patched()`).
 *
 * Imported by workflow code (bundled) and by the API (Node); keep it free of Node imports.
 */
import { defineQuery } from '@temporalio/workflow';
import type { SearchAttributeKey, SearchAttributeType } from '@temporalio/common/lib/search-attributes';
import type {
  IssuePriority,
  IssueSource,
  IssueStatus,
  IssueType,
  Stage,
} from '../src/contracts/issue';
import type { TriageRoute } from '../src/contracts/stages';

export const ISSUE_WORKFLOW_TYPE = 'issueWorkflow';

/**
 * One workflow per issue: the id is the business key, so a repeated delivery of the same
 * issue can never start a second run. Organization ids contain no ':', so the id parses
 * unambiguously even when the external id does.
 */
export function issueWorkflowId(organizationId: string, source: IssueSource, externalId: string): string {
  return `issue:${organizationId}:${source}:${externalId}`;
}

export type ModelTier = 'small' | 'medium' | 'large';

/** What the API hands the workflow: ids and what the Web UI needs; details live in Postgres. */
export interface IssueWorkflowInput {
  issueId: string;
  organizationId: string;
  title: string;
}

/** Live view of a running issue, returned by `statusQuery`. JSON-native. */
export interface IssueProgress {
  issueId: string;
  status: IssueStatus;
  stage: Stage | null;
  /** 0–100, by stages completed. */
  progress: number;
  currentStep: string;
  stagesCompleted: Stage[];
  route: TriageRoute | null;
  error: string | null;
  updatedAt: string;
}

/** The workflow's result when it finishes without failing. */
export interface IssueOutcome {
  issueId: string;
  status: Extract<IssueStatus, 'completed' | 'rejected'>;
  route: TriageRoute | null;
  summary: string;
}

export const statusQuery = defineQuery<IssueProgress>('status');

type Key<T extends SearchAttributeType> = SearchAttributeKey<T>;
const keyword = (name: string): Key<'KEYWORD'> => ({ name, type: 'KEYWORD' });

/**
 * Custom search attributes on every issue workflow, so operators can filter in the Web UI:
 * `temporal workflow list --query "OrganizationId='acme' AND IssueStage='code'"`.
 */
export const searchAttributes = {
  organizationId: keyword('OrganizationId'),
  issueType: keyword('IssueType'),
  issuePriority: keyword('IssuePriority'),
  /** classify … review while running; then the final status (completed, failed, …). */
  issueStage: keyword('IssueStage'),
  issueModule: keyword('IssueModule'),
  awaitingHuman: { name: 'AwaitingHuman', type: 'BOOL' } as Key<'BOOL'>,
} as const;

export type IssueSearchAttributeValues = {
  organizationId: string;
  issueType: IssueType;
  issuePriority: IssuePriority;
  issueStage: string;
  issueModule?: string;
};
