import type { ControlsChange } from '../contracts/controls';
import type { Database } from '../db/client';
import { changeControls, type ControlsState, readControls, readInstallationControls, type StoredControls } from '../db/controls';
import type { WorkflowRuns } from '../temporal/runs';
import { AGENT_CONTROLS_BROADCAST_WORKFLOW_TYPE, agentControlsBroadcastWorkflowId, searchAttributes } from '../../workflows/definitions';

/**
 * The kill switch and stage flags (src/contracts/controls.ts): stored in Postgres, which new
 * issues read when they start, and sent to running issues by a durable broadcast workflow
 * (workflows/controls.ts). An organization's admins change its own controls (API, CLI); the
 * installation's are the operator's (admin CLI only).
 */
export function createControlsService(deps: { db: Database; runs: WorkflowRuns; taskQueue: string }) {
  /** Starts the broadcast of `organizationId`'s controls (null: the installation's), replacing one still running. */
  async function broadcast(organizationId: string | null): Promise<string> {
    const workflowId = agentControlsBroadcastWorkflowId(organizationId);
    await deps.runs.start({
      workflowType: AGENT_CONTROLS_BROADCAST_WORKFLOW_TYPE,
      workflowId,
      taskQueue: deps.taskQueue,
      args: [{ organizationId }],
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      searchAttributes: organizationId ? [{ key: searchAttributes.organizationId, value: organizationId }] : [],
      staticSummary: `agent controls changed: ${organizationId ?? 'whole installation'}`,
    });
    return workflowId;
  }

  return {
    state(organizationId: string): Promise<ControlsState> {
      return readControls(deps.db, organizationId);
    },
    installation(): Promise<StoredControls> {
      return readInstallationControls(deps.db);
    },
    /**
     * Stores the change, then starts its broadcast. Temporal down: the change is stored (new
     * issues obey it) and the error says so; repeating the same change sends it (idempotent).
     */
    async change(organizationId: string | null, action: 'pause' | 'resume', change: ControlsChange, changedBy: string): Promise<{ controls: StoredControls; broadcast: string }> {
      const controls = await changeControls(deps.db, organizationId, action, change, changedBy);
      return { controls, broadcast: await broadcast(organizationId) };
    },
  };
}

export type ControlsService = ReturnType<typeof createControlsService>;
