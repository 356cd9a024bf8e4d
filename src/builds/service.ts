import { randomUUID } from 'node:crypto';
import { BUILDER_NAMES, type BuildDecisionRequest, type StartErpBuild, type StartFeatureBuild, type StartSkillBuild } from '../contracts/builds';
import type { Database } from '../db/client';
import { proposalChecksum } from './proposal';
import { buildModelCost, getSkillBuild, insertSkillBuild, type NewSkillBuild, type SkillBuildRecord } from '../db/skill-builds';
import { getOrganization } from '../db/organizations';
import { getPersona, getSkill } from '../db/skills';
import { settingsOf } from '../contracts/policy';
import { AppError } from '../errors';
import type { SkillService } from '../skills/service';
import type { WorkflowRuns } from '../temporal/runs';
import { toIso } from '../time';
import {
  ERP_BUILD_WORKFLOW_TYPE,
  type ErpBuildRequest,
  searchAttributes,
  SKILL_BUILD_WORKFLOW_TYPE,
  skillBuildDecisionUpdate,
  type SkillBuildRequest,
  skillBuildStatusQuery,
  skillBuildWorkflowId,
} from '../../workflows/definitions';

const ENDED = new Set(['published', 'created', 'rejected', 'failed']);

/**
 * The builders' service (README "Builder agents"): starts a build, shows it — a skill's draft
 * and its dry runs with the writes they did not send, or the ERP records proposed and created;
 * the decisions — and hands a reviewer's decision to its workflow, which checks the person again.
 */
