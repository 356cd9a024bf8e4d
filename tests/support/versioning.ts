import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/**
 * What a run's history says about Worker Versioning: the builds that completed its workflow
 * tasks (one, for a pinned run), how many tasks failed on non-determinism (a run replayed by
 * code it did not start on), and its timers (the next test build adds one).
 */
export async function buildsOfRun(client: Client, workflowId: string): Promise<{ builds: string[]; nonDeterminismFailures: number; timers: number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const builds = new Set<string>();
  let nonDeterminismFailures = 0;
  let timers = 0;
  for (const event of history.events ?? []) {
    const completed = event.workflowTaskCompletedEventAttributes;
    if (completed) builds.add(completed.deploymentVersion?.buildId || '(unversioned)');
    if (event.workflowTaskFailedEventAttributes?.cause === NON_DETERMINISTIC) nonDeterminismFailures += 1;
    if (event.timerStartedEventAttributes) timers += 1;
  }
  return { builds: [...builds], nonDeterminismFailures, timers };
}

const NON_DETERMINISTIC = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR;
