/**
 * What the outside sees of a running issue: the status query's progress, the Web UI's
 * current details and search attributes, and the ERP's status callbacks.
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { setCurrentDetails, startChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Stage } from '../../src/contracts/issue';
import { type IssueProgress, type IssueWorkflowInput, searchAttributes } from '../definitions';
import { statusCallbackWorkflow } from '../callbacks';
import type { IssueRun } from './run';
import { SEARCH_ATTRIBUTES_ON_CHANGE } from './patches';

const STAGE_COUNT = 5;

/** What the Web UI's search attributes hold, as far as this run knows; see `show`. */
export interface ShownAttributes {
  /** Decided by the first upsert of the run (the patch check). */
  onChange: boolean | undefined;
  values: Map<string, unknown>;
  /** Shown with the next upsert (under the patch); see `showWithNext`. */
  later: SearchAttributeUpdatePair[];
}

/** The values the run started with (the API's start, or those continue-as-new carried). */
export function startingAttributes(): ShownAttributes {
  const values = new Map<string, unknown>();
  for (const pair of workflowInfo().typedSearchAttributes.getAll()) values.set(pair.key.name, pair.value);
  return { onChange: undefined, values, later: [] };
}

/** Upserts `pairs`, leaving out values the attributes already hold (under the patch). */
export function show(run: IssueRun, pairs: SearchAttributeUpdatePair[]): void {
  const shown = run.shown;
  shown.onChange ??= run.patched(SEARCH_ATTRIBUTES_ON_CHANGE);
  if (!shown.onChange) {
    upsertSearchAttributes(pairs);
    return;
  }
  const merged = new Map<string, SearchAttributeUpdatePair>();
  for (const pair of [...shown.later, ...pairs]) merged.set(pair.key.name, pair);
  shown.later = [];
  const changed = [...merged.values()].filter((pair) => shown.values.get(pair.key.name) !== pair.value);
  if (changed.length === 0) return;
  for (const pair of changed) shown.values.set(pair.key.name, pair.value);
  upsertSearchAttributes(changed);
}

/**
 * Attributes to show with the next upsert, which the caller knows comes before the workflow
 * next waits (classify's results go out with triage's stage). Runs without the patch upsert now.
 */
export function showWithNext(run: IssueRun, pairs: SearchAttributeUpdatePair[]): void {
  const shown = run.shown;
  shown.onChange ??= run.patched(SEARCH_ATTRIBUTES_ON_CHANGE);
  if (shown.onChange) shown.later.push(...pairs);
  else upsertSearchAttributes(pairs);
}

/** Marks the progress as changed now and refreshes the Web UI's current details. */
export function touch(run: IssueRun): void {
  run.progress.updatedAt = new Date().toISOString();
  setCurrentDetails(describe(run.progress, run.input));
}

/** The run is working on `stage`, doing `step`. */
export function enter(run: IssueRun, stage: Stage, step: string): void {
  run.progress.stage = stage;
  run.progress.currentStep = step;
  show(run, [{ key: searchAttributes.issueStage, value: stage }]);
  touch(run);
}

/** Shows a step within the current stage. */
export function step(run: IssueRun, currentStep: string): void {
  run.progress.currentStep = currentStep;
  touch(run);
}

export function complete(run: IssueRun, stage: Stage): void {
  const { progress } = run;
  if (!progress.stagesCompleted.includes(stage)) progress.stagesCompleted.push(stage);
  progress.progress = Math.round((progress.stagesCompleted.length / STAGE_COUNT) * 100);
  touch(run);
}

/** Books a model call's cost; the last non-zero one is what the next call is assumed to cost. */
export function addCost(run: IssueRun, costUsd: number): void {
  run.progress.costUsd = Math.round((run.progress.costUsd + costUsd) * 1e6) / 1e6;
  if (costUsd > 0) run.state.lastCallCostUsd = costUsd;
}

/**
 * Tells the ERP: starts a child that delivers the event and is not waited for (ABANDON):
 * retries happen there, and a dead callback URL never blocks or fails the issue.
 *
 * Callers check `policy.statusCallbacks` themselves: even awaiting an already-resolved
 * promise adds a microtask turn, which can reorder commands against concurrently running
 * handlers and break the replay of histories recorded without callbacks.
 */
export async function notifyErp(
  run: IssueRun,
  event: 'issue.status_changed' | 'issue.pull_request_opened',
  payload: Record<string, unknown>,
): Promise<void> {
  run.callbackSequence += 1;
  const { issueId, organizationId } = run.ref;
  // From the input and the run, not the workflow id: replays (and the ERP) see the same id.
  const deliveryId = `${issueId}:${workflowInfo().runId}:${run.callbackSequence}`;
  await startChild(statusCallbackWorkflow, {
    workflowId: `callback:${deliveryId}`,
    args: [{ organizationId, issueId, deliveryId, event, payload }],
    parentClosePolicy: 'ABANDON',
  });
}

/** Markdown shown as "current details" on the workflow page of the Web UI. */
function describe(progress: IssueProgress, input: IssueWorkflowInput): string {
  const lines = [
    `**${input.title}**`,
    '',
    `- status: \`${progress.status}\``,
    `- stage: \`${progress.stage ?? '—'}\` (${progress.progress}%), round ${progress.round + 1}`,
    `- step: ${progress.currentStep}`,
    `- cost: $${progress.costUsd.toFixed(4)} of $${progress.budgetUsd}`,
    `- organization: \`${input.organizationId}\``,
    `- issue: \`${input.issueId}\``,
    `- run: \`${workflowInfo().runId}\` (${progress.runs})`,
  ];
  if (progress.route) lines.push(`- route: \`${progress.route}\``);
  const pending = progress.pending;
  if (pending?.kind === 'approval') lines.push('', `⏳ **Waiting for ${pending.gate} approval** until ${pending.deadline}: signal \`decision\` with \`{"decision":"approve","reviewer":"…"}\``);
  if (pending?.kind === 'question') lines.push('', `⏳ **Question** (until ${pending.deadline}): ${pending.question}`, pending.draftAnswer ? `Draft answer: ${pending.draftAnswer}` : '', 'Signal `answer` with `{"answer":"…","answeredBy":"…"}`');
  if (pending?.kind === 'budget') lines.push('', `⏳ **Budget reached** ($${pending.spentUsd} of $${pending.budgetUsd}): signal \`raiseBudget\` with \`{"budgetUsd":…,"reviewer":"…"}\``);
  if (progress.error) lines.push('', `> ${progress.error}`);
  return lines.join('\n');
}