export function createSkillBuildService(deps: { db: Database; runs: WorkflowRuns; taskQueue: string; skills: Pick<SkillService, 'getInvocation'> }) {
  const { db } = deps;

  async function view(read: SkillBuildRecord) {
    let row = read;
    const live = ENDED.has(row.status) ? undefined : await deps.runs.query(row.workflowId, skillBuildStatusQuery);
    // The workflow writes the row before its live status moves (build-rounds `record`). A live
    // status ahead of the row read means the row moved since: read it again, so a build shown
    // as awaiting approval carries the dry runs recorded with that status.
    if (live && (live.status !== row.status || live.round !== row.round)) row = (await getSkillBuild(db, row.organizationId, row.id)) ?? row;
    const [dryRuns, modelCost] = await Promise.all([
      Promise.all(
        row.dryRuns.map(async (run) => {
          const invocation = await deps.skills.getInvocation(row.organizationId, run.invocationId).catch(() => undefined);
          return { ...run, costUsd: invocation?.costUsd ?? 0, wouldWrite: invocation?.wouldWrite ?? [], requests: invocation?.requests ?? [] };
        }),
      ),
      buildModelCost(db, row.organizationId, row.id),
    ]);
    const draft = row.draft;
    const proposal = row.proposal;
    const proposalSum = proposal ? proposalChecksum(proposal.records) : null;
    const erp = row.kind === 'form' || row.kind === 'workflow';
    return {
      id: row.id,
      workflowId: row.workflowId,
      kind: row.kind,
      builder: BUILDER_NAMES[row.kind],
      mode: row.mode,
      status: live?.status ?? row.status,
      round: live?.round ?? row.round,
      /** What an approval approves now (the draft's or the proposal's checksum): the decision's `checksum` guard. */
      checksum: live?.checksum ?? (erp ? proposalSum : (draft?.compiled.checksum ?? null)),
      /** The build's own model calls and its dry runs, in USD (the organization's spend cap bounds both). */
      costUsd: Math.round((modelCost + dryRuns.reduce((sum, run) => sum + run.costUsd, 0)) * 1e6) / 1e6,
      skill: row.skillSlug,
      description: row.description,
      examples: row.examples,
      persona: row.personaSlug,
      requestedBy: row.requestedBy,
      draft: draft
        ? { version: draft.version, bump: draft.bump, reasons: draft.reasons, changelog: draft.changelog, rationale: draft.rationale, citedFeedback: draft.citedFeedback, source: draft.source }
        : null,
      dryRuns,
      // ERP builds: the exact payloads the reviewer approves, in the order they are created.
      proposal: proposal
        ? {
            round: proposal.round,
            summary: proposal.summary,
            rationale: proposal.rationale,
            records: proposal.records.map(({ collection, payload }) => ({ collection, payload })),
            checksum: proposalSum as string,
          }
        : null,
      created: row.created,
      decisions: row.decisions,
      publishedVersion: row.publishedVersion,
      error: row.error,
      createdAt: toIso(row.createdAt),
      updatedAt: toIso(row.updatedAt),
    };
  }

  /** The build's row, then its workflow (the row is what the workflow reads); the view of it. */
  async function launch(
    build: Omit<NewSkillBuild, 'id' | 'workflowId' | 'createdByKeyId' | 'requestedBy'> & { requestedBy: { person: string; keyId?: string } },
    workflow: (buildId: string) => { workflowType: string; args: unknown[] },
    summary: string,
  ) {
    const { requestedBy, ...fields } = build;
    const id = randomUUID();
    const workflowId = skillBuildWorkflowId(build.organizationId, id);
    await insertSkillBuild(db, { ...fields, id, workflowId, requestedBy: requestedBy.person, createdByKeyId: requestedBy.keyId ?? null });
    await deps.runs.start({
      ...workflow(id),
      taskQueue: deps.taskQueue,
      workflowId,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      searchAttributes: [{ key: searchAttributes.organizationId, value: build.organizationId }],
      staticSummary: summary,
    });
    return view(await requireBuild(build.organizationId, id));
  }

  async function requireBuild(organizationId: string, id: string): Promise<SkillBuildRecord> {
    const row = /^[0-9a-f-]{36}$/.test(id) ? await getSkillBuild(db, organizationId, id) : undefined;
    if (!row) throw new AppError('NOT_FOUND', `Build ${id} not found`);
    return row;
  }

  return {
    /** A Skill Builder build (create or refine), or, with `feature`, a Feature Builder build. */
    async start(organizationId: string, body: StartSkillBuild | (StartFeatureBuild & { mode: 'extend' }), requestedBy: { person: string; keyId?: string }) {
      if (body.mode !== 'create' && !(await getSkill(db, organizationId, body.skill as string))) {
        throw new AppError('NOT_FOUND', `skill ${body.skill} is not published for this organization`, { details: [{ path: 'skill', message: 'no such skill' }] });
      }
      const persona = await getPersona(db, organizationId, body.persona);
      if (!persona || !persona.enabled) {
        throw new AppError('VALIDATION_FAILED', `persona ${body.persona} ${persona ? 'is disabled' : 'does not exist'}: the dry runs run as it`, { details: [{ path: 'persona', message: persona ? 'disabled' : 'no such persona' }] });
      }
      const kind = body.mode === 'extend' ? 'feature' : 'skill';
      return launch(
        { organizationId, kind, mode: body.mode, skillSlug: body.skill ?? null, description: body.description, examples: body.examples, personaSlug: body.persona, requestedBy },
        (buildId) => ({ workflowType: SKILL_BUILD_WORKFLOW_TYPE, args: [{ buildId, organizationId, mode: body.mode, persona: body.persona, examples: body.examples } satisfies SkillBuildRequest] }),
        `${BUILDER_NAMES[kind]} (${body.mode}${body.skill ? ` ${body.skill}` : ''}), asked by ${requestedBy.person}`,
      );
    },

    /** A Form Generator (`form`) or Workflow Designer (`workflow`) build: it needs the organization's ERP. */
    async startErp(organizationId: string, kind: 'form' | 'workflow', body: StartErpBuild, requestedBy: { person: string; keyId?: string }) {
      const organization = await getOrganization(db, organizationId);
      if (!settingsOf(organization?.settings).erp.apiUrl) {
        throw new AppError('VALIDATION_FAILED', `the ${BUILDER_NAMES[kind]} works through the ERP's API: set settings.erp.apiUrl (and serviceKey) first`, { details: [{ path: 'settings.erp.apiUrl', message: 'not set' }] });
      }
      return launch(
        { organizationId, kind, mode: 'create', skillSlug: null, description: body.description, examples: [], personaSlug: null, requestedBy },
        (buildId) => ({ workflowType: ERP_BUILD_WORKFLOW_TYPE, args: [{ buildId, organizationId, kind } satisfies ErpBuildRequest] }),
        `${BUILDER_NAMES[kind]}, asked by ${requestedBy.person}`,
      );
    },

    async get(organizationId: string, id: string) {
      return view(await requireBuild(organizationId, id));
    },

    /** The reviewer's decision on the current draft; the workflow checks the person's role again. */
    async decide(organizationId: string, id: string, decision: BuildDecisionRequest & { reviewer: string }) {
      const row = await requireBuild(organizationId, id);
      const { decision: choice, reviewer, comment, round, checksum } = decision;
      await deps.runs.update(
        row.workflowId,
        skillBuildDecisionUpdate,
        { decision: choice, reviewer, ...(comment ? { comment } : {}), ...(round !== undefined ? { round } : {}), ...(checksum ? { checksum } : {}) },
        'the build has already ended',
      );
      return view(await requireBuild(organizationId, id));
    },
  };
}

export type SkillBuildService = ReturnType<typeof createSkillBuildService>;
