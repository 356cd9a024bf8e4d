/**
 * One run of an issue's workflow: its input, its state, the activities it may call and what
 * people have sent it. Every part of workflows/issue/ takes this one object; nothing else is
 * shared between them. DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { ActivityFailure, type ActivityInterfaceFor, type LocalActivityInterfaceFor, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { BookkeepingActivities, ModelActivities, ToolActivities, WorkspaceActivities } from '../../activities';
import type { IssuePolicy } from '../../src/contracts/policy';
import type { Decision } from '../../src/contracts/people';
import type { CarriedState, IssueOutcome, IssueProgress, IssueWorkflowInput } from '../definitions';
import { BOOKKEEPING_OPTIONS, LOCAL_BOOKKEEPING_OPTIONS, MODEL_RETRY, TOOL_RETRY } from '../shared/activity-options';
import { InputDesk } from '../shared/human-input';
import { type ShownAttributes, startingAttributes } from './visibility';
import { personChecks } from '../shared/people';
import { type Patches, patchesOf } from '../shared/patches';
import { ISSUE_SHAPES, LOCAL_BOOKKEEPING } from './patches';

export interface IssueRun {
  readonly input: IssueWorkflowInput;
  readonly policy: IssuePolicy;
  readonly ref: { issueId: string; organizationId: string };
  /** What continue-as-new carries; `progress` is also what the status query answers. */
  readonly state: CarriedState;
  readonly progress: IssueProgress;
  readonly counters: CarriedState['counters'];
  readonly activities: IssueActivities;
  /** Whether the run takes a patch (ids in ./patches.ts): ask this, never `patched()` itself. */
  readonly patched: Patches;
  readonly people: ReturnType<typeof personChecks>;
  /** What people and the limiter have sent and the run has not consumed yet. */
  readonly inbox: {
    gateDecision: Decision | null;
    answer: { answer: string; answeredBy: string } | null;
    /** A person's answer to the command waiting for approval (commands.ts). */
    commandAnswer?: { decision: 'approve' | 'approve_for_issue' | 'deny'; by: string; comment: string | null } | null;
    slotGranted: boolean;
    desk: InputDesk;
    /**
     * Whether the decision that settles the open gate writes the issue's status back to
     * processing itself (`may`: set by waits.ts when no slot must be waited for again) and
     * whether it did (`written`: then the wait records no status of its own). See people.ts.
     */
    statusWithDecision?: 'may' | 'written';
  };
  /** Numbers the ERP callbacks of this run (their delivery ids). */
  callbackSequence: number;
  /** The search attributes as last upserted (visibility.ts `show`). */
  readonly shown: ShownAttributes;
}

/** One proxy per activity group, each with the timeouts and retries of its kind of work. */
export interface IssueActivities {
  models: ActivityInterfaceFor<ModelActivities>;
  tools: ActivityInterfaceFor<ToolActivities>;
  workspace: ActivityInterfaceFor<WorkspaceActivities>;
  bookkeeping: ActivityInterfaceFor<BookkeepingActivities>;
  /** What runs as a local activity (in runs that take LOCAL_BOOKKEEPING; see activity-options.ts). */
  localBookkeeping: LocalActivityInterfaceFor<Pick<BookkeepingActivities, 'recordGateDecision' | 'recordIssueStatus' | 'decideGate'>>;
}

function issueActivities(policy: IssuePolicy): IssueActivities {
  const heartbeatTimeout = policy.activityHeartbeatSeconds * 1000;
  return {
    models: proxyActivities<ModelActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout, retry: MODEL_RETRY }),
    tools: proxyActivities<ToolActivities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout, retry: TOOL_RETRY }),
    // git and the code host: clones, tests and pushes take a while; the ledger makes retries safe.
    workspace: proxyActivities<WorkspaceActivities>({
      startToCloseTimeout: '30 minutes',
      // They heartbeat while git and tests run: a lost worker's call is retried this soon.
      heartbeatTimeout,
      retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
    }),
    bookkeeping: proxyActivities<BookkeepingActivities>(BOOKKEEPING_OPTIONS),
    localBookkeeping: proxyLocalActivities<Pick<BookkeepingActivities, 'recordGateDecision' | 'recordIssueStatus' | 'decideGate'>>(LOCAL_BOOKKEEPING_OPTIONS),
  };
}

/** The state a new issue starts from. */
function freshState(input: IssueWorkflowInput): CarriedState {
  return {
    phase: 'classify',
    baseTier: 'small',
    lastCallCostUsd: 0,
    ...(input.controls ? { controls: input.controls } : {}),
    counters: { triageRound: 0, researchRound: 0, codeRound: 0, reviewRoundsUsed: 0, codeTierBoost: 0, planGateRound: 0, finalGateRound: 0 },
    progress: {
      issueId: input.issueId,
      status: 'processing',
      stage: null,
      progress: 0,
      currentStep: 'starting',
      stagesCompleted: [],
      route: null,
      error: null,
      updatedAt: new Date().toISOString(),
      round: 0,
      codeTier: null,
      costUsd: 0,
      budgetUsd: input.policy.budgetUsd,
      pending: null,
      questions: [],
      decisions: [],
      toolCalls: 0,
      runs: 1,
    },
  };
}

/**
 * A new run: fresh, or where the previous run stopped (continue-as-new). Called in the run's
 * first activation, before any await, as its patches must be (shared/patches.ts).
 */
export function startIssueRun(input: IssueWorkflowInput): IssueRun {
  const patched = patchesOf(ISSUE_SHAPES);
  const { policy, issueId, organizationId } = input;
  const activities = issueActivities(policy);
  const state = input.resume ?? freshState(input);
  if (input.resume) state.progress.runs += 1;
  return {
    input,
    policy,
    ref: { issueId, organizationId },
    state,
    progress: state.progress,
    counters: state.counters,
    activities,
    patched,
    people: personChecks(activities.bookkeeping, organizationId, { type: 'issue', id: issueId }, patched),
    inbox: { gateDecision: null, answer: null, slotGranted: false, desk: new InputDesk() },
    callbackSequence: 0,
    shown: startingAttributes(),
  };
}

/** Thrown inside the workflow to end the pipeline early with a final status. */
export class PipelineEnd extends Error {
  constructor(
    readonly status: IssueOutcome['status'] | 'failed',
    readonly summary: string,
  ) {
    super(summary);
    this.name = 'PipelineEnd';
  }
}

/**
 * The message of the failure an activity raised (our ApplicationFailure), not of its
 * deepest cause: that is the SDK's raw error, for stack traces rather than people.
 */
export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** The bookkeeping on a person's path to the next step: local activities in runs that have the patch. */
export function personPathBookkeeping(run: IssueRun): Pick<IssueActivities['localBookkeeping'], 'recordGateDecision' | 'recordIssueStatus'> {
  return run.patched(LOCAL_BOOKKEEPING) ? run.activities.localBookkeeping : run.activities.bookkeeping;
}
