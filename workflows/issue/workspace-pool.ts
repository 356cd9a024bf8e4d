/**
 * An issue's repository work on the workspace pool (README "Worker pools"), for runs whose
 * policy names one: workspace workers that hold no secrets run the tools, commands, tests and
 * commits; the orchestration worker checks and records each call before and after.
 *
 * - The workspace opens on the pool of the issue's capability (or the default pool) from the
 *   branch the orchestration worker exported; while no worker of that pool polls, the issue
 *   says so in its status and keeps waiting.
 * - It is then sticky: the issue's next calls go to the queue of the host that opened it.
 * - If that host is gone (its queue is not picked up in time) or no longer has the workspace,
 *   the workspace is opened again from the mirror's last commit — on whichever host takes it.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import type { Duration, RetryPolicy } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities, TimeoutFailure } from '@temporalio/workflow';
import type { AgentToolResult, RunAgentToolInput } from '../../activities/agent';
import type { ChangeResult } from '../../activities/workspace';
import type { WorkspaceHandle, WorkspaceHostActivities } from '../../activities/workspace-host';
import type { WorkerType } from '../../src/contracts/worker-types';
import { WORKSPACE_MISSING, workspaceQueueFor } from '../shared/workspace-pool';
import { failureMessage, type IssueRun } from './run';
import { step } from './visibility';

/** How long a pool's queue may leave the open call unclaimed before the status says it waits (and it asks again). */
const poolPickup = (run: IssueRun): Duration => (run.policy.workspacePool?.poolPickupSeconds ?? 60) * 1000;
/**
 * How long a host's own queue may leave a call unclaimed before the host is taken to be gone
 * (and the workspace opened again elsewhere): well above a busy host's wait for a free slot.
 */
const hostPickup = (run: IssueRun): Duration => (run.policy.workspacePool?.hostPickupSeconds ?? 120) * 1000;
/** Times one call opens the workspace again (a host lost, a workspace swept) before it fails. */
const MAX_REOPENS = 2;

const WORKSPACE_RETRY: RetryPolicy = { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 };

export function usesWorkspacePool(run: IssueRun): boolean {
  return run.policy.workspacePool !== undefined;
}

/** The queue of the issue's pool: its capability's, else the default. */
function poolQueue(run: IssueRun): string {
  const pool = run.policy.workspacePool;
  if (!pool) throw new Error('usesWorkspacePool() first');
  return workspaceQueueFor(pool, run.state.capabilities ?? []);
}

/** Activities on one queue; `once`: a command's call, never retried (the claim made it at most once). */
function on(run: IssueRun, taskQueue: string, pickup: Duration, once = false) {
  return proxyActivities<WorkspaceHostActivities>({
    taskQueue,
    scheduleToStartTimeout: pickup,
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: run.policy.activityHeartbeatSeconds * 1000,
    retry: once ? { maximumAttempts: 1 } : WORKSPACE_RETRY,
  });
}

const isUnclaimed = (err: unknown) => err instanceof ActivityFailure && err.cause instanceof TimeoutFailure && err.cause.timeoutType === 'SCHEDULE_TO_START';
const isMissing = (err: unknown) => err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === WORKSPACE_MISSING;

/**
 * Opens the issue's workspace on its pool from the mirror's branch (first use, or after its
 * host was lost) and makes it sticky to the host that opened it.
 */
export async function openPooledWorkspace(run: IssueRun): Promise<void> {
  const { ref, state, progress } = run;
  const exported = await run.activities.workspace.exportWorkspace.executeWithOptions({ summary: 'workspace · export the branch' }, [ref]);
  const queue = poolQueue(run);
  const shownStep = progress.currentStep;
  for (;;) {
    try {
      const opened = await on(run, queue, poolPickup(run)).openWorkspace.executeWithOptions({ summary: `workspace · open on ${queue}` }, [
        { ...ref, branch: exported.branch, baseSha: exported.baseSha, source: exported.source },
      ]);
      state.workspaceHost = { queue: opened.hostQueue, host: opened.host, branch: exported.branch, baseSha: exported.baseSha };
      progress.branch = exported.branch;
      step(run, shownStep);
      return;
    } catch (err) {
      if (!isUnclaimed(err)) throw err;
      // Not a failure: the issue waits for a worker of its pool, and says which.
      step(run, `waiting for a workspace worker on task queue ${queue}`);
    }
  }
}

