/**
 * The public surface of our workflows: ids, queries and search attribute keys.
 *
 * Everything named here is persisted in workflow histories and visibility, and is used by
 * the API, the CLI and the Temporal Web UI. Treat the names as public API: add new ones,
 * never rename (version behaviour changes with `patched()`).
 *
 * Imported by workflow code (bundled) and by the API (Node); keep it free of Node imports.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { WorkerType } from '../src/contracts/worker-types';
import type { SearchAttributeKey, SearchAttributeType } from '@temporalio/common/lib/search-attributes';
import type {
  IssuePriority,
  IssueSource,
  IssueStatus,
  IssueType,
  Stage,
} from '../src/contracts/issue';
import type { AgentControls } from '../src/contracts/controls';
import type { Answer, CommandDecision, Decision, Gate, Interrupt, RaiseBudget, SteeringMessage } from '../src/contracts/people';
import type { ClarificationPolicy, IssuePolicy, ModelTier } from '../src/contracts/policy';
import type { InvocationAnswer, InvocationDecision } from '../src/contracts/skills';
import type { TriageRoute } from '../src/contracts/stages';

export type { ModelTier } from '../src/contracts/policy';

export const ISSUE_WORKFLOW_TYPE = 'issueWorkflow';

/**
 * One workflow per issue: the id is the business key, so a repeated delivery of the same
 * issue can never start a second run. Organization ids contain no ':', so the id parses
 * unambiguously even when the external id does.
 */
export function issueWorkflowId(organizationId: string, source: IssueSource, externalId: string): string {
  return `issue:${organizationId}:${source}:${externalId}`;
}

/** What the API hands the workflow: ids, the title for the Web UI, and the policy snapshot. */
export interface IssueWorkflowInput {
  issueId: string;
  organizationId: string;
  title: string;
  policy: IssuePolicy;
  /** The kill switch and stage flags when the issue was started (later changes arrive as `controlsChanged`). */
  controls?: AgentControls;
  /** Set by continue-as-new: where the previous run stopped. */
  resume?: CarriedState;
}

export type Phase = 'classify' | 'triage' | 'research' | 'plan_approval' | 'code' | 'review' | 'final_approval';

/** The compact state continue-as-new carries from one run to the next. */
export interface CarriedState {
  phase: Phase;
  progress: IssueProgress;
  baseTier: ModelTier;
  counters: {
    triageRound: number;
    researchRound: number;
    codeRound: number;
    reviewRoundsUsed: number;
    codeTierBoost: number;
    planGateRound: number;
    finalGateRound: number;
  };
  lastCallCostUsd: number;
  /** The issue holds a slot of the concurrency limiter. */
  slotHeld?: boolean;
  /** The latest kill switch and stage flags the run was told of (absent: none). */
  controls?: AgentControls;
  /** MCP tools discovered as the first agent started, with the stages that may call each (absent: not discovered). */
  mcpTools?: Array<{ name: string; stages: string[] }>;
  /** The code stage's worker type, from the triage (absent: runs from before worker types). */
  workerType?: WorkerType;
  /** Set when that type makes no change (a review): the issue ends with the analysis. */
  noChange?: true;
  /** The classification's capabilities (e.g. "typescript"): they choose the workspace pool (absent: runs from before). */
  capabilities?: string[];
  /** The workspace pool's host that has the issue's workspace: its own queue takes the issue's calls (workspace-pool.ts). */
  workspaceHost?: { queue: string; host: string; branch: string; baseSha: string };
}

/** What a person owes the issue right now, with the deadline after which it gives up. */
export type PendingHuman =
  | { kind: 'approval'; gate: Gate; gateRound: number; since: string; deadline: string; reminded: boolean; escalated: boolean }
  | {
      kind: 'question';
      questionId: string;
      stage: string;
      question: string;
      policy: ClarificationPolicy;
      draftAnswer: string | null;
      since: string;
      deadline: string;
      reminded: boolean;
      escalated: boolean;
    }
  | { kind: 'budget'; spentUsd: number; budgetUsd: number; since: string; deadline: string; reminded: boolean; escalated: boolean }
  | {
      kind: 'command';
      /** The agent's tool call that asked to run it. */
      toolUseId: string;
      stage: string;
      argv: string[];
      /** safe | dangerous | unknown (src/workspace/command-policy.ts), and why. */
      classification: string;
      reason: string;
      since: string;
      deadline: string;
      reminded: boolean;
      escalated: boolean;
    };

