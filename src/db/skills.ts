import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { CreatePersona, Rollout, UpdatePersona } from '../contracts/skills';
import type { SkillRunRequest } from '../../workflows/definitions';
import { AppError } from '../errors';
import type { CompiledSkill } from '../skills/compiler';
import { compareSemver, currentVersionOf, parseSemver } from '../skills/rollout';
import { type Page, pageOf } from '../contracts/pages';
import type { Database } from './client';
import { newestFirstAfter } from './keyset';
import { slidingWindows } from './windows';
import { agentInvocations, invocationRequests, personas, skillEvents, skillSchedules, skills, skillVersions } from './schema';

/** Personas, skills and their versions, invocations, events and schedule records. Every query is org-scoped. */

export type PersonaRecord = typeof personas.$inferSelect;
export type SkillRecord = typeof skills.$inferSelect;
export type SkillVersionRecord = typeof skillVersions.$inferSelect;
export type InvocationRecord = typeof agentInvocations.$inferSelect;
export type InvocationRequestRecord = typeof invocationRequests.$inferSelect;
export type ScheduleRecord = typeof skillSchedules.$inferSelect;

const isUniqueViolation = (error: unknown) => (error as { code?: string; cause?: { code?: string } })?.code === '23505' || (error as { cause?: { code?: string } })?.cause?.code === '23505';

// ---------------------------------------------------------------- personas

export async function createPersona(db: Database, organizationId: string, persona: CreatePersona): Promise<PersonaRecord> {
  try {
    const [row] = await db
      .insert(personas)
      .values({ organizationId, ...persona, enabled: persona.enabled ? 1 : 0 })
      .returning();
    return row as PersonaRecord;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('CONFLICT', `Persona ${persona.slug} already exists`);
    throw error;
  }
}

export async function updatePersona(db: Database, organizationId: string, slug: string, update: UpdatePersona): Promise<PersonaRecord | undefined> {
  const { enabled, ...rest } = update;
  const [row] = await db
    .update(personas)
    .set({ ...rest, ...(enabled !== undefined ? { enabled: enabled ? 1 : 0 } : {}), updatedAt: sql`now()` })
    .where(and(eq(personas.organizationId, organizationId), eq(personas.slug, slug)))
    .returning();
  return row;
}

export async function getPersona(db: Database, organizationId: string, slug: string): Promise<PersonaRecord | undefined> {
  const [row] = await db.select().from(personas).where(and(eq(personas.organizationId, organizationId), eq(personas.slug, slug)));
  return row;
}

export async function listPersonas(db: Database, organizationId: string): Promise<PersonaRecord[]> {
  return db.select().from(personas).where(eq(personas.organizationId, organizationId)).orderBy(asc(personas.slug));
}

export async function deletePersona(db: Database, organizationId: string, slug: string): Promise<boolean> {
  const rows = await db
    .delete(personas)
    .where(and(eq(personas.organizationId, organizationId), eq(personas.slug, slug)))
    .returning({ id: personas.id });
  return rows.length > 0;
}

// ---------------------------------------------------------------- skills and versions

const eventsOf = (compiled: CompiledSkill) => compiled.triggers.flatMap((trigger) => ('event' in trigger ? [trigger.event] : []));

export interface PublishedVersion {
  created: boolean;
  skill: SkillRecord;
  version: SkillVersionRecord;
}

/**
 * Records a published version. Publishing the same version with the same content again is a
 * no-op (`created: false`); the same version with other content is a conflict — versions are
 * immutable, publish a new one. A new skill starts enabled, following `latest`.
 */
