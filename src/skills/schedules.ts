import { pageInMemory, type PageQuery } from '../contracts/pages';
import {
  type Client,
  type ScheduleDescription,
  type ScheduleOptionsStartWorkflowAction,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleOverlapPolicy,
  type ScheduleSpec,
} from '@temporalio/client';
import { withReadDeadline } from '../temporal/runs';
import { isUuid } from '../contracts/ids';
import type { CreateSchedule, UpdateSchedule } from '../contracts/skills';
import type { Database } from '../db/client';
import { scheduleLimit } from '../contracts/policy';
import { getOrganization } from '../db/organizations';
import { countFireTimes, cronProblem, MAX_BACKFILL_ACTIONS } from './cron';
import { deleteSchedule, getPersona, getSchedule, getSkill, insertSchedule, listSchedules, listSkillVersions, type ScheduleRecord, updateScheduleConfig } from '../db/skills';
import { zodForFields } from './compiler';
import { candidatesOf, currentVersionOf, latestOf } from './rollout';
import { AppError } from '../errors';
import { toIso } from '../time';
import { searchAttributes, SKILL_WORKFLOW_TYPE, type SkillRunRequest, skillScheduleId } from '../../workflows/definitions';

/**
 * Recurring skills on Temporal Schedules: one schedule per organization + skill + name, with
 * the organization as a search attribute (`temporal schedule list --query
 * "OrganizationId='acme'"`, the Web UI's Schedules page). Temporal runs them — no cron job of
 * ours; Postgres keeps which schedules an organization owns and the spec as it was asked for.
 */

export interface ScheduleServiceDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
}

/** The schedule as requested: everything but skill and name. */
type ScheduleConfig = Omit<CreateSchedule, 'skill' | 'name' | 'paused'>;

const OVERLAP: Record<NonNullable<CreateSchedule['overlap']>, ScheduleOverlapPolicy> = {
  skip: 'SKIP',
  buffer_one: 'BUFFER_ONE',
  buffer_all: 'BUFFER_ALL',
  cancel_other: 'CANCEL_OTHER',
  terminate_other: 'TERMINATE_OTHER',
  allow_all: 'ALLOW_ALL',
};

export type ScheduleService = ReturnType<typeof createScheduleService>;

