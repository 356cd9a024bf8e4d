import { z } from 'zod';
import { cursorSchema } from './pages';
import { caseInsensitiveEnum } from './enums';
import type { ActionOrigin } from '../identity/acting';
import { cronProblem } from '../skills/cron';
import { MIN_REQUEST_BUDGET_USD } from './policy';

/**
 * The skills API's request shapes (personas, publishing, rollout, invocations, events,
 * schedules). The routes validate with these and /openapi.json is generated from them.
 */

export const slug = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and - (a slug)');
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
export const semver = z.string().regex(SEMVER, 'a semantic version like 1.2.0');

// ---------------------------------------------------------------- personas

const personaFields = {
  name: z.string().trim().min(1).max(200),
  systemPrompt: z.string().trim().min(1).max(20_000),
  /** Skill slugs this persona may run. */
  allowedSkills: z.array(slug).max(200),
  enabled: z.boolean(),
};

export const createPersonaSchema = z.strictObject({
  slug,
  ...personaFields,
  allowedSkills: personaFields.allowedSkills.default([]),
  enabled: personaFields.enabled.default(true),
});
export type CreatePersona = z.infer<typeof createPersonaSchema>;

/** Fields not sent keep their values (no defaults here). */
export const updatePersonaSchema = z
  .strictObject(personaFields)
  .partial()
  .refine((value) => Object.keys(value).length > 0, 'send at least one field to change');
export type UpdatePersona = z.infer<typeof updatePersonaSchema>;

// ---------------------------------------------------------------- versions and rollout

export const publishSkillSchema = z.strictObject({
  /** The skill file: YAML frontmatter + Markdown (the ERP's /knowledge/agents/skills/*.md). */
  source: z.string().min(1).max(200_000),
  changelog: z.string().max(10_000).default(''),
});

/**
 * Which version an organization's invocations of a skill run:
 * - pinned: always `version`;
 * - latest: the highest published release (not a pre-release) when the invocation starts;
 * - canary: `canary` for `percent`% of invocations (chosen from the invocation id, so a
 *   retried or replayed invocation keeps its version), `stable` for the rest.
 */
export const rolloutSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('pinned'), version: semver }),
  z.strictObject({ mode: z.literal('latest') }),
  z.strictObject({ mode: z.literal('canary'), stable: semver, canary: semver, percent: z.number().int().min(0).max(100) }),
]);
export type Rollout = z.infer<typeof rolloutSchema>;

export const updateSkillSchema = z
  .strictObject({ enabled: z.boolean().optional(), rollout: rolloutSchema.optional() })
  .refine((value) => value.enabled !== undefined || value.rollout !== undefined, 'send enabled and/or rollout');

// ---------------------------------------------------------------- invocations and events

const entityFields = {
  /** What the run is about, in the ERP's terms (Brief, Client, Deal, …). */
  entityType: z.string().trim().min(1).max(100).optional(),
  entityId: z.string().trim().min(1).max(200).optional(),
};

export const invokeSkillSchema = z.strictObject({
  persona: slug,
  input: z.record(z.string(), z.unknown()).default({}),
  /** Run this version instead of following the organization's rollout. */
  version: semver.optional(),
  /** Cost ceiling of this run in USD (default: the organization's budgetUsd). */
  budgetUsd: z.number().min(MIN_REQUEST_BUDGET_USD, `at least ${MIN_REQUEST_BUDGET_USD}: less stops before the first model call`).max(1000).optional(),
  /**
   * Try the skill without changing anything (README "Dry runs"): reads reach the ERP, writes are
   * recorded as `wouldWrite` and not sent, a question or review is answered for the run.
   */
  dryRun: z.boolean().optional(),
  ...entityFields,
});
export type InvokeSkill = z.infer<typeof invokeSkillSchema>;

/** An ERP ContentTrigger event: every enabled skill subscribed to `type` runs once per `eventId`. */
export const skillEventSchema = z.strictObject({
  eventId: z.string().trim().min(1).max(200),
  type: z.string().trim().min(1).max(100).regex(/^[a-z][a-z0-9_.-]*$/, 'an event name like client_request_received'),
  /** The input every subscribed skill receives. */
  payload: z.record(z.string(), z.unknown()).default({}),
  /** The persona to run as; default: the first enabled persona allowed the skill (by slug). */
  persona: slug.optional(),
  ...entityFields,
});
export type SkillEvent = z.infer<typeof skillEventSchema>;