export async function publishSkillVersion(
  db: Database,
  organizationId: string,
  compiled: CompiledSkill,
  source: string,
  changelog: string,
): Promise<PublishedVersion> {
  return db.transaction(async (tx) => {
    await tx
      .insert(skills)
      .values({ organizationId, slug: compiled.id, rollout: { mode: 'latest' }, events: eventsOf(compiled) })
      .onConflictDoNothing({ target: [skills.organizationId, skills.slug] });
    // Lock the skill row: concurrent publishes of one skill take turns.
    const [skill] = await tx
      .select()
      .from(skills)
      .where(and(eq(skills.organizationId, organizationId), eq(skills.slug, compiled.id)))
      .for('update');
    if (!skill) throw new Error('skill upsert returned no row');
    const [existing] = await tx
      .select()
      .from(skillVersions)
      .where(and(eq(skillVersions.skillId, skill.id), eq(skillVersions.version, compiled.version)));
    if (existing) {
      if (existing.checksum !== compiled.checksum) {
        throw new AppError('CONFLICT', `${compiled.id}@${compiled.version} is already published with other content; publish a new version`, {
          details: [{ path: 'source', message: `differs from the published ${compiled.version} (checksums)`, expected: existing.checksum, received: compiled.checksum }],
        });
      }
      return { created: false, skill, version: existing };
    }
    const parts = parseSemver(compiled.version);
    const [version] = await tx
      .insert(skillVersions)
      .values({
        organizationId,
        skillId: skill.id,
        slug: compiled.id,
        version: compiled.version,
        major: parts.major,
        minor: parts.minor,
        patch: parts.patch,
        checksum: compiled.checksum,
        changelog,
        source,
        compiled,
      })
      .returning();
    // The event subscriptions follow the version `latest` would run (the highest active
    // release), or the highest version when none is active yet.
    const all = await tx.select({ version: skillVersions.version, compiled: skillVersions.compiled }).from(skillVersions).where(eq(skillVersions.skillId, skill.id));
    const leadingCompiled = currentVersionOf(all.sort((a, b) => compareSemver(a.version, b.version)))?.compiled ?? compiled;
    const [updated] = await tx
      .update(skills)
      .set({ events: eventsOf(leadingCompiled), updatedAt: sql`now()` })
      .where(eq(skills.id, skill.id))
      .returning();
    return { created: true, skill: updated ?? skill, version: version as SkillVersionRecord };
  });
}

export async function getSkill(db: Database, organizationId: string, slug: string): Promise<SkillRecord | undefined> {
  const [row] = await db.select().from(skills).where(and(eq(skills.organizationId, organizationId), eq(skills.slug, slug)));
  return row;
}

export async function listSkills(db: Database, organizationId: string): Promise<SkillRecord[]> {
  return db.select().from(skills).where(eq(skills.organizationId, organizationId)).orderBy(asc(skills.slug));
}

/** Published versions of a skill, oldest first (semver order). */
export async function listSkillVersions(db: Database, organizationId: string, slug: string): Promise<SkillVersionRecord[]> {
  return db
    .select()
    .from(skillVersions)
    .where(and(eq(skillVersions.organizationId, organizationId), eq(skillVersions.slug, slug)))
    .orderBy(asc(skillVersions.major), asc(skillVersions.minor), asc(skillVersions.patch), asc(skillVersions.publishedAt));
}

export async function getSkillVersion(db: Database, organizationId: string, slug: string, version: string): Promise<SkillVersionRecord | undefined> {
  const [row] = await db
    .select()
    .from(skillVersions)
    .where(and(eq(skillVersions.organizationId, organizationId), eq(skillVersions.slug, slug), eq(skillVersions.version, version)));
  return row;
}