export function createScheduleService(deps: ScheduleServiceDeps) {
  const { db } = deps;
  const handleOf = (row: ScheduleRecord) => deps.temporal.schedule.getHandle(row.scheduleId);

  async function requireRow(organizationId: string, id: string): Promise<ScheduleRecord> {
    const row = isUuid(id) ? await getSchedule(db, organizationId, id) : undefined;
    if (!row) throw new AppError('NOT_FOUND', `Schedule ${id} not found`);
    return row;
  }

  /** Every schedule is paid runs for ever: a plan allows so many (limits.maxSchedules). */
  async function enforceScheduleLimit(organizationId: string): Promise<void> {
    const organization = await getOrganization(db, organizationId);
    if (!organization) throw new AppError('NOT_FOUND', `Organization ${organizationId} not found`);
    const limit = scheduleLimit(organization.tier, organization.settings);
    const existing = (await listSchedules(db, organizationId)).length;
    if (existing >= limit) {
      throw new AppError('FORBIDDEN', `This organization has ${existing} schedules; its ${organization.tier} plan allows ${limit} (settings limits.maxSchedules). Delete one first.`, {
        details: [{ path: 'limits.maxSchedules', message: `${existing} schedules; the plan allows ${limit}`, expected: `<= ${limit}`, received: String(existing + 1) }],
      });
    }
  }

  /** The persona may run the skill, and a pinned version is published. */
  async function check(organizationId: string, skill: string, config: ScheduleConfig): Promise<void> {
    const skillRow = await getSkill(db, organizationId, skill);
    if (!skillRow) throw new AppError('NOT_FOUND', `Skill ${skill} not found`);
    const persona = await getPersona(db, organizationId, config.persona);
    if (!persona) throw new AppError('NOT_FOUND', `Persona ${config.persona} not found`);
    if (!persona.allowedSkills.includes(skill)) throw new AppError('FORBIDDEN', `Persona ${config.persona} is not allowed to run ${skill}`);
    const versions = await listSkillVersions(db, organizationId, skill);
    const candidates = candidatesOf(versions);
    const version = config.version ?? (candidates.length > 0 ? latestOf(candidates) : undefined);
    const record = version ? versions.find((v) => v.version === version) : undefined;
    if (config.version && !record) throw new AppError('NOT_FOUND', `${skill}@${config.version} is not published`);
    // Every run gets this input: check it now against the version runs would use today.
    const parsed = record ? zodForFields(record.compiled.inputs).safeParse(config.input ?? {}) : undefined;
    if (parsed && !parsed.success) {
      throw new AppError('VALIDATION_FAILED', `The input does not match ${skill}@${version}`, {
        details: parsed.error.issues.map((issue) => ({ path: ['input', ...issue.path].join('.'), message: issue.message })),
      });
    }
  }

  /** The cron strings of the skill's own `schedule` triggers (the version the schedule would run). */
  async function skillScheduleTriggers(organizationId: string, skill: string, pinned: string | null | undefined): Promise<string[]> {
    const versions = await listSkillVersions(db, organizationId, skill);
    const compiled = (pinned ? versions.find((v) => v.version === pinned) : currentVersionOf(versions))?.compiled;
    const crons = (compiled?.triggers ?? []).flatMap((trigger) => ('schedule' in trigger ? [trigger.schedule] : []));
    if (crons.length === 0) {
      throw new AppError('VALIDATION_FAILED', `Give cron or intervalSeconds: ${skill} has no schedule trigger to default to`, {
        details: [{ path: 'cron', message: 'required for this skill' }],
      });
    }
    return crons;
  }

  function specOf(config: ScheduleConfig): ScheduleSpec {
    return {
      ...(config.cron ? { cronExpressions: config.cron } : {}),
      ...(config.intervalSeconds ? { intervals: [{ every: config.intervalSeconds * 1000 }] } : {}),
      ...(config.timezone ? { timezone: config.timezone } : {}),
      ...(config.jitterSeconds ? { jitter: config.jitterSeconds * 1000 } : {}),
    };
  }

  function actionOf(organizationId: string, skill: string, name: string, config: ScheduleConfig): ScheduleOptionsStartWorkflowAction<never> {
    const request: SkillRunRequest = {
      organizationId,
      skill,
      persona: config.persona,
      input: config.input ?? {},
      triggeredBy: `schedule:${name}`,
      ...(config.version ? { version: config.version } : {}),
      ...(config.entityType ? { entityType: config.entityType } : {}),
      ...(config.entityId ? { entityId: config.entityId } : {}),
    };
    return {
      type: 'startWorkflow',
      workflowType: SKILL_WORKFLOW_TYPE as never,
      // Temporal appends the scheduled time: skill:acme:deadline-tracker:daily-2026-11-21T08:00:00Z.
      workflowId: `skill:${organizationId}:${skill}:${name}`,
      taskQueue: deps.taskQueue,
      args: [request] as never,
      typedSearchAttributes: [
        { key: searchAttributes.organizationId, value: organizationId },
        { key: searchAttributes.skillId, value: skill },
      ],
      staticSummary: `scheduled skill ${skill} (${name}) as ${config.persona}`,
    };
  }

  function validateTimezone(timezone: string | undefined): void {
    if (!timezone) return;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw new AppError('VALIDATION_FAILED', `Unknown time zone ${timezone}`, { details: [{ path: 'timezone', message: 'an IANA time zone like Europe/Berlin' }] });
    }
  }

  async function view(row: ScheduleRecord, description?: ScheduleDescription) {
    const described = description ?? (await describe(row));
    const config = row.config as ScheduleConfig;
    return {
      id: row.id,
      scheduleId: row.scheduleId,
      skill: row.skillSlug,
      name: row.name,
      cron: config.cron ?? null,
      intervalSeconds: config.intervalSeconds ?? null,
      timezone: config.timezone ?? 'UTC',
      overlap: config.overlap ?? 'skip',
      catchupWindowSeconds: config.catchupWindowSeconds ?? null,
      jitterSeconds: config.jitterSeconds ?? 0,
      persona: config.persona,
      input: config.input ?? {},
      /** null: follows the organization's rollout for the skill. */
      version: config.version ?? null,
      entityType: config.entityType ?? null,
      entityId: config.entityId ?? null,
      paused: described?.state.paused ?? null,
      note: described?.state.note || null,
      nextRuns: (described?.info.nextActionTimes ?? []).slice(0, 5).map((time) => time.toISOString()),
      recentRuns: (described?.info.recentActions ?? []).map((action) => ({
        scheduledAt: action.scheduledAt.toISOString(),
        takenAt: action.takenAt.toISOString(),
        workflowId: action.action.type === 'startWorkflow' ? action.action.workflow.workflowId : null,
      })),
      runsTotal: described?.info.numActionsTaken ?? null,
      createdAt: toIso(row.createdAt),
    };
  }

  /** The live state; undefined when the schedule is gone or Temporal cannot be asked (the view shows nulls). */
  async function describe(row: ScheduleRecord): Promise<ScheduleDescription | undefined> {
    try {
      return await withReadDeadline(deps.temporal, () => handleOf(row).describe());
    } catch {
      return undefined;
    }
  }

  async function act(organizationId: string, id: string, action: (handle: ReturnType<typeof handleOf>) => Promise<void>) {
    const row = await requireRow(organizationId, id);
    try {
      await action(handleOf(row));
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw new AppError('NOT_FOUND', `Schedule ${id} is gone from Temporal (deleted outside the API)`);
      throw error;
    }
    return view(row);
  }

  return {
    async create(organizationId: string, body: CreateSchedule) {
      const { skill, name, paused, ...requested } = body;
      validateTimezone(requested.timezone);
      await check(organizationId, skill, requested);
      await enforceScheduleLimit(organizationId);
      const config = requested.cron || requested.intervalSeconds ? requested : { ...requested, cron: await skillScheduleTriggers(organizationId, skill, requested.version) };
      checkCron(config);
      const scheduleId = skillScheduleId(organizationId, skill, name);
      const row = await insertSchedule(db, { organizationId, skillSlug: skill, name, scheduleId, config });
      const options = {
        spec: specOf(config),
        action: actionOf(organizationId, skill, name, config),
        policies: {
          overlap: OVERLAP[config.overlap ?? 'skip'],
          ...(config.catchupWindowSeconds ? { catchupWindow: config.catchupWindowSeconds * 1000 } : {}),
        },
        state: { paused, ...(config.note ? { note: config.note } : {}) },
      };
      try {
        await deps.temporal.schedule.create({
          scheduleId,
          ...options,
          typedSearchAttributes: [
            { key: searchAttributes.organizationId, value: organizationId },
            { key: searchAttributes.skillId, value: skill },
          ],
        });
      } catch (error) {
        if (error instanceof ScheduleAlreadyRunning) {
          // Left on the server by a create that died before answering: make it this one.
          await handleOf(row).update((schedule) => ({ ...schedule, ...options, state: { ...schedule.state, ...options.state } }));
          return view(row);
        }
        if (isInvalidArgument(error)) {
          await deleteSchedule(db, organizationId, row.id);
          throw new AppError('VALIDATION_FAILED', `Temporal refused the schedule: ${(error as Error).message}`);
        }
        // Unknown outcome (a timeout may come after the server made it): delete it there too,
        // so no schedule runs that the API cannot see; the caller can simply try again.
        await handleOf(row)
          .delete()
          .catch(() => undefined);
        await deleteSchedule(db, organizationId, row.id);
        throw error;
      }
      return view(row);
    },

    /** A page of schedules by skill and name; each with its live state from Temporal. */
    async list(organizationId: string, query: PageQuery) {
      const page = pageInMemory(await listSchedules(db, organizationId), query, (row) => `${row.skillSlug}/${row.name}`);
      return { ...page, items: await Promise.all(page.items.map((row) => view(row))) };
    },

    async get(organizationId: string, id: string) {
      return view(await requireRow(organizationId, id));
    },

    /** Changes the spec, policies, note or what runs; fields not sent keep their values. */
    async update(organizationId: string, id: string, patch: UpdateSchedule) {
      const row = await requireRow(organizationId, id);
      const previous = row.config as ScheduleConfig;
      const merged: ScheduleConfig = { ...previous, ...patch };
      if (patch.cron) delete merged.intervalSeconds;
      if (patch.intervalSeconds) delete merged.cron;
      if (patch.version === null) delete merged.version;
      validateTimezone(merged.timezone);
      await check(organizationId, row.skillSlug, merged);
      try {
        await handleOf(row).update((schedule) => ({
          ...schedule,
          spec: specOf(merged),
          action: actionOf(organizationId, row.skillSlug, row.name, merged),
          policies: {
            ...schedule.policies,
            overlap: OVERLAP[merged.overlap ?? 'skip'],
            ...(merged.catchupWindowSeconds ? { catchupWindow: merged.catchupWindowSeconds * 1000 } : {}),
          },
          state: { ...schedule.state, ...(patch.note !== undefined ? { note: patch.note } : {}) },
        }));
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) throw new AppError('NOT_FOUND', `Schedule ${id} is gone from Temporal`);
        if (isInvalidArgument(error)) throw new AppError('VALIDATION_FAILED', `Temporal refused the change: ${(error as Error).message}`);
        throw error;
      }
      const updated = (await updateScheduleConfig(db, organizationId, id, merged)) ?? row;
      const shown = await view(updated);
      // The schedule applies an update asynchronously: show the note just set, not a stale one.
      return patch.note !== undefined ? { ...shown, note: patch.note || null } : shown;
    },

    async remove(organizationId: string, id: string): Promise<void> {
      const row = await requireRow(organizationId, id);
      try {
        await handleOf(row).delete();
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
      await deleteSchedule(db, organizationId, id);
    },

    pause: (organizationId: string, id: string, note?: string) => act(organizationId, id, (handle) => handle.pause(note ?? 'paused through the API')),
    unpause: (organizationId: string, id: string, note?: string) => act(organizationId, id, (handle) => handle.unpause(note ?? 'unpaused through the API')),
    /** Runs the skill now, under the schedule's overlap policy (the SDK's default would allow overlap). */
    trigger: async (organizationId: string, id: string) => {
      const row = await requireRow(organizationId, id);
      return act(organizationId, id, (handle) => handle.trigger(OVERLAP[(row.config as ScheduleConfig).overlap ?? 'skip']));
    },
    /**
     * Runs the actions the spec would have taken between start and end: at most
     * MAX_BACKFILL_ACTIONS per request, under the schedule's own overlap policy unless the
     * request names one. The answer says how many and which policy.
     */
    backfill: async (organizationId: string, id: string, range: { start: string; end: string; overlap?: CreateSchedule['overlap'] }) => {
      const row = await requireRow(organizationId, id);
      const config = row.config as ScheduleConfig;
      const start = new Date(range.start);
      const end = new Date(range.end);
      const runs = countFireTimes(config, start, end);
      if (runs > MAX_BACKFILL_ACTIONS) {
        throw new AppError('VALIDATION_FAILED', `The backfill would start more than ${MAX_BACKFILL_ACTIONS} runs; ask for a shorter range`, {
          details: [{ path: 'end', message: `at most ${MAX_BACKFILL_ACTIONS} runs per backfill request` }],
        });
      }
      const overlap = range.overlap ?? config.overlap ?? 'skip';
      const view = await act(organizationId, id, (handle) => handle.backfill({ start, end, overlap: OVERLAP[overlap] }));
      return { ...view, backfill: { runs, overlap, note: BACKFILL_OVERLAP_NOTES[overlap] } };
    },
  };
}

