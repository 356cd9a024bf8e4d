/**
 * The concurrency limiter: one long-running workflow that hands out pipeline slots, so an
 * issue over its organization's limit (or the global cap) waits — status `queued`, with a
 * visible position — and starts when a slot frees. No job queue and no polling: issues ask
 * with a signal (signal-with-start), the limiter answers with a signal, and releases are
 * signals too.
 *
 * Fairness: a free slot goes to the organization with the fewest running pipelines among
 * those with a waiter under their own limit; within it, to its oldest waiter.
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

export interface SlotRequest {
  workflowId: string;
  organizationId: string;
  organizationLimit: number;
  globalLimit: number;
}

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

export async function concurrencyLimiterWorkflow(carried?: LimiterState): Promise<void> {
  const state: LimiterState = carried ?? { running: [], waiting: [], globalLimit: 5 };
  const pendingGrants: string[] = [];

  const runningFor = (organizationId: string) => state.running.filter((r) => r.organizationId === organizationId).length;

  function grant(): void {
    for (;;) {
      if (state.running.length >= state.globalLimit) return;
      const eligible = state.waiting.filter((w) => runningFor(w.organizationId) < w.organizationLimit);
      if (eligible.length === 0) return;
      // Fewest running first (fair across organizations), then the oldest waiter.
      eligible.sort((a, b) => runningFor(a.organizationId) - runningFor(b.organizationId) || a.since.localeCompare(b.since));
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
    const index = state.waiting.findIndex((w) => w.workflowId === workflowId);
    return index < 0 ? { state: 'unknown' } : { state: 'waiting', position: index + 1, waiting: state.waiting.length };
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