export interface QuestionView {
  id: string;
  stage: string;
  question: string;
  answer: string | null;
  answeredBy: string | null;
  status: 'pending' | 'answered' | 'expired';
}

export interface DecisionView {
  gate: Gate;
  decision: Decision['decision'];
  reviewer: string;
  comment: string | null;
  at: string;
  via: 'update' | 'signal';
}

export interface RefusedSignal {
  kind: 'decision' | 'answer' | 'budget' | 'message' | 'interrupt' | 'command';
  /** Who it named (a claim: it was refused). */
  person: string | null;
  reason: string;
  at: string;
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
  /** Code/review round (0-based) and the tier the code agent uses now. */
  round: number;
  codeTier: ModelTier | null;
  costUsd: number;
  budgetUsd: number;
  pending: PendingHuman | null;
  /** Held by the kill switch or a stage flag (src/contracts/controls.ts) before `stage`, since `since`. */
  held?: { stage: Stage | 'publish'; reason: string; since: string } | null;
  questions: QuestionView[];
  decisions: DecisionView[];
  /** Signals (Web UI, `temporal workflow signal`) the run refused, newest last: their senders hear nothing else. */
  refusedSignals?: RefusedSignal[];
  /** Tool calls run so far (all stages). */
  toolCalls: number;
  /** Workflow runs so far (continue-as-new starts a new one). */
  runs: number;
  /** While queued behind the concurrency limit (see GET /api/issues/:id for the position). */
  queued?: boolean;
  /** How many times the ERP updated the issue while it ran. */
  contextUpdates?: number;
  /** Messages people (and the ERP) sent the agents, oldest first; `delivered` once an agent's turn took it. */
  messages?: SteeringMessageView[];
  /** Interrupted by a person: the agents wait at their next safe point for a message (until `deadline`). */
  interrupted?: { by: string; reason: string | null; since: string; deadline: string } | null;
  /** The tier a person chose for every later model turn (absent: the stage's own). */
  tierOverride?: ModelTier | null;
  /** Commands a person approved for the rest of the issue (as JSON argv), and the decisions on commands. */
  approvedCommands?: string[];
  commandDecisions?: Array<{ toolUseId: string; argv: string[]; decision: 'approve' | 'approve_for_issue' | 'deny' | 'expired'; by: string | null; comment: string | null; at: string }>;
  /** Workspace issues: the branch, the last test result, the published pull request. */
  branch?: string | null;
  testsPassed?: boolean | null;
  pullRequestUrl?: string | null;
}

export interface SteeringMessageView {
  id: number;
  from: string;
  text: string;
  at: string;
  delivered: { stage: string; loopId: string; turn: number } | null;
}

/** The workflow's result when it finishes without failing. */
export interface IssueOutcome {
  issueId: string;
  status: Extract<IssueStatus, 'completed' | 'rejected' | 'needs_info' | 'approval_expired'>;
  route: TriageRoute | null;
  summary: string;
}

export const statusQuery = defineQuery<IssueProgress>('status');

/**
 * People answer with signals (Temporal Web UI, `temporal workflow signal`) or updates (the
 * API: validated, answers with the new status or a clear rejection). Same names, same
 * payloads. Signals that fail validation are dropped and logged.
 */
