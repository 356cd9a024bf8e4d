/**
 * Versioning behavior for workflows that must follow the current build (src/temporal/
 * deployments.ts). Given as a getter: the SDK refuses any behavior on an unversioned worker,
 * and the getter runs once per run, at its first workflow task, where `currentDeploymentVersion`
 * names a deployment only if the worker (or, on replay, the one that completed that task) was
 * versioned. A
 * run begun unversioned and continued by a versioned worker takes the worker's default
 * (PINNED) until its next continue-as-new.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow.
 */
import type { WorkflowDefinitionOptions } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

export function autoUpgradeWhenVersioned(): WorkflowDefinitionOptions {
  // An unversioned worker reports its build id here too, but no deployment name.
  return workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'AUTO_UPGRADE' } : {};
}
