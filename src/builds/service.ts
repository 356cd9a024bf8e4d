import { randomUUID } from 'node:crypto';
import type { StartSkillBuild } from '../contracts/builds';
import type { DecisionRequest } from '../contracts/people';
import type { Database } from '../db/client';
import { getSkillBuild, insertSkillBuild, type SkillBuildRecord } from '../db/skill-builds';
import { getPersona, getSkill } from '../db/skills';
import { AppError } from '../errors';
import type { SkillService } from '../skills/service';
import type { WorkflowRuns } from '../temporal/runs';
import { toIso } from '../time';
import { searchAttributes, SKILL_BUILD_WORKFLOW_TYPE, skillBuildDecisionUpdate, type SkillBuildRequest, skillBuildStatusQuery, skillBuildWorkflowId } from '../../workflows/definitions';

/**
 * The Skill Builder's service (README "Skill Builder"): starts a build, shows it — the draft,
 * its dry runs with the writes they did not send, the decisions — and hands a reviewer's
 * decision to its workflow, which checks the person again.
 */
export function createSkillBuildService(deps: { db: Database; runs: WorkflowRuns; taskQueue: string; skills: Pick<SkillService, 'getInvocation'> }) {
  const { db } = deps;

  async function view(row: SkillBuildRecord) {
    const live = row.status === 'published' || row.status === 'rejected' || row.status === 'failed' ? undefined : await deps.runs.query(row.workflowId, skillBuildStatusQuery);
    const dryRuns = await Promise.all(
      row.dryRuns.map(async (run) => {
        const invocation = await deps.skills.getInvocation(row.organizationId, run.invocationId).catch(() => undefined);
        return { ...run, wouldWrite: invocation?.wouldWrite ?? [], requests: invocation?.requests ?? [] };
      }),
    );
    const draft = row.draft;
    return {
      id: row.id,
      workflowId: row.workflowId,
      kind: 'skill' as const,
      mode: row.mode,
      status: live?.status ?? row.status,
      round: live?.round ?? row.round,
      skill: row.skillSlug,
      description: row.description,
      examples: row.examples,
      persona: row.personaSlug,
      requestedBy: row.requestedBy,
      draft: draft
        ? { version: draft.version, bump: draft.bump, reasons: draft.reasons, changelog: draft.changelog, rationale: draft.rationale, citedFeedback: draft.citedFeedback, source: draft.source }
        : null,
      dryRuns,
      decisions: row.decisions,
      publishedVersion: row.publishedVersion,
      error: row.error,
      createdAt: toIso(row.createdAt),
      updatedAt: toIso(row.updatedAt),
    };
  }

  async function requireBuild(organizationId: string, id: string): Promise<SkillBuildRecord> {
    const row = /^[0-9a-f-]{36}$/.test(id) ? await getSkillBuild(db, organizationId, id) : undefined;
    if (!row) throw new AppError('NOT_FOUND', `Build ${id} not found`);
    return row;
  }

  return {
    async start(organizationId: string, body: StartSkillBuild, requestedBy: { person: string; keyId?: string }) {
      if (body.mode === 'refine' && !(await getSkill(db, organizationId, body.skill as string))) {
        throw new AppError('NOT_FOUND', `skill ${body.skill} is not published for this organization`, { details: [{ path: 'skill', message: 'no such skill' }] });
      }
      const persona = await getPersona(db, organizationId, body.persona);
      if (!persona || !persona.enabled) {
        throw new AppError('VALIDATION_FAILED', `persona ${body.persona} ${persona ? 'is disabled' : 'does not exist'}: the dry runs run as it`, { details: [{ path: 'persona', message: persona ? 'disabled' : 'no such persona' }] });
      }
      const id = randomUUID();
      const workflowId = skillBuildWorkflowId(organizationId, id);
      await insertSkillBuild(db, {
        id,
        organizationId,
        workflowId,
        mode: body.mode,
        skillSlug: body.skill ?? null,
        description: body.description,
        examples: body.examples,
        personaSlug: body.persona,
        requestedBy: requestedBy.person,
        createdByKeyId: requestedBy.keyId ?? null,
      });
      const request: SkillBuildRequest = { buildId: id, organizationId, mode: body.mode, persona: body.persona, examples: body.examples };
      await deps.runs.start({
        workflowType: SKILL_BUILD_WORKFLOW_TYPE,
        taskQueue: deps.taskQueue,
        workflowId,
        args: [request],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        searchAttributes: [{ key: searchAttributes.organizationId, value: organizationId }],
        staticSummary: `Skill Builder (${body.mode}${body.skill ? ` ${body.skill}` : ''}), asked by ${requestedBy.person}`,
      });
      return view(await requireBuild(organizationId, id));
    },

    async get(organizationId: string, id: string) {
      return view(await requireBuild(organizationId, id));
    },

    /** The reviewer's decision on the current draft; the workflow checks the person's role again. */
    async decide(organizationId: string, id: string, decision: DecisionRequest & { reviewer: string }) {
      const row = await requireBuild(organizationId, id);
      await deps.runs.update(row.workflowId, skillBuildDecisionUpdate, { decision: decision.decision, reviewer: decision.reviewer, ...(decision.comment ? { comment: decision.comment } : {}) }, 'the build has already ended');
      return view(await requireBuild(organizationId, id));
    },
  };
}

export type SkillBuildService = ReturnType<typeof createSkillBuildService>;
