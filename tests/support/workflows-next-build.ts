/**
 * "The next build" for the rolling-upgrade test and the chaos suite: every workflow as shipped,
 * except that the issue workflow first sleeps 1 ms — a new command at the start of its
 * history, so a run begun on the previous build would fail with a non-determinism error if it
 * were ever routed here. Under Worker Versioning it never is: it stays pinned to its build.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and the workflows it re-exports.
 */
import { sleep } from '@temporalio/workflow';
import { issueWorkflow as shippedIssueWorkflow } from '../../workflows/issue/index';

export { concurrencyLimiterWorkflow, notificationDeliveryWorkflow, skillWorkflow, statusCallbackWorkflow } from '../../workflows/index';

export async function issueWorkflow(...args: Parameters<typeof shippedIssueWorkflow>): ReturnType<typeof shippedIssueWorkflow> {
  await sleep(1);
  return shippedIssueWorkflow(...args);
}
