/**
 * Which workflows stay on the build they started on under Worker Versioning
 * (src/temporal/deployments.ts).
 *
 * A versioned worker's default is AUTO_UPGRADE (src/temporal/worker.ts): a run follows the
 * deployment's current build, so its workflow code changes keep using `patched()`. The
 * concurrency limiter (never ends), the status callback and the notification delivery
 * (activities that retry for an hour) take that default: pinned, they would keep an old
 * build alive.
 *
 * Issue and skill runs are PINNED, declared here. Why the declaration sits on the pinned
 * workflows and not on the auto-upgrading ones: the SDK evaluates it once per run at the
 * run's first activation, where `currentDeploymentVersion` is the worker that completed the
 * first task (from history on a replay), and the server refuses any behavior sent by an
 * unversioned worker, failing that task for ever. A pinned run only ever goes to its own
 * build's workers, so "pinned when it began on a versioned worker" is always sent by a
 * versioned one. A run that moves between versioned and unversioned workers (the limiter
 * after a rollback to unversioned workers; anything begun before versioning was switched on)
 * declares nothing and is never refused. Such a run begun unversioned follows the current
 * build until it ends or continues as new.
 *
 * tests/workflows/versioning.test.ts keeps every registered workflow in one list or the other.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow.
 */
import type { WorkflowDefinitionOptions } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

export function pinnedWhenVersioned(): WorkflowDefinitionOptions {
  // An unversioned worker reports its build id here too, but no deployment name.
  return workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'PINNED' } : {};
}

/** The workflow types that follow the current build (they declare nothing). */
export const AUTO_UPGRADING_WORKFLOWS = ['concurrencyLimiterWorkflow', 'statusCallbackWorkflow', 'notificationDeliveryWorkflow'] as const;
