import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from './client';
import { llmCalls, type ErpBuildCreated, type ErpBuildProposal, type SkillBuildDecision, type SkillBuildDraft, type SkillBuildDryRun, skillBuilds } from './schema';

export type SkillBuildRecord = typeof skillBuilds.$inferSelect;
export type NewSkillBuild = Pick<typeof skillBuilds.$inferInsert, 'id' | 'organizationId' | 'workflowId' | 'kind' | 'mode' | 'skillSlug' | 'description' | 'examples' | 'personaSlug' | 'requestedBy' | 'createdByKeyId'>;

/** The API's row before the workflow starts; false when it was there already (a repeated request). */
export async function insertSkillBuild(db: Database, build: NewSkillBuild): Promise<boolean> {
  const rows = await db.insert(skillBuilds).values({ ...build, status: 'drafting' }).onConflictDoNothing().returning({ id: skillBuilds.id });
  return rows.length > 0;
}

export async function getSkillBuild(db: Database, organizationId: string, id: string): Promise<SkillBuildRecord | undefined> {
  const [row] = await db.select().from(skillBuilds).where(and(eq(skillBuilds.organizationId, organizationId), eq(skillBuilds.id, id)));
  return row;
}

/**
 * A change the workflow records; a decision is appended once per round, a created record once
 * per index (a retry repeats neither).
 */
export async function updateSkillBuild(
  db: Database,
  ref: { organizationId: string; id: string },
  change: {
    status?: SkillBuildRecord['status'];
    round?: number;
    skillSlug?: string;
    draft?: SkillBuildDraft;
    proposal?: ErpBuildProposal;
    createdRecord?: ErpBuildCreated;
    dryRuns?: SkillBuildDryRun[];
    decision?: SkillBuildDecision;
    publishedVersion?: string;
    error?: string | null;
  },
  /** Only while the build drafts this round: a late attempt of an earlier turn or round changes nothing. */
  onlyWhileDrafting?: { round: number },
): Promise<void> {
  const { decision, createdRecord, ...fields } = change;
  await db
    .update(skillBuilds)
    .set({
      ...fields,
      ...(decision
        ? {
            decisions: sql`case when exists (select 1 from jsonb_array_elements(${skillBuilds.decisions}) d where (d->>'round')::int = ${decision.round})
              then ${skillBuilds.decisions} else ${skillBuilds.decisions} || ${JSON.stringify([decision])}::jsonb end`,
          }
        : {}),
      ...(createdRecord
        ? {
            created: sql`case when exists (select 1 from jsonb_array_elements(${skillBuilds.created}) c where (c->>'index')::int = ${createdRecord.index})
              then ${skillBuilds.created} else ${skillBuilds.created} || ${JSON.stringify([createdRecord])}::jsonb end`,
          }
        : {}),
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(skillBuilds.organizationId, ref.organizationId),
        eq(skillBuilds.id, ref.id),
        ...(onlyWhileDrafting ? [eq(skillBuilds.status, 'drafting'), eq(skillBuilds.round, onlyWhileDrafting.round)] : []),
      ),
    );
}

/** The builders' prompts: the stages their model calls are recorded under (llm_calls.stage). */
export const BUILDER_STAGES = ['skill-builder', 'form-generator', 'workflow-designer'];

/** What a build's own model calls cost (its dry runs are skill runs, counted there), in USD. */
export async function buildModelCost(db: Database, organizationId: string, buildId: string): Promise<number> {
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${llmCalls.costUsd}), 0)` })
    .from(llmCalls)
    .where(and(eq(llmCalls.organizationId, organizationId), inArray(llmCalls.stage, BUILDER_STAGES), sql`${llmCalls.request}->>'buildId' = ${buildId}`));
  return Number(row?.total ?? 0);
}
