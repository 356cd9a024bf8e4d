import type { IssueStatus, Stage } from '../contracts/issue';
import { STAGES, TERMINAL_ISSUE_STATUSES, toErpIssueStatus } from '../contracts/issue';
import type { IssueRecord } from '../db/issues';
import type { DecisionRecord, QuestionRecord } from '../db/people';
import { toIso } from '../time';
import type { IssueProgress, RefusedSignal } from '../../workflows/definitions';
import type { AuditEventRecord } from '../db/audit';

/**
 * The one place an issue's view is made: pure, from its row and — while the workflow runs —
 * the workflow's live progress (which wins field by field), or, once it has ended, what
 * Postgres stored about the people in the loop.
 */

/**
 * Where a person follows an issue: its `trackingUrl` (ERP-CONTRACT.md: the link the ERP shows
 * with a submission; also the link in the notifications sent about it) — the reviewer console's
 * issue page, which asks them to sign in first. Programs read the issue at /api/issues/:id.
 */
export function issueTrackingUrl(publicBaseUrl: string, issueId: string): string {
  return `${publicBaseUrl}/console/issues/${issueId}`;
}

/** The issue as the API shows it: our fields plus the ERP's status view (`job`). */
export interface IssueView {
  id: string;
  externalId: string;
  source: string;
  type: string;
  priority: string;
  title: string;
  description: string;
  module: string | null;
  context: Record<string, unknown>;
  status: IssueStatus;
  /** The status in the ERP's vocabulary (PENDING … CANCELLED). */
  erpStatus: string;
  /** The stage it is at (classify … review); once ended, how it ended (as IssueStage in Temporal). */
  stage: Stage | EndedStage | null;
  progress: number;
  currentStep: string;
  result: Record<string, unknown>;
  error: string | null;
  workflowId: string;
  trackingUrl: string;
  temporalUrl?: string;
  /** Live from the workflow while it runs: what a person owes it, rounds, cost. */
  pending: IssueProgress['pending'];
  /** Held by the kill switch or a stage flag before a stage (live from the workflow). */
  held: NonNullable<IssueProgress['held']> | null;
  round: number;
  costUsd: number | null;
  budgetUsd: number | null;
  questions: IssueProgress['questions'];
  decisions: IssueProgress['decisions'];
  /** Signals (Web UI, CLI) the workflow refused, with why: their senders hear nothing else. */
  refusedSignals: RefusedSignal[];
  /** Messages people and the ERP sent the agents (live from the workflow), and whether a turn took each. */
  messages: NonNullable<IssueProgress['messages']>;
  /** Interrupted by a person: the agents wait for a message (live from the workflow). */
  interrupted: NonNullable<IssueProgress['interrupted']> | null;
  /** The model tier a person chose for the rest of the run. */
  tierOverride: NonNullable<IssueProgress['tierOverride']> | null;
  /** Decisions on commands the approval policy held (live from the workflow). */
  commandDecisions: NonNullable<IssueProgress['commandDecisions']>;
  /** While queued behind the concurrency limit: 1 = next to start. */
  queuePosition: number | null;
  /** The pull request, once published (after the final approval). */
  pullRequestUrl: string | null;
  branch: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  job: {
    id: string;
    agentType: string;
    progress: number;
    currentStep: string;
    logs: Array<{ time: string; level: string; message: string }>;
  };
}

/** An ended issue's `stage`: its outcome. */
type EndedStage = (typeof TERMINAL_ISSUE_STATUSES)[number];

export const isTerminal = (status: string) => (TERMINAL_ISSUE_STATUSES as readonly string[]).includes(status);

export function issueView(
  row: IssueRecord,
  live: IssueProgress | undefined,
  links: { trackingUrl: string; temporalUrl?: string | undefined },
  logs: IssueView['job']['logs'] = [],
  /** What its model calls cost, from llm_calls: shown when no live view says. */
  storedCostUsd?: number,
): IssueView {
  const status = (live?.status ?? row.status) as IssueStatus;
  const lastStage = (live?.stage ?? row.stage) as Stage | null;
  // Ended: the outcome, as the IssueStage search attribute says in the Temporal UI.
  const stage = isTerminal(status) ? (status as EndedStage) : lastStage;
  const progress = live?.progress ?? progressFromRow(row);
  const currentStep = live?.currentStep ?? (isTerminal(row.status) ? row.status : (row.stage ?? 'queued'));
  return {
    id: row.id,
    externalId: row.externalId,
    source: row.source,
    type: row.type,
    priority: row.priority,
    title: row.title,
    description: row.description,
    module: row.module,
    context: row.context,
    status,
    erpStatus: toErpIssueStatus(status),
    stage,
    progress,
    currentStep,
    result: row.result,
    error: live?.error ?? row.error,
    workflowId: row.workflowId,
    trackingUrl: links.trackingUrl,
    ...(links.temporalUrl ? { temporalUrl: links.temporalUrl } : {}),
    // The row has the wait as it opened (and whether it was reminded or escalated) for lists.
    pending: isTerminal(status) ? null : (live?.pending ?? (row.pending as IssueProgress['pending'] | null) ?? null),
    held: isTerminal(status) ? null : (live?.held ?? null),
    round: live?.round ?? 0,
    costUsd: live?.costUsd ?? storedCostUsd ?? null,
    budgetUsd: live?.budgetUsd ?? (row.budgetUsd === null ? null : Number(row.budgetUsd)),
    questions: live?.questions ?? [],
    decisions: live?.decisions ?? [],
    refusedSignals: live?.refusedSignals ?? [],
    messages: live?.messages ?? [],
    interrupted: isTerminal(status) ? null : (live?.interrupted ?? null),
    tierOverride: live?.tierOverride ?? null,
    commandDecisions: live?.commandDecisions ?? [],
    queuePosition: null,
    pullRequestUrl: live?.pullRequestUrl ?? row.pullRequestUrl,
    branch: live?.branch ?? null,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
    completedAt: row.completedAt ? toIso(row.completedAt) : null,
    job: { id: row.workflowId, agentType: lastStage ?? 'pipeline', progress, currentStep, logs },
  };
}

/** An ended issue's view with who asked and decided what — and which signals were refused — as Postgres stored it. */
export function withStoredPeople(view: IssueView, questions: QuestionRecord[], decisions: DecisionRecord[], refused: AuditEventRecord[] = []): IssueView {
  return {
    ...view,
    refusedSignals: refused.map((event) => ({
      kind: event.action === 'issue.answer' ? 'answer' : event.action === 'issue.raise_budget' ? 'budget' : 'decision',
      person: typeof event.details['claimedActor'] === 'string' ? event.details['claimedActor'] : event.actor,
      reason: event.reason ?? 'refused',
      at: toIso(event.at),
    })),
    questions: questions.map((q) => ({ id: q.id, stage: q.stage, question: q.question, answer: q.answer, answeredBy: q.answeredBy, status: q.status })),
    decisions: decisions.map((d) => ({ gate: d.gate, decision: d.decision, reviewer: d.reviewer, comment: d.comment, at: toIso(d.createdAt), via: d.via })),
  };
}

function progressFromRow(row: IssueRecord): number {
  if (row.status === 'completed') return 100;
  if (!row.stage) return 0;
  const index = STAGES.indexOf(row.stage as Stage);
  return index < 0 ? 0 : Math.round((index / STAGES.length) * 100);
}
