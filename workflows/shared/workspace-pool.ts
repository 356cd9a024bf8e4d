/**
 * The workspace pool's names, shared by the workflows, the activities and the workers
 * (README "Worker pools"). DETERMINISTIC ZONE: the workflow bundle imports it, so plain values only.
 */

/** A workspace call's failure type when the workspace is not on the host that got the call (swept, or a new host): open it again. */
export const WORKSPACE_MISSING = 'WORKSPACE_MISSING';

/** Where an installation's workspace activities go; absent from a policy: to the orchestration worker itself. */
export interface WorkspacePoolPolicy {
  /** The default pool's task queue (WORKSPACE_TASK_QUEUE). */
  taskQueue: string;
  /** Capabilities with a pool of their own (WORKSPACE_CAPABILITIES): `{taskQueue}-{capability}`. */
  capabilities: string[];
  /** The organization's own (settings.repository.capabilities): tried before the classification's. */
  preferred?: string[];
  /** Seconds a pool may leave a workspace unopened before the status says it waits for a worker (default 60). */
  poolPickupSeconds?: number;
  /** Seconds a host's own queue may leave a call unclaimed before the host is taken to be gone (default 120). */
  hostPickupSeconds?: number;
}

/** Capability names as queue suffixes: lower-case letters, digits, `.`, `_` and `-`. */
export const CAPABILITY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,39}$/;

/**
 * The task queue an issue's workspace opens on: the pool of the first capability that has one —
 * the organization's first, then the classification's — else the default pool.
 */
export function workspaceQueueFor(pool: WorkspacePoolPolicy, capabilities: readonly string[]): string {
  const known = new Set(pool.capabilities);
  const match = [...(pool.preferred ?? []), ...capabilities].map((capability) => capability.trim().toLowerCase()).find((capability) => known.has(capability));
  return match ? capabilityQueue(pool.taskQueue, match) : pool.taskQueue;
}

export function capabilityQueue(taskQueue: string, capability: string): string {
  return `${taskQueue}-${capability}`;
}
