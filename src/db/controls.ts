import { and, eq, gt, inArray, isNotNull, isNull, notInArray, or, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { type AgentControls, applyChange, type ControlsChange, effectiveControls, NO_CONTROLS } from '../contracts/controls';
import { TERMINAL_ISSUE_STATUSES } from '../contracts/issue';
import type { Database } from './client';
import { decodedJson } from './json-rows';
import { agentControls, agentInvocations, issues } from './schema';

type ControlsRow = typeof agentControls.$inferSelect;

export interface StoredControls extends AgentControls {
  changedBy: string | null;
  changedAt: string | null;
}

/** What holds an organization's issues: the installation's record, its own, and the two together. */
export interface ControlsState {
  installation: StoredControls;
  organization: StoredControls;
  effective: AgentControls;
}

const stored = (row: ControlsRow | undefined): StoredControls =>
  row
    ? { paused: row.paused, disabledStages: row.disabledStages, reason: row.reason, changedBy: row.changedBy, changedAt: row.changedAt }
    : { ...NO_CONTROLS, changedBy: null, changedAt: null };

const plain = ({ paused, disabledStages, reason }: AgentControls): AgentControls => ({ paused, disabledStages, reason });

/**
 * The installation's and the organization's rows as one JSON value, for statements that read
 * the controls along with other things (the submission snapshot); `effectiveFromRows` reads it.
 */
export function controlsRowsOf(organizationId: string | Placeholder): SQL<unknown> {
  return sql`(select coalesce(json_agg(json_build_object('organizationId', c.organization_id, 'paused', c.paused, 'disabledStages', c.disabled_stages, 'reason', c.reason)), '[]'::json)
    from ${agentControls} c where c.organization_id is null or c.organization_id = ${organizationId})`;
}

export function effectiveFromRows(organizationId: string, value: unknown): AgentControls {
  const rows = (decodedJson(value) as Array<AgentControls & { organizationId: string | null }> | null) ?? [];
  const of = (scope: string | null) => {
    const row = rows.find((candidate) => candidate.organizationId === scope);
    return row ? plain(row) : NO_CONTROLS;
  };
  return effectiveControls(of(null), of(organizationId));
}

/** The controls that apply to `organizationId` (one statement: both rows). */
export async function readControls(db: Database, organizationId: string): Promise<ControlsState> {
  const rows = await db
    .select()
    .from(agentControls)
    .where(or(isNull(agentControls.organizationId), eq(agentControls.organizationId, organizationId)));
  const installation = stored(rows.find((row) => row.organizationId === null));
  const organization = stored(rows.find((row) => row.organizationId === organizationId));
  return { installation, organization, effective: effectiveControls(plain(installation), plain(organization)) };
}

/** The installation's record alone (the admin CLI and /health). */
export async function readInstallationControls(db: Database): Promise<StoredControls> {
  const [row] = await db.select().from(agentControls).where(isNull(agentControls.organizationId));
  return stored(row);
}

/**
 * Pauses or resumes (src/contracts/controls.ts `applyChange`) the installation's controls
 * (`organizationId` null) or one organization's. Changes of the same scope are serialized (the
 * row is locked), so two operators never lose each other's stage flags.
 */
export async function changeControls(
  db: Database,
  organizationId: string | null,
  action: 'pause' | 'resume',
  change: ControlsChange,
  changedBy: string,
): Promise<StoredControls> {
  return db.transaction(async (tx) => {
    await tx.insert(agentControls).values({ organizationId, changedBy }).onConflictDoNothing();
    const scope = organizationId === null ? isNull(agentControls.organizationId) : eq(agentControls.organizationId, organizationId);
    const [current] = await tx.select().from(agentControls).where(scope).for('update');
    const next = applyChange(stored(current), action, change);
    const [updated] = await tx
      .update(agentControls)
      .set({ ...next, changedBy, changedAt: sql`now()` })
      .where(scope)
      .returning();
    return stored(updated);
  });
}

/**
 * The workflows of issues not yet ended, of one organization or all (`null`), optionally only
 * those submitted after `since`: whom a change of controls is sent to.
 */
/** Skill runs not yet finished (pending or running) of one organization or all, by workflow id. */
export async function liveSkillRunWorkflows(db: Database, organizationId: string | null, since?: string): Promise<Array<{ organizationId: string; workflowId: string }>> {
  return db
    .select({ organizationId: agentInvocations.organizationId, workflowId: agentInvocations.workflowId })
    .from(agentInvocations)
    .where(
      and(
        inArray(agentInvocations.status, ['pending', 'running']),
        ...(organizationId === null ? [] : [eq(agentInvocations.organizationId, organizationId)]),
        ...(since ? [gt(agentInvocations.createdAt, since)] : []),
      ),
    );
}

export async function liveIssueWorkflows(db: Database, organizationId: string | null, since?: string): Promise<Array<{ organizationId: string; workflowId: string }>> {
  return db
    .select({ organizationId: issues.organizationId, workflowId: issues.workflowId })
    .from(issues)
    .where(
      and(
        notInArray(issues.status, [...TERMINAL_ISSUE_STATUSES]),
        isNotNull(issues.workflowId),
        ...(organizationId === null ? [] : [eq(issues.organizationId, organizationId)]),
        ...(since ? [gt(issues.createdAt, since)] : []),
      ),
    );
}
