/**
 * The concurrency limiter: one long-running workflow that hands out pipeline slots, so an
 * issue over its organization's limit (or the global cap) waits — status `queued`, with a
 * visible position — and starts when a slot frees. No job queue and no polling: issues ask
 * with a signal (signal-with-start), the limiter answers with a signal, and releases are
 * signals too.
 *
 * Fairness: a free slot goes to the organization with the fewest running pipelines among
 * those with a waiter under their own limit; within that, to the most urgent waiter
 * (critical, high, medium, low; a request without a priority counts as medium), then the
 * oldest.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

export const LIMITER_WORKFLOW_ID = 'concurrency-limiter';
/** A second limiter of the same kind for skill runs: their slots are not pipelines' slots. */
export const SKILL_RUN_LIMITER_WORKFLOW_ID = 'skill-run-limiter';
export type LimiterName = 'pipelines' | 'skill-runs';
export const limiterWorkflowId = (limiter: LimiterName | undefined) => (limiter === 'skill-runs' ? SKILL_RUN_LIMITER_WORKFLOW_ID : LIMITER_WORKFLOW_ID);

export interface SlotRequest {
  workflowId: string;
  organizationId: string;
  organizationLimit: number;
  globalLimit: number;
  /** The priority when it asked (filled in by the requestSlot activity). */
  priority?: 'critical' | 'high' | 'medium' | 'low';
  /** Which limiter (absent: pipelines). */
  limiter?: LimiterName;
}

const URGENCY: Record<NonNullable<SlotRequest['priority']>, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const urgency = (request: SlotRequest) => URGENCY[request.priority ?? 'medium'];

export interface LimiterState {
  running: Array<{ workflowId: string; organizationId: string }>;
  waiting: Array<SlotRequest & { since: string }>;
  globalLimit: number;
}

export type SlotPosition =
  | { state: 'running' }
  | { state: 'waiting'; position: number; waiting: number }
  | { state: 'unknown' };

export const acquireSlotSignal = defineSignal<[SlotRequest]>('acquireSlot');
export const releaseSlotSignal = defineSignal<[{ workflowId: string }]>('releaseSlot');
/** Sent to the issue workflow when its slot is granted. */
export const slotGrantedSignal = defineSignal('slotGranted');
export const slotPositionQuery = defineQuery<SlotPosition, [string]>('slotPosition');
export const limiterStateQuery = defineQuery<LimiterState>('state');

const HISTORY_LIMIT = 5_000;

// Under Worker Versioning (src/temporal/deployments.ts) the limiter follows the current build
// (the worker's default; see workflows/shared/versioning.ts): pinned, it would never end and
// never let an old build drain. A new build replays its history, so changes to it keep using
// patched().

export async function concurrencyLimiterWorkflow(carried?: LimiterState): Promise<void> {
  const state: LimiterState = carried ?? { running: [], waiting: [], globalLimit: 5 };
  const pendingGrants: string[] = [];

  const runningFor = (organizationId: string) => state.running.filter((r) => r.organizationId === organizationId).length;

  function grant(): void {
    for (;;) {
      if (state.running.length >= state.globalLimit) return;
      const eligible = state.waiting.filter((w) => runningFor(w.organizationId) < w.organizationLimit);
      if (eligible.length === 0) return;
      // Fewest running first (fair across organizations), then the most urgent, then the oldest.
      // Requests recorded before priorities existed all count as medium: their order is unchanged.
      eligible.sort((a, b) => runningFor(a.organizationId) - runningFor(b.organizationId) || urgency(a) - urgency(b) || a.since.localeCompare(b.since));
      const next = eligible[0] as SlotRequest & { since: string };
      state.waiting = state.waiting.filter((w) => w.workflowId !== next.workflowId);
      state.running.push({ workflowId: next.workflowId, organizationId: next.organizationId });
      pendingGrants.push(next.workflowId);
    }
  }

  setHandler(acquireSlotSignal, (request) => {
    state.globalLimit = request.globalLimit; // the latest configuration wins
    const known = state.running.some((r) => r.workflowId === request.workflowId) || state.waiting.some((w) => w.workflowId === request.workflowId);
    if (known) {
      // A retried request: answer again if it already holds a slot.
      if (state.running.some((r) => r.workflowId === request.workflowId)) pendingGrants.push(request.workflowId);
      return;
    }
    state.waiting.push({ ...request, since: new Date().toISOString() });
    grant();
  });
  setHandler(releaseSlotSignal, ({ workflowId }) => {
    state.running = state.running.filter((r) => r.workflowId !== workflowId);
    state.waiting = state.waiting.filter((w) => w.workflowId !== workflowId);
    grant();
  });
  setHandler(slotPositionQuery, (workflowId) => {
    if (state.running.some((r) => r.workflowId === workflowId)) return { state: 'running' };
    const me = state.waiting.find((w) => w.workflowId === workflowId);
    if (!me) return { state: 'unknown' };
    // Ahead: the more urgent, and the older of the same urgency (fairness across organizations aside).
    const ahead = state.waiting.filter((w) => w !== me && (urgency(w) < urgency(me) || (urgency(w) === urgency(me) && w.since < me.since))).length;
    return { state: 'waiting', position: ahead + 1, waiting: state.waiting.length };
  });
  setHandler(limiterStateQuery, () => state);

  for (;;) {
    await condition(() => pendingGrants.length > 0 || workflowInfo().historyLength > HISTORY_LIMIT || workflowInfo().continueAsNewSuggested);
    while (pendingGrants.length > 0) {
      const workflowId = pendingGrants.shift() as string;
      try {
        await getExternalWorkflowHandle(workflowId).signal(slotGrantedSignal);
      } catch (error) {
        // The issue ended while it waited (cancelled, terminated): its slot is free again.
        log.warn('slot holder is gone; releasing', { workflowId, error: String(error) });
        state.running = state.running.filter((r) => r.workflowId !== workflowId);
        grant();
      }
    }
    if (workflowInfo().historyLength > HISTORY_LIMIT || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      if (pendingGrants.length === 0) await continueAsNew<typeof concurrencyLimiterWorkflow>(state);
    }
  }
}