/**
 * One call on the workspace's host; opened again elsewhere (from the last commit) when the
 * host is gone or lost the workspace. Uncommitted edits of a lost host are lost with it.
 */
async function onWorkspaceHost<R>(run: IssueRun, call: (host: ReturnType<typeof on>, workspace: WorkspaceHandle) => Promise<R>, once = false): Promise<R> {
  for (let reopened = 0; ; reopened += 1) {
    if (!run.state.workspaceHost) await openPooledWorkspace(run);
    const host = run.state.workspaceHost as NonNullable<IssueRun['state']['workspaceHost']>;
    try {
      return await call(on(run, host.queue, hostPickup(run), once), { ...run.ref, branch: host.branch, baseSha: host.baseSha });
    } catch (err) {
      if (reopened >= MAX_REOPENS || !(isUnclaimed(err) || isMissing(err))) throw err;
      run.state.workspaceHost = undefined;
    }
  }
}

/**
 * A tool call of an agent on the pool: checked (and a command claimed) by the orchestration
 * worker, run by the workspace host, recorded by the orchestration worker. A command whose
 * host died mid-run is recorded as interrupted, not run again.
 */
export async function runPooledTool(run: IssueRun, input: RunAgentToolInput, summary: string): Promise<AgentToolResult> {
  const { tools } = run.activities;
  const begun = await tools.beginAgentTool.executeWithOptions({ summary: `${summary} · check` }, [input]);
  if (begun.kind === 'done') return begun.result;
  const once = begun.request.tool === 'run_command';
  try {
    const outcome =
      begun.path !== undefined
        ? await on(run, poolQueue(run), poolPickup(run)).runWorkspaceTool.executeWithOptions({ summary }, [{ workspace: null, path: begun.path, request: begun.request }])
        : await onWorkspaceHost(run, (host, workspace) => host.runWorkspaceTool.executeWithOptions({ summary }, [{ workspace, request: begun.request }]), once);
    return await tools.finishAgentTool.executeWithOptions({ summary: `${summary} · record` }, [{ ...input, outcome }]);
  } catch (err) {
    if (!once || isCancellation(err) || !(err instanceof ActivityFailure)) throw err;
    return tools.finishAgentTool.executeWithOptions({ summary: `${summary} · record` }, [{ ...input, failed: failureMessage(err) }]);
  }
}

/** The end of a code round on the pool: the tests and the commit on the host, taken into the mirror here. */
export async function finishPooledChange(run: IssueRun, round: number, workerType: WorkerType | undefined): Promise<ChangeResult> {
  const { workspace } = run.activities;
  const input = { ...run.ref, round, ...(workerType ? { workerType } : {}) };
  const request = await workspace.beginChange.executeWithOptions({ summary: 'code · plan the tests and commit' }, [input]);
  const outcome = await onWorkspaceHost(run, (host, handle) =>
    host.finishWorkspaceChange.executeWithOptions({ summary: 'code · tests and commit (workspace worker)' }, [{ ...request, workspace: handle }]),
  );
  return workspace.importChange.executeWithOptions({ summary: 'code · take in the commit, diff' }, [{ ...input, outcome }]);
}

/** The issue ended: its host removes the workspace (best effort: the hosts' TTL sweep removes what this misses). */
export async function closePooledWorkspace(run: IssueRun): Promise<void> {
  const host = run.state.workspaceHost;
  if (!host) return;
  try {
    // With a heartbeat timeout: a completion lost while Temporal was down is retried within it,
    // not after the start-to-close (the slot is released only after this). Options are not
    // replayed commands: safe for runs in flight.
    await proxyActivities<WorkspaceHostActivities>({
      taskQueue: host.queue,
      scheduleToStartTimeout: '1 minute',
      startToCloseTimeout: '5 minutes',
      heartbeatTimeout: run.policy.activityHeartbeatSeconds * 1000,
      retry: { maximumAttempts: 3 },
    })
      .closeWorkspace.executeWithOptions({ summary: 'workspace · remove from its host' }, [run.ref]);
  } catch (err) {
    if (isCancellation(err)) throw err;
  }
  run.state.workspaceHost = undefined;
}