export const decisionSignal = defineSignal<[Decision]>('decision');
export const decisionUpdate = defineUpdate<IssueProgress, [Decision]>('decision');
export const answerSignal = defineSignal<[Answer]>('answer');
export const answerUpdate = defineUpdate<IssueProgress, [Answer]>('answer');
export const raiseBudgetSignal = defineSignal<[RaiseBudget]>('raiseBudget');
export const raiseBudgetUpdate = defineUpdate<IssueProgress, [RaiseBudget]>('raiseBudget');
/** Steering (workflows/issue/steering.ts): a message for the agent's next turn, and an interrupt. */
export const messageSignal = defineSignal<[SteeringMessage]>('message');
export const messageUpdate = defineUpdate<IssueProgress, [SteeringMessage]>('message');
export const interruptSignal = defineSignal<[Interrupt]>('interrupt');
export const interruptUpdate = defineUpdate<IssueProgress, [Interrupt]>('interrupt');
/** A person's decision on a command the agent asked to run (workflows/issue/commands.ts). */
export const commandDecisionSignal = defineSignal<[CommandDecision]>('commandDecision');
export const commandDecisionUpdate = defineUpdate<IssueProgress, [CommandDecision]>('commandDecision');

/**
 * The kill switch or a stage flag changed (src/contracts/controls.ts): the organization's
 * controls as they now apply. Sent by the controls broadcast (workflows/controls.ts) to every
 * issue not yet ended; an operator may send it from the Web UI too.
 */
export const controlsChangedSignal = defineSignal<[AgentControls]>('controlsChanged');

export const AGENT_CONTROLS_BROADCAST_WORKFLOW_TYPE = 'agentControlsBroadcastWorkflow';
/** One broadcast per scope: an organization's controls, or the installation's. */
export const agentControlsBroadcastWorkflowId = (organizationId: string | null) => `agent-controls:${organizationId ?? 'installation'}`;

/** The ERP changed the issue (context, description): later prompts read the new version from Postgres. */
export const contextUpdatedSignal = defineSignal<[{ updatedBy: string; fields: string[]; changes?: string }]>('contextUpdated');

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
  /** Skill runs and skill schedules: the skill's slug. */
  skillId: keyword('SkillId'),
} as const;

export type IssueSearchAttributeValues = {
  organizationId: string;
  issueType: IssueType;
  issuePriority: IssuePriority;
  issueStage: string;
  issueModule?: string;
};

// ---------------------------------------------------------------------------- skills

export const SKILL_WORKFLOW_TYPE = 'skillWorkflow';

/** One workflow per skill invocation. */
export function skillWorkflowId(organizationId: string, invocationId: string): string {
  return `skill:${organizationId}:${invocationId}`;
}

/** One Temporal Schedule per organization + skill + name. */
export function skillScheduleId(organizationId: string, skill: string, name: string): string {
  return `skill-schedule:${organizationId}:${skill}:${name}`;
}

/**
 * What starts a skill run (the API, an ERP event, a Temporal Schedule). A scheduled run has
 * no invocation id in its arguments (they are fixed when the schedule is made): the workflow
 * draws one with its deterministic uuid4().
 */
export interface SkillRunRequest {
  organizationId: string;
  skill: string;
  persona: string;
  input: Record<string, unknown>;
  /** api, event:<type>, schedule:<name>. */
  triggeredBy: string;
  invocationId?: string;
  /** Run this version; absent: follow the organization's rollout for the skill. */
  version?: string;
  budgetUsd?: number;
  eventId?: string;
  entityType?: string;
  entityId?: string;
  /** The API key that started the run (it may cancel it). */
  createdByKeyId?: string;
  /**
   * A dry run (README "Dry runs"): the ERP's reads happen, its writes are recorded as "would
   * write" and not sent, questions and reviews are answered for the run, nothing is synced.
   */
  dryRun?: true;
  /** Run a Skill Builder's draft (of this build and round) instead of a published version: dry runs only. */
  draft?: { buildId: string; round: number };
}

/** `queued`: waiting for a slot of the skill-run limiter (before its turns, or after a person answered). */
export type SkillRunStatus = 'pending' | 'queued' | 'running' | 'awaiting_input' | 'awaiting_review' | 'completed' | 'failed';

/** What the run waits for from a person (the skill's Error Handling rules). */
export interface SkillPendingRequest {
  kind: 'question' | 'review';
  toolUseId: string;
  prompt: string;
  since: string;
  deadline: string;
}