/** As for issues (contracts/people.ts): the person is optional in the body, filled in by the API. */
export const invocationAnswerSchema = z.strictObject({
  answeredBy: z.string().trim().min(1).max(200).optional(),
  answer: z.string().trim().min(1).max(20_000),
});
export const invocationDecisionSchema = z.strictObject({
  reviewer: z.string().trim().min(1).max(200).optional(),
  decision: caseInsensitiveEnum(['approve', 'reject']),
  comment: z.string().max(5000).optional(),
});
export type InvocationAnswerRequest = z.infer<typeof invocationAnswerSchema>;
export type InvocationDecisionRequest = z.infer<typeof invocationDecisionSchema>;
/** As the skill workflow receives them: the person named, and the origin when it passed the API. */
export type InvocationAnswer = InvocationAnswerRequest & { answeredBy: string; origin?: ActionOrigin };
export type InvocationDecision = InvocationDecisionRequest & { reviewer: string; origin?: ActionOrigin };

export const listInvocationsQuerySchema = z.strictObject({
  skill: slug.optional(),
  status: caseInsensitiveEnum(['pending', 'running', 'completed', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. */
  cursor: cursorSchema.optional(),
});

// ---------------------------------------------------------------- schedules

const scheduleSpecFields = {
  /**
   * A cron expression ("0 8 * * 1-5", "@daily") or a list of them; or intervalSeconds; neither:
   * the skill's `schedule` triggers. Stored and shown as a list.
   */
  cron: z
    .preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(
      z
        .string()
        .trim()
        .min(1)
        .max(200)
        .superRefine((expression, ctx) => {
          const problem = cronProblem(expression);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
    )
    .min(1)
    .max(10))
    .optional(),
  /** At least a minute: every run is paid model time. */
  intervalSeconds: z.number().int().min(60).max(366 * 24 * 3600).optional(),
  /** IANA time zone the cron expressions are in (default UTC). */
  timezone: z.string().min(1).max(64).optional(),
  /** What to do when a run is still going at the next time. */
  overlap: caseInsensitiveEnum(['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all']).optional(),
  /** How late a missed run (server down) may still start. */
  catchupWindowSeconds: z.number().int().min(10).max(366 * 24 * 3600).optional(),
  /** Random delay up to this many seconds, to spread load. */
  jitterSeconds: z.number().int().min(0).max(24 * 3600).optional(),
  note: z.string().max(1000).optional(),
  persona: slug.optional(),
  input: z.record(z.string(), z.unknown()).optional(),
  /** Pin every scheduled run to this version; absent: follow the organization's rollout. */
  version: semver.nullable().optional(),
  ...entityFields,
};

export const createScheduleSchema = z
  .strictObject({ skill: slug, name: slug, paused: z.boolean().default(false), ...scheduleSpecFields })
  .required({ persona: true })
  // Neither: the skill's own `schedule` triggers are used.
  .refine((value) => value.cron === undefined || value.intervalSeconds === undefined, {
    message: 'give cron or intervalSeconds, not both',
    path: ['cron'],
  });
export type CreateSchedule = z.infer<typeof createScheduleSchema>;

export const updateScheduleSchema = z
  .strictObject(scheduleSpecFields)
  .refine((value) => Object.keys(value).length > 0, 'send at least one field to change')
  .refine((value) => value.cron === undefined || value.intervalSeconds === undefined, {
    message: 'give cron or intervalSeconds, not both',
    path: ['cron'],
  });
export type UpdateSchedule = z.infer<typeof updateScheduleSchema>;

export const backfillScheduleSchema = z
  .strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }), overlap: scheduleSpecFields.overlap })
  .refine((value) => Date.parse(value.start) < Date.parse(value.end), { message: 'start must be before end', path: ['end'] })
  // Every action in the window is a paid run: a month at most per request.
  .refine((value) => Date.parse(value.end) - Date.parse(value.start) <= 31 * 24 * 3600 * 1000, { message: 'at most 31 days per backfill', path: ['end'] });
