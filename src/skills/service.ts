import { randomUUID } from 'node:crypto';
import { uuidFrom } from '../contracts/ids';
import { canonicalJson } from '../canonical-json';
import type { UpdateDefinition } from '@temporalio/common';
import type { WorkflowRuns } from '../temporal/runs';
import type {
  InvocationAnswer,
  InvocationDecision,
  InvokeSkill,
  SkillEvent,
} from '../contracts/skills';
import type { Database } from '../db/client';
import {
  claimSkillEvent,
  createInvocation,
  failPendingInvocation,
  finishInvocation,
  getInvocation,
  getSkillEvent,
  getSkillVersion,
  invocationWindows,
  invocationRowOf,
  type InvocationRecord,
  listInvocationRequests,
  listInvocations,
  listPersonas,
  listUnfinishedInvocationsOlderThan,
  markInvocationChecked,
  listSkillVersions,
  recordSkillEventOutcome,
  releaseSkillEvent,
  skillsForEvent,
} from '../db/skills';
import { requestBudgetProblem, skillRunLimits } from '../contracts/policy';
import { getOrganization, type Organization } from '../db/organizations';
import { assertWithinWindows } from '../rate-limits';
import { assertUnderSpendCaps } from '../spend-caps';
import { AppError, errorMessage } from '../errors';
import { toIso } from '../time';
import {
  searchAttributes,
  SKILL_WORKFLOW_TYPE,
  skillAnswerUpdate,
  skillDecisionUpdate,
  type SkillRunProgress,
  type SkillRunRequest,
  skillStatusQuery,
  skillWorkflowId,
} from '../../workflows/definitions';
import { type CompiledSkill, zodForFields } from './compiler';
import { dryRunWrites } from './tools';
import { listToolCalls } from '../db/agent-transcripts';
import type { IsolatedSkillCompiler } from './isolated-compiler';
import { createSkillCatalog, requireSkillOf } from './catalog';
import { createPersonaService, requirePersonaOf } from './personas';
import { candidatesOf, chooseVersion } from './rollout';

/**
 * Skills as an organization uses them, composed of three parts: personas (personas.ts), the
 * catalog of published skills and their rollout (catalog.ts), and runs (here: invoking from
 * the API and ERP events, the invocations' state, recovery). Every method takes the caller's
 * organization.
 */

export interface SkillServiceDeps {
  db: Database;
  /** Where skill workflows run (Temporal; an in-memory fake in API tests). */
  runs: WorkflowRuns;
  taskQueue: string;
  /** Compiles what callers publish, off the event loop with a time limit (default: its own thread). */
  compiler?: Pick<IsolatedSkillCompiler, 'compile'>;
}

export type SkillService = ReturnType<typeof createSkillService>;

/** Who started a run through the API (recorded; that key may cancel the run). */
export interface StartedBy {
  keyId?: string;
}

export function createSkillService(deps: SkillServiceDeps) {
  return { ...createPersonaService(deps.db), ...createSkillCatalog(deps), ...createSkillRuns(deps) };
}