export async function updateSkill(
  db: Database,
  organizationId: string,
  slug: string,
  update: { enabled?: boolean; rollout?: Rollout },
): Promise<SkillRecord | undefined> {
  const [row] = await db
    .update(skills)
    .set({
      ...(update.enabled !== undefined ? { enabled: update.enabled ? 1 : 0 } : {}),
      ...(update.rollout ? { rollout: update.rollout } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(skills.organizationId, organizationId), eq(skills.slug, slug)))
    .returning();
  return row;
}

/** Enabled skills subscribed to an event. */
export async function skillsForEvent(db: Database, organizationId: string, event: string): Promise<SkillRecord[]> {
  return db
    .select()
    .from(skills)
    .where(and(eq(skills.organizationId, organizationId), eq(skills.enabled, 1), sql`${event} = any(${skills.events})`))
    .orderBy(asc(skills.slug));
}

// ---------------------------------------------------------------- invocations

export type NewInvocation = Pick<
  typeof agentInvocations.$inferInsert,
  'id' | 'organizationId' | 'workflowId' | 'skillSlug' | 'personaSlug' | 'triggeredBy' | 'eventId' | 'entityType' | 'entityId' | 'createdByKeyId' | 'dryRun' | 'input'
> & { skillVersion?: string | null; budgetUsd?: number };

/** The invocation row of a run request (what the API writes, or the workflow when a schedule started it). */
export function invocationRowOf(request: SkillRunRequest & { invocationId: string }, workflowId: string): NewInvocation {
  return {
    id: request.invocationId,
    organizationId: request.organizationId,
    workflowId,
    skillSlug: request.skill,
    personaSlug: request.persona,
    triggeredBy: request.triggeredBy,
    eventId: request.eventId ?? null,
    entityType: request.entityType ?? null,
    entityId: request.entityId ?? null,
    createdByKeyId: request.createdByKeyId ?? null,
    dryRun: request.dryRun === true,
    input: request.input,
  };
}

/**
 * The row the API writes before starting the workflow (pending). Returns false when the row
 * was there already (a repeated request); a row that failed before it ever started (its
 * workflow could not be started) is reopened as pending, so a retry can start it.
 */
export async function createInvocation(db: Database, invocation: NewInvocation): Promise<boolean> {
  const rows = await db
    .insert(agentInvocations)
    .values({ ...invocation, status: 'pending', budgetUsd: invocation.budgetUsd?.toFixed(6) ?? null })
    .onConflictDoUpdate({
      target: agentInvocations.id,
      set: { status: 'pending', error: null, completedAt: null },
      setWhere: sql`${agentInvocations.status} = 'failed' and ${agentInvocations.startedAt} is null`,
    })
    .returning({ inserted: sql<boolean>`xmax = 0` });
  return rows[0]?.inserted === true;
}

/** A row that has not ended can be started (a failed start that in fact went through included). */
const startable = sql`(${agentInvocations.status} in ('pending', 'running') or (${agentInvocations.status} = 'failed' and ${agentInvocations.startedAt} is null))`;

/**
 * The workflow's first write: running, with the resolved version and the frozen context.
 * Scheduled runs have no pending row (Temporal started them), so this inserts as well.
 * Returns false when the invocation has already ended: the run must not go again.
 */
export async function startInvocation(
  db: Database,
  invocation: NewInvocation & { skillVersion: string; budgetUsd: number; context: Record<string, unknown> },
): Promise<boolean> {
  const values = { ...invocation, status: 'running' as const, budgetUsd: invocation.budgetUsd.toFixed(6), startedAt: sql`now()` };
  const rows = await db
    .insert(agentInvocations)
    .values(values)
    .onConflictDoUpdate({
      target: agentInvocations.id,
      set: {
        status: 'running',
        error: null,
        completedAt: null,
        skillVersion: invocation.skillVersion,
        budgetUsd: values.budgetUsd,
        context: invocation.context,
        startedAt: sql`coalesce(${agentInvocations.startedAt}, now())`,
      },
      setWhere: startable,
    })
    .returning({ id: agentInvocations.id });
  return rows.length > 0;
}

export async function finishInvocation(
  db: Database,
  ref: { organizationId: string; id: string },
  result: { status: 'completed' | 'failed'; output?: Record<string, unknown> | null; error?: string | null; costUsd: number; skillVersion?: string | null },
): Promise<void> {
  await db
    .update(agentInvocations)
    .set({
      status: result.status,
      output: result.output ?? null,
      error: result.error ?? null,
      costUsd: result.costUsd.toFixed(6),
      ...(result.skillVersion ? { skillVersion: result.skillVersion } : {}),
      completedAt: sql`coalesce(${agentInvocations.completedAt}, now())`,
    })
    // An ended invocation keeps its outcome.
    .where(and(eq(agentInvocations.organizationId, ref.organizationId), eq(agentInvocations.id, ref.id), startable));
}

/** A failure before the workflow exists (e.g. it could not be started): recorded on the row. */
export async function failPendingInvocation(db: Database, ref: { organizationId: string; id: string }, error: string): Promise<void> {
  await db
    .update(agentInvocations)
    .set({ status: 'failed', error, completedAt: sql`now()` })
    .where(and(eq(agentInvocations.organizationId, ref.organizationId), eq(agentInvocations.id, ref.id), eq(agentInvocations.status, 'pending')));
}

export async function getInvocation(db: Database, organizationId: string, id: string): Promise<InvocationRecord | undefined> {
  const [row] = await db.select().from(agentInvocations).where(and(eq(agentInvocations.organizationId, organizationId), eq(agentInvocations.id, id)));
  return row;
}

export async function listInvocations(
  db: Database,
  organizationId: string,
  filter: { skill?: string; status?: InvocationRecord['status']; limit: number; cursor?: string | undefined },
): Promise<Page<InvocationRecord>> {
  const after = newestFirstAfter(agentInvocations.createdAt, agentInvocations.id, filter.cursor, 'uuid');
  const rows = await db
    .select()
    .from(agentInvocations)
    .where(
      and(
        eq(agentInvocations.organizationId, organizationId),
        ...(filter.skill ? [eq(agentInvocations.skillSlug, filter.skill)] : []),
        ...(filter.status ? [eq(agentInvocations.status, filter.status)] : []),
        ...(after ? [after] : []),
      ),
    )
    .orderBy(desc(agentInvocations.createdAt), desc(agentInvocations.id))
    .limit(filter.limit + 1);
  return pageOf(rows, filter.limit, (row) => [row.createdAt, row.id]);
}

// ---------------------------------------------------------------- requests to people

export async function createInvocationRequest(
  db: Database,
  request: { organizationId: string; invocationId: string; toolUseId: string; kind: 'question' | 'review'; prompt: string },
): Promise<void> {
  await db.insert(invocationRequests).values(request).onConflictDoNothing();
}

export async function resolveInvocationRequest(
  db: Database,
  ref: { organizationId: string; invocationId: string; toolUseId: string },
  result: { status: 'answered' | 'approved' | 'rejected' | 'expired'; response?: string | null; respondedBy?: string | null },
): Promise<void> {
  await db
    .update(invocationRequests)
    .set({ status: result.status, response: result.response ?? null, respondedBy: result.respondedBy ?? null, respondedAt: sql`now()` })
    .where(
      and(
        eq(invocationRequests.organizationId, ref.organizationId),
        eq(invocationRequests.invocationId, ref.invocationId),
        eq(invocationRequests.toolUseId, ref.toolUseId),
        eq(invocationRequests.status, 'pending'),
      ),
    );
}

export async function listInvocationRequests(db: Database, organizationId: string, invocationId: string): Promise<InvocationRequestRecord[]> {
  return db
    .select()
    .from(invocationRequests)
    .where(and(eq(invocationRequests.organizationId, organizationId), eq(invocationRequests.invocationId, invocationId)))
    .orderBy(asc(invocationRequests.createdAt));
}

// ---------------------------------------------------------------- events

/** True for the first delivery of an event id; false for every repeat. */
export async function claimSkillEvent(db: Database, event: { organizationId: string; eventId: string; type: string }): Promise<boolean> {
  const rows = await db.insert(skillEvents).values(event).onConflictDoNothing().returning({ id: skillEvents.id });
  return rows.length > 0;
}

export async function recordSkillEventOutcome(db: Database, ref: { organizationId: string; eventId: string }, outcome: Record<string, unknown>): Promise<void> {
  await db
    .update(skillEvents)
    .set({ outcome })
    .where(and(eq(skillEvents.organizationId, ref.organizationId), eq(skillEvents.eventId, ref.eventId)));
}

export async function getSkillEvent(db: Database, organizationId: string, eventId: string) {
  const [row] = await db.select().from(skillEvents).where(and(eq(skillEvents.organizationId, organizationId), eq(skillEvents.eventId, eventId)));
  return row;
}

/** A fan-out that failed half way is released so the sender's retry runs it again. */
export async function releaseSkillEvent(db: Database, ref: { organizationId: string; eventId: string }): Promise<void> {
  await db.delete(skillEvents).where(and(eq(skillEvents.organizationId, ref.organizationId), eq(skillEvents.eventId, ref.eventId)));
}

// ---------------------------------------------------------------- schedules

export async function insertSchedule(
  db: Database,
  schedule: { organizationId: string; skillSlug: string; name: string; scheduleId: string; config: Record<string, unknown> },
): Promise<ScheduleRecord> {
  try {
    const [row] = await db.insert(skillSchedules).values(schedule).returning();
    return row as ScheduleRecord;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('CONFLICT', `A schedule named ${schedule.name} already exists for skill ${schedule.skillSlug}`);
    throw error;
  }
}

export async function getSchedule(db: Database, organizationId: string, id: string): Promise<ScheduleRecord | undefined> {
  const [row] = await db.select().from(skillSchedules).where(and(eq(skillSchedules.organizationId, organizationId), eq(skillSchedules.id, id)));
  return row;
}

export async function listSchedules(db: Database, organizationId: string): Promise<ScheduleRecord[]> {
  return db.select().from(skillSchedules).where(eq(skillSchedules.organizationId, organizationId)).orderBy(asc(skillSchedules.createdAt));
}

export async function deleteSchedule(db: Database, organizationId: string, id: string): Promise<void> {
  await db.delete(skillSchedules).where(and(eq(skillSchedules.organizationId, organizationId), eq(skillSchedules.id, id)));
}

export async function updateScheduleConfig(db: Database, organizationId: string, id: string, config: Record<string, unknown>): Promise<ScheduleRecord | undefined> {
  const [row] = await db
    .update(skillSchedules)
    .set({ config, updatedAt: sql`now()` })
    .where(and(eq(skillSchedules.organizationId, organizationId), eq(skillSchedules.id, id)))
    .returning();
  return row;
}

/**
 * Recovery sweep: invocations not ended `seconds` after they were created, least recently
 * checked first (so runs waiting days for a person do not hide the others). All
 * organizations, or one.
 */
export async function listUnfinishedInvocationsOlderThan(db: Database, seconds: number, limit: number, organizationId?: string): Promise<InvocationRecord[]> {
  return db
    .select()
    .from(agentInvocations)
    .where(
      and(
        sql`${agentInvocations.status} in ('pending', 'running')`,
        sql`${agentInvocations.createdAt} < now() - make_interval(secs => ${seconds})`,
        ...(organizationId ? [eq(agentInvocations.organizationId, organizationId)] : []),
      ),
    )
    .orderBy(sql`${agentInvocations.checkedAt} asc nulls first`, asc(agentInvocations.createdAt))
    .limit(limit);
}

export async function markInvocationChecked(db: Database, id: string): Promise<void> {
  await db.update(agentInvocations).set({ checkedAt: sql`now()` }).where(eq(agentInvocations.id, id));
}

/** Skill runs of one organization created in the sliding last hour and day. */
export function invocationWindows(db: Database, organizationId: string) {
  return slidingWindows(db, { table: agentInvocations, organizationId: agentInvocations.organizationId, createdAt: agentInvocations.createdAt }, organizationId);
}