/** Live view of a skill run, returned by `skillStatusQuery`. */
export interface SkillRunProgress {
  invocationId: string;
  skill: string;
  version: string | null;
  persona: string;
  status: SkillRunStatus;
  turn: number;
  toolCalls: number;
  /** Tool calls refused (not among the skill's permissions, or bad input). */
  refusedToolCalls: number;
  repairs: number;
  costUsd: number;
  budgetUsd: number | null;
  pending: SkillPendingRequest | null;
  /** Held by the kill switch (POST /api/admin/pause) before its next step; absent in runs from before it. */
  held?: { reason: string; since: string } | null;
  /** The MCP tools the run was offered (`mcp__<server>__<tool>`); absent when none. */
  mcpTools?: string[];
  output: Record<string, unknown> | null;
  error: string | null;
  updatedAt: string;
}

export interface SkillRunOutcome {
  invocationId: string;
  status: 'completed' | 'failed';
  version: string | null;
  output: Record<string, unknown> | null;
  error: string | null;
  costUsd: number;
}

export const skillStatusQuery = defineQuery<SkillRunProgress>('status');
/** Answers to `request_info` and decisions on `flag_for_review`: updates from the API, signals from the CLI / Web UI. */
export const skillAnswerUpdate = defineUpdate<SkillRunProgress, [InvocationAnswer]>('answer');
export const skillAnswerSignal = defineSignal<[InvocationAnswer]>('answer');
export const skillDecisionUpdate = defineUpdate<SkillRunProgress, [InvocationDecision]>('decision');
export const skillDecisionSignal = defineSignal<[InvocationDecision]>('decision');

// ---- Builders (README "Builder agents") ----------------------------------------------------
// The Skill Builder and the Feature Builder (workflows/builder.ts) make skill versions; the Form
// Generator and the Workflow Designer (workflows/erp-builder.ts) make ERP records. Every build
// answers the same query and takes the same decision update (named when there was only the Skill
// Builder: running builds answer to these names).

export const SKILL_BUILD_WORKFLOW_TYPE = 'skillBuildWorkflow';
export const ERP_BUILD_WORKFLOW_TYPE = 'erpBuildWorkflow';

/** Every build's workflow id, whatever it builds. */
export function skillBuildWorkflowId(organizationId: string, buildId: string): string {
  return `build:${organizationId}:${buildId}`;
}

export interface SkillBuildRequest {
  buildId: string;
  organizationId: string;
  /** create a skill, refine one from its feedback, or extend one with a capability (the Feature Builder). */
  mode: 'create' | 'refine' | 'extend';
  /** The persona the dry runs run as. */
  persona: string;
  /** Inputs each draft is dry-run on. */
  examples: Array<Record<string, unknown>>;
}

/** The Form Generator (`form`: form templates) or the Workflow Designer (`workflow`: content triggers). */
export interface ErpBuildRequest {
  buildId: string;
  organizationId: string;
  kind: 'form' | 'workflow';
}

export type SkillBuildStatus = 'drafting' | 'testing' | 'awaiting_approval' | 'creating' | 'published' | 'created' | 'rejected' | 'failed';

export interface SkillBuildProgress {
  buildId: string;
  status: SkillBuildStatus;
  /** 0-based; a request for changes starts the next. */
  round: number;
  /** Skill builds: the current draft's skill and version, once there is one. */
  skill: string | null;
  version: string | null;
  /** ERP builds: the records proposed this round, and those created once approved. */
  proposed?: number;
  created?: number;
  /** The current draft's or proposal's checksum, once there is one: what an approval approves. */
  checksum?: string;
  updatedAt: string;
}

export interface SkillBuildOutcome {
  status: 'published' | 'created' | 'rejected' | 'failed';
  /** The version a skill build published. */
  version: string | null;
  summary: string;
}

/** The reviewer's decision on the draft (the body of an issue's approval, the person named). */
export type SkillBuildDecisionInput = {
  decision: 'approve' | 'reject' | 'request_changes';
  reviewer: string;
  comment?: string;
  /** Guards (what the person saw): refused unless this round waits, with this draft or proposal. */
  round?: number;
  checksum?: string;
};

export const skillBuildStatusQuery = defineQuery<SkillBuildProgress>('skillBuildStatus');
export const skillBuildDecisionUpdate = defineUpdate<SkillBuildProgress, [SkillBuildDecisionInput]>('skillBuildDecision');