/** Runs: invoking (API and ERP events), their state, the people they wait for, recovery. */
function createSkillRuns(deps: SkillServiceDeps) {
  const { db } = deps;
  const requirePersona = (organizationId: string, slug: string) => requirePersonaOf(db, organizationId, slug);
  const requireSkill = (organizationId: string, slug: string) => requireSkillOf(db, organizationId, slug);

  /**
   * Everything a run checks, checked before it is started, so the caller gets a clear 4xx
   * instead of a failed invocation. The workflow checks again (schedules and events start
   * runs without this path).
   */
  async function preflight(organizationId: string, skillSlug: string, personaSlug: string, invocationId: string, input: Record<string, unknown>, pinned?: string) {
    const skill = await requireSkill(organizationId, skillSlug);
    if (!skill.enabled) throw new AppError('CONFLICT', `Skill ${skillSlug} is disabled for this organization`);
    const persona = await requirePersona(organizationId, personaSlug);
    if (!persona.enabled) throw new AppError('CONFLICT', `Persona ${personaSlug} is disabled`);
    if (!persona.allowedSkills.includes(skillSlug)) throw new AppError('FORBIDDEN', `Persona ${personaSlug} is not allowed to run ${skillSlug}`);
    const published = candidatesOf(await listSkillVersions(db, organizationId, skillSlug));
    if (!pinned && skill.rollout.mode !== 'pinned' && published.length === 0) throw new AppError('CONFLICT', `${skillSlug} has no active published version`);
    const version = pinned ?? chooseVersion(skill.rollout, published, invocationId);
    const record = await getSkillVersion(db, organizationId, skillSlug, version);
    if (!record) throw new AppError('NOT_FOUND', `${skillSlug}@${version} is not published`);
    if (record.compiled.status === 'disabled') throw new AppError('CONFLICT', `${skillSlug}@${version} has status disabled`);
    const parsed = zodForFields(record.compiled.inputs).safeParse(input);
    if (!parsed.success) {
      throw new AppError('VALIDATION_FAILED', `The input does not match ${skillSlug}@${version}`, {
        details: parsed.error.issues.map((issue) => ({ path: ['input', ...issue.path].join('.'), message: issue.message })),
      });
    }
    return { version };
  }

  async function requireOrganization(organizationId: string): Promise<Organization> {
    const organization = await getOrganization(db, organizationId);
    if (!organization) throw new AppError('NOT_FOUND', `Organization ${organizationId} not found`);
    return organization;
  }

  /** Skill runs started through the API and by ERP events count against the plan's windows. */
  async function enforceRunLimits(organization: Organization, adding: number): Promise<void> {
    await assertUnderSpendCaps(db, organization.id);
    assertWithinWindows(await invocationWindows(db, organization.id), skillRunLimits(organization.tier, organization.settings), { noun: 'skill runs', setting: 'skillRuns' }, adding);
  }

  /**
   * Writes the pending invocation (if it is new) and starts its workflow with the arguments
   * stored on the row, so whichever of two concurrent requests starts it, the run matches the
   * row. The workflow id never runs twice (REJECT_DUPLICATE): a repeat finds the first run.
   */
  async function start(request: SkillRunRequest & { invocationId: string }): Promise<{ invocationId: string; workflowId: string; created: boolean }> {
    const workflowId = skillWorkflowId(request.organizationId, request.invocationId);
    const created = await createInvocation(db, {
      ...invocationRowOf(request, workflowId),
      skillVersion: request.version ?? null,
      ...(request.budgetUsd !== undefined ? { budgetUsd: request.budgetUsd } : {}),
    });
    const row = (await getInvocation(db, request.organizationId, request.invocationId)) as InvocationRecord;
    if (row.status !== 'pending') return { invocationId: row.id, workflowId, created };
    await startWorkflow(row);
    return { invocationId: row.id, workflowId, created };
  }

  /** `failOnError`: a start that fails marks the row failed (the caller's request failed with it). */
  async function startWorkflow(row: InvocationRecord, options: { failOnError?: boolean } = {}): Promise<void> {
    const request: SkillRunRequest = {
      organizationId: row.organizationId,
      invocationId: row.id,
      skill: row.skillSlug,
      persona: row.personaSlug,
      input: row.input,
      triggeredBy: row.triggeredBy,
      ...(row.skillVersion ? { version: row.skillVersion } : {}),
      ...(row.budgetUsd !== null ? { budgetUsd: Number(row.budgetUsd) } : {}),
      ...(row.eventId ? { eventId: row.eventId } : {}),
      ...(row.entityType ? { entityType: row.entityType } : {}),
      ...(row.entityId ? { entityId: row.entityId } : {}),
      ...(row.dryRun ? { dryRun: true as const } : {}),
    };
    try {
      // A run of this id that exists or existed is kept (a concurrent or earlier request started it).
      await deps.runs.start({
        workflowType: SKILL_WORKFLOW_TYPE,
        taskQueue: deps.taskQueue,
        workflowId: row.workflowId,
        args: [request],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        searchAttributes: [
          { key: searchAttributes.organizationId, value: row.organizationId },
          { key: searchAttributes.skillId, value: row.skillSlug },
        ],
        staticSummary: `skill ${row.skillSlug} as ${row.personaSlug} (${row.triggeredBy})`.slice(0, 200),
      });
    } catch (error) {
      if (options.failOnError !== false) await failPendingInvocation(db, { organizationId: row.organizationId, id: row.id }, `could not start: ${errorMessage(error)}`);
      throw error;
    }
  }

  /**
   * The run's live state while its workflow runs. A row still pending or running whose
   * workflow has ended without recording it (terminated, timed out, gone) is recorded as failed
   * with how it ended. Temporal unreachable: Postgres has the last recorded state.
   */
  async function liveState(row: InvocationRecord): Promise<{ row: InvocationRecord; live?: SkillRunProgress }> {
    if (row.status === 'completed' || row.status === 'failed') return { row };
    const ended = await endedWithoutResult(row);
    if (ended) return { row: await recordEnded(row, ended) };
    const live = await deps.runs.query(row.workflowId, skillStatusQuery);
    return live ? { row, live } : { row };
  }

  /** What Temporal says about the run's workflow; throws when Temporal cannot be asked. */
  async function workflowState(row: InvocationRecord): Promise<{ kind: 'running' } | { kind: 'missing' } | { kind: 'ended'; how: string }> {
    const status = await deps.runs.status(row.workflowId);
    if (status === 'RUNNING') return { kind: 'running' };
    if (status !== 'not_found') return { kind: 'ended', how: `the workflow ended as ${status.toLowerCase()} without recording a result` };
    // A running row's workflow is gone (retention); a pending one may not be started yet.
    return row.status === 'running' ? { kind: 'ended', how: 'the workflow no longer exists' } : { kind: 'missing' };
  }

  /** How the run's workflow ended, if it has while the row is still pending or running. */
  async function endedWithoutResult(row: InvocationRecord): Promise<string | undefined> {
    try {
      const state = await workflowState(row);
      return state.kind === 'ended' ? state.how : undefined;
    } catch {
      return undefined; // Temporal unreachable: keep what we know
    }
  }

  async function recordEnded(row: InvocationRecord, ended: string): Promise<InvocationRecord> {
    // The workflow may have recorded its result as it ended: read again before deciding.
    const fresh = (await getInvocation(db, row.organizationId, row.id)) ?? row;
    if (fresh.status === 'completed' || fresh.status === 'failed') return fresh;
    await finishInvocation(db, { organizationId: row.organizationId, id: row.id }, { status: 'failed', error: ended, costUsd: Number(fresh.costUsd) });
    return (await getInvocation(db, row.organizationId, row.id)) ?? fresh;
  }

  async function invocationView(stored: InvocationRecord, withDetail = true) {
    const { row, live } = withDetail ? await liveState(stored) : { row: stored, live: undefined };
    const requests = withDetail ? await listInvocationRequests(db, row.organizationId, row.id) : [];
    const skill = (row.context as { skill?: CompiledSkill } | null)?.skill;
    const wouldWrite = withDetail && row.dryRun && skill ? dryRunWrites(skill, await listToolCalls(db, { organizationId: row.organizationId, invocationId: row.id })) : [];
    return {
      id: row.id,
      workflowId: row.workflowId,
      skill: row.skillSlug,
      version: live?.version ?? row.skillVersion,
      persona: row.personaSlug,
      triggeredBy: row.triggeredBy,
      eventId: row.eventId,
      entityType: row.entityType,
      entityId: row.entityId,
      /** pending | running | completed | failed (the ERP's AgentInvocation statuses). */
      status: row.status,
      /** While running: what the run is doing now (awaiting_input, awaiting_review, …). */
      liveStatus: live?.status ?? null,
      pending: live?.pending ?? null,
      /** Held by the kill switch before its next step (it continues on resume). */
      held: live?.held ?? null,
      input: row.input,
      output: row.output,
      error: row.error,
      costUsd: Number(live?.costUsd ?? row.costUsd),
      budgetUsd: row.budgetUsd === null ? null : Number(row.budgetUsd),
      dryRun: row.dryRun,
      ...(withDetail
        ? {
            wouldWrite: wouldWrite.map((write) => ({ tool: write.tool, method: write.method, path: write.path, ...(write.body === undefined ? {} : { body: write.body }) })),
            requests: requests.map((request) => ({
              kind: request.kind,
              prompt: request.prompt,
              status: request.status,
              response: request.response,
              respondedBy: request.respondedBy,
              askedAt: toIso(request.createdAt),
              respondedAt: request.respondedAt ? toIso(request.respondedAt) : null,
            })),
          }
        : {}),
      createdAt: toIso(row.createdAt),
      startedAt: row.startedAt ? toIso(row.startedAt) : null,
      completedAt: row.completedAt ? toIso(row.completedAt) : null,
      durationMs: row.startedAt && row.completedAt ? Date.parse(toIso(row.completedAt)) - Date.parse(toIso(row.startedAt)) : null,
    };
  }

  async function sendUpdate<Arg>(organizationId: string, id: string, update: UpdateDefinition<SkillRunProgress, [Arg]>, arg: Arg) {
    const row = await getInvocation(db, organizationId, id);
    if (!row) throw new AppError('NOT_FOUND', `Invocation ${id} not found`);
    if (row.status === 'completed' || row.status === 'failed') throw new AppError('CONFLICT', `the invocation has already ended (${row.status})`);
    await deps.runs.update(row.workflowId, update, arg, 'the invocation has already ended');
    return invocationView((await getInvocation(db, organizationId, id)) as InvocationRecord);
  }


  return {
    /**
     * Recovery sweep: starts invocations still pending `olderThanSeconds` after they were
     * written (the API died before starting them), and records as failed the running ones
     * whose workflow ended without recording a result (terminated, timed out).
     */
    async recoverUnfinished(olderThanSeconds: number, options: { limit?: number; organizationId?: string } = {}): Promise<{ started: number; failed: number; errors: number }> {
      const counts = { started: 0, failed: 0, errors: 0 };
      for (const row of await listUnfinishedInvocationsOlderThan(db, olderThanSeconds, options.limit ?? 100, options.organizationId)) {
        try {
          const state = await workflowState(row);
          if (state.kind === 'ended') {
            if ((await recordEnded(row, state.how)).status === 'failed') counts.failed += 1;
          } else if (state.kind === 'missing' && row.status === 'pending') {
            await startWorkflow(row, { failOnError: false });
            counts.started += 1;
          }
          await markInvocationChecked(db, row.id);
        } catch {
          counts.errors += 1; // Temporal or the database unreachable: the next sweep tries again
        }
      }
      return counts;
    },

    // ---------------------------------------------------------------- invocations
    /**
     * Starts a run. With an idempotency key (the Idempotency-Key header) the invocation id is
     * derived from it: a retried request answers with the first run (`created: false`).
     */
    async invoke(organizationId: string, slug: string, body: InvokeSkill, idempotencyKey?: string, startedBy: StartedBy = {}) {
      // The key and the request name the run (as for issues): a retry after a lost answer finds
      // it, and the key reused for another request once its record expired starts a new one.
      const invocationId = idempotencyKey ? uuidFrom(`${organizationId}:invoke:${idempotencyKey}:${slug}:${canonicalJson(body)}`) : randomUUID();
      const existing = idempotencyKey ? await getInvocation(db, organizationId, invocationId) : undefined;
      if (existing && existing.skillSlug !== slug) throw new AppError('CONFLICT', `Idempotency-Key ${idempotencyKey} was used for skill ${existing.skillSlug}`);
      if (!existing) {
        const organization = await requireOrganization(organizationId);
        const problem = requestBudgetProblem(organization.tier, body.budgetUsd);
        if (problem) throw new AppError('VALIDATION_FAILED', problem, { details: [{ path: 'budgetUsd', message: problem }] });
        await enforceRunLimits(organization, 1);
      }
      const { version } = existing ? { version: existing.skillVersion } : await preflight(organizationId, slug, body.persona, invocationId, body.input, body.version);
      const started = await start(
        existing
          ? { organizationId, invocationId, skill: slug, persona: existing.personaSlug, input: existing.input, triggeredBy: existing.triggeredBy }
          : {
              organizationId,
              invocationId,
              skill: slug,
              persona: body.persona,
              input: body.input,
              triggeredBy: 'api',
              ...(startedBy.keyId ? { createdByKeyId: startedBy.keyId } : {}),
              ...(body.version ? { version: body.version } : {}),
              ...(body.budgetUsd !== undefined ? { budgetUsd: body.budgetUsd } : {}),
              ...(body.entityType ? { entityType: body.entityType } : {}),
              ...(body.entityId ? { entityId: body.entityId } : {}),
              ...(body.dryRun ? { dryRun: true as const } : {}),
            },
      );
      const row = (await getInvocation(db, organizationId, invocationId)) as InvocationRecord;
      return {
        id: invocationId,
        workflowId: started.workflowId,
        status: row.status,
        skill: slug,
        version: row.skillVersion ?? version,
        persona: row.personaSlug,
        dryRun: row.dryRun,
        created: started.created,
      };
    },

    /**
     * An ERP ContentTrigger event: starts every enabled skill subscribed to it, once per event
     * id. A repeat answers with the first delivery's outcome. If starting fails half way the
     * claim is released, so the ERP's retry starts what is missing (invocation ids are derived
     * from the event, so nothing starts twice).
     */
    async handleEvent(organizationId: string, event: SkillEvent, startedBy: StartedBy = {}) {
      // Over the run limits the event is refused before it is claimed: the ERP's retry after
      // Retry-After is not a duplicate. A repeat of a handled event is answered as before.
      const subscribed = await skillsForEvent(db, organizationId, event.type);
      if (subscribed.length > 0 && !(await getSkillEvent(db, organizationId, event.eventId))) {
        await enforceRunLimits(await requireOrganization(organizationId), subscribed.length);
      }
      if (!(await claimSkillEvent(db, { organizationId, eventId: event.eventId, type: event.type }))) {
        const previous = await getSkillEvent(db, organizationId, event.eventId);
        // Outcome null: the first delivery is still starting the skills.
        return { duplicate: true, eventId: event.eventId, ...(previous?.outcome ?? { inProgress: true }) };
      }
      try {
        const personas = (await listPersonas(db, organizationId)).filter((persona) => persona.enabled === 1);
        const invocations: Array<{ skill: string; id: string; persona: string; workflowId: string }> = [];
        const skipped: Array<{ skill: string; reason: string }> = [];
        // First every check, then every start: an event whose payload does not match a
        // subscribed skill's inputs starts nothing and is not claimed (422), so the corrected
        // delivery with the same event id runs.
        const runnable: Array<{ skill: string; persona: string; invocationId: string }> = [];
        const invalid: Array<{ path: string; message: string }> = [];
        for (const skill of subscribed) {
          const persona = event.persona
            ? personas.find((candidate) => candidate.slug === event.persona && candidate.allowedSkills.includes(skill.slug))
            : personas.find((candidate) => candidate.allowedSkills.includes(skill.slug));
          if (!persona) {
            skipped.push({ skill: skill.slug, reason: event.persona ? `persona ${event.persona} may not run it (or is disabled)` : 'no enabled persona is allowed to run it' });
            continue;
          }
          const invocationId = uuidFrom(`${organizationId}:${event.eventId}:${skill.slug}`);
          try {
            await preflight(organizationId, skill.slug, persona.slug, invocationId, event.payload);
          } catch (error) {
            if (!(error instanceof AppError)) throw error; // e.g. the database: release the claim, let the ERP retry
            if (error.code === 'VALIDATION_FAILED') {
              const details = Array.isArray(error.details) ? (error.details as Array<{ path: string; message: string }>) : [];
              invalid.push(...details.map((detail) => ({ ...detail, path: detail.path.replace(/^input/, 'payload'), message: `${skill.slug}: ${detail.message}` })));
            } else skipped.push({ skill: skill.slug, reason: error.message });
            continue;
          }
          runnable.push({ skill: skill.slug, persona: persona.slug, invocationId });
        }
        if (invalid.length > 0) {
          throw new AppError('VALIDATION_FAILED', `the payload does not match the inputs of ${[...new Set(invalid.map((detail) => detail.message.split(':')[0]))].join(', ')}`, { details: invalid });
        }
        for (const { skill, persona, invocationId } of runnable) {
          const started = await start({
            organizationId,
            invocationId,
            skill,
            persona,
            input: event.payload,
            triggeredBy: `event:${event.type}`,
            eventId: event.eventId,
            ...(startedBy.keyId ? { createdByKeyId: startedBy.keyId } : {}),
            ...(event.entityType ? { entityType: event.entityType } : {}),
            ...(event.entityId ? { entityId: event.entityId } : {}),
          });
          invocations.push({ skill, id: invocationId, persona, workflowId: started.workflowId });
        }
        const outcome = { type: event.type, invocations, skipped };
        await recordSkillEventOutcome(db, { organizationId, eventId: event.eventId }, outcome);
        return { duplicate: false, eventId: event.eventId, ...outcome };
      } catch (error) {
        await releaseSkillEvent(db, { organizationId, eventId: event.eventId });
        throw error;
      }
    },

    async getInvocation(organizationId: string, id: string) {
      const row = await getInvocation(db, organizationId, id);
      if (!row) throw new AppError('NOT_FOUND', `Invocation ${id} not found`);
      return invocationView(row);
    },
    async listInvocations(organizationId: string, filter: { skill?: string; status?: InvocationRecord['status']; limit: number; cursor?: string | undefined }) {
      const page = await listInvocations(db, organizationId, filter);
      return { ...page, items: await Promise.all(page.items.map((row) => invocationView(row, false))) };
    },
    /**
     * Cancels a run: the in-flight model or tool call is cancelled and the run is recorded failed
     * ("cancelled"). `onlyIfStartedBy`: refuse (403) unless that key started the run.
     */
    async cancel(organizationId: string, id: string, options: { onlyIfStartedBy?: string } = {}) {
      const row = await getInvocation(db, organizationId, id);
      if (!row) throw new AppError('NOT_FOUND', `Invocation ${id} not found`);
      if (options.onlyIfStartedBy !== undefined && row.createdByKeyId !== options.onlyIfStartedBy) {
        throw new AppError('FORBIDDEN', 'this key did not start the run: cancel it as a person whose role may cancel, or with an admin key');
      }
      if (row.status === 'completed' || row.status === 'failed') throw new AppError('CONFLICT', `the invocation has already ended (${row.status})`);
      if ((await deps.runs.cancel(row.workflowId)) === 'not_found') {
        // Never started: nothing runs; record it so no sweep starts it.
        await finishInvocation(db, { organizationId, id }, { status: 'failed', error: 'cancelled', costUsd: 0 });
      }
      return invocationView((await getInvocation(db, organizationId, id)) as InvocationRecord);
    },
    async answer(organizationId: string, id: string, answer: InvocationAnswer) {
      return sendUpdate(organizationId, id, skillAnswerUpdate, answer);
    },
    async decide(organizationId: string, id: string, decision: InvocationDecision) {
      return sendUpdate(organizationId, id, skillDecisionUpdate, decision);
    },
  };
}
