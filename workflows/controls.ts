/**
 * The broadcast of a kill-switch or stage-flag change (src/contracts/controls.ts) to running
 * issues: durable, so an API that dies mid-way loses nothing, and one per scope (a newer
 * change replaces a broadcast still running; each reads the controls as they are when it
 * sends). A second pass a little later reaches issues submitted while the change was being
 * made, whose start may have read the controls before it.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { proxyActivities, setWorkflowOptions, sleep, workflowInfo } from '@temporalio/workflow';
import type { ControlsActivities } from '../activities';
import { pinnedWhenVersioned } from './shared/versioning';

/** How long after the first pass the second one looks for issues submitted during the change. */
const SECOND_PASS_AFTER = '5 seconds';

const { broadcastAgentControls } = proxyActivities<ControlsActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function agentControlsBroadcastWorkflow(input: { organizationId: string | null }): Promise<{ signalled: number; notRunning: number }> {
  const since = new Date(workflowInfo().startTime.getTime() - 10_000).toISOString();
  const first = await broadcastAgentControls({ organizationId: input.organizationId });
  await sleep(SECOND_PASS_AFTER);
  const second = await broadcastAgentControls({ organizationId: input.organizationId, since });
  return { signalled: first.signalled + second.signalled, notRunning: second.notRunning };
}

setWorkflowOptions(pinnedWhenVersioned, agentControlsBroadcastWorkflow);
