/**
 * What the outside sees of a running issue: the status query's progress, the Web UI's
 * current details and search attributes, and the ERP's status callbacks.
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { setCurrentDetails, startChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Stage } from '../../src/contracts/issue';
import { type IssueProgress, type IssueWorkflowInput, searchAttributes } from '../definitions';
import { statusCallbackWorkflow } from '../callbacks';
import type { IssueRun } from './run';

const STAGE_COUNT = 5;

/** Marks the progress as changed now and refreshes the Web UI's current details. */
export function touch(run: IssueRun): void {
  run.progress.updatedAt = new Date().toISOString();
  setCurrentDetails(describe(run.progress, run.input));
}

/** The run is working on `stage`, doing `step`. */
export function enter(run: IssueRun, stage: Stage, step: string): void {
  run.progress.stage = stage;
  run.progress.currentStep = step;
  upsertSearchAttributes([{ key: searchAttributes.issueStage, value: stage }]);
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