/** What a backfill's overlap policy means for its runs, said in its answer. */
const BACKFILL_OVERLAP_NOTES: Record<NonNullable<CreateSchedule['overlap']>, string> = {
  skip: 'a run whose time comes while an earlier one is still running is skipped, so fewer runs may start; send overlap buffer_all to run every one in turn',
  buffer_one: 'at most one run waits while another runs; the rest are skipped; send overlap buffer_all to run every one in turn',
  buffer_all: 'every run starts, one after another',
  cancel_other: 'each run cancels the one still running, so only the last may finish',
  terminate_other: 'each run terminates the one still running, so only the last may finish',
  allow_all: 'every run starts at once, overlapping',
};

/** Cron expressions that came from the skill's own triggers pass the same rules as the API's. */
function checkCron(config: Pick<ScheduleConfig, 'cron' | 'timezone'>): void {
  const details = (config.cron ?? []).flatMap((expression, index) => {
    const problem = cronProblem(expression, config.timezone);
    return problem ? [{ path: `cron.${index}`, message: problem }] : [];
  });
  if (details.length > 0) throw new AppError('VALIDATION_FAILED', `The schedule's cron expressions are not accepted: ${details[0]?.message}`, { details });
}

/**
 * The spec was refused: the SDK compiles cron strings itself and throws a TypeError ("Minute is
 * not in range [0-59]"); the server answers gRPC INVALID_ARGUMENT (3).
 */
function isInvalidArgument(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  const code = (error as { code?: number; cause?: { code?: number } })?.cause?.code ?? (error as { code?: number })?.code;
  return code === 3;
}
