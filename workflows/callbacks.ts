/**
 * Delivers one status event to the ERP, durably and apart from the issue: the issue starts
 * it as a child with ParentClosePolicy ABANDON and does not wait, so a dead callback URL
 * never blocks or fails the issue, and an issue that ends does not cancel its last events.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow.
 */
import { log, proxyActivities } from '@temporalio/workflow';
import type { ErpActivities } from '../activities';
import type { StatusCallbackInput } from '../activities/erp';

const { sendStatusCallback } = proxyActivities<ErpActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

export async function statusCallbackWorkflow(input: StatusCallbackInput): Promise<'delivered' | 'failed'> {
  try {
    await sendStatusCallback(input);
    return 'delivered';
  } catch (error) {
    // Recorded in callback_deliveries; nothing more a retry policy can do.
    log.warn('ERP status callback not delivered', { deliveryId: input.deliveryId, error: String(error) });
    return 'failed';
  }
}

// Under Worker Versioning it follows the current build (the worker's default; see
// workflows/shared/versioning.ts): one activity call, and a callback retrying for an hour
// should not keep an old build alive.
