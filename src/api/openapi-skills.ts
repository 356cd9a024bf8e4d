import type { z } from 'zod';
import { answer, errorResponse, queryParameters, requestBody } from './openapi-parts';
import { actingUserParameter, personRefused } from './openapi-people';
import {
  backfillScheduleSchema,
  createPersonaSchema,
  createScheduleSchema,
  invocationAnswerSchema,
  invocationDecisionSchema,
  invokeSkillSchema,
  listInvocationsQuerySchema,
  publishSkillSchema,
  skillEventSchema,
  updatePersonaSchema,
  updateScheduleSchema,
  updateSkillSchema,
} from '../contracts/skills';

/** The skills half of /openapi.json: skills, personas, invocations, events, schedules. */

const body = requestBody;
const error = errorResponse;
const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const slug = path('slug', 'The skill or persona slug');
const id = path('id', 'The id from the create or invoke response');
const missing = error('Not found in your organization');
const page = [
  { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  { name: 'cursor', in: 'query', required: false, description: 'The nextCursor of the previous page', schema: { type: 'string' } },
];

export function skillPaths(): Record<string, Record<string, unknown>> {
  const listQuery = queryParameters(listInvocationsQuerySchema);
  const scheduleAction = (summary: string, code: number, requestBody?: z.ZodType) => ({
    post: {
      summary,
      parameters: [id],
      ...(requestBody ? { requestBody: body(requestBody) } : {}),
      responses: { [code]: answer('The schedule as Temporal now has it', 'Schedule'), 404: missing },
    },
  });
  return {
    '/api/skills': {
      get: { summary: "The organization's skills with their versions and rollout, by slug", parameters: page, responses: { 200: answer('Skills', 'SkillPage') } },
      post: {
        summary: 'Publish a skill version (YAML frontmatter + Markdown); synced to the ERP AgentSkill endpoint when configured',
        requestBody: body(publishSkillSchema),
        responses: {
          201: answer('Published', 'Published'),
          200: answer('This version with this content was already published', 'Published'),
          409: error('This version is already published with other content'),
          422: error('The file does not compile: details name the field and the line'),
        },
      },
    },
    '/api/skills/{slug}': {
      get: { summary: 'One skill', parameters: [slug], responses: { 200: answer('The skill', 'Skill'), 404: missing } },
      patch: {
        summary: 'Enable or disable the skill, or set its rollout (pinned, latest, canary)',
        parameters: [slug],
        requestBody: body(updateSkillSchema),
        responses: { 200: answer('The skill', 'Skill'), 404: missing, 422: error('Invalid body, or the rollout names an unpublished version') },
      },
    },
    '/api/skills/{slug}/versions/{version}': {
      get: { summary: 'One published version: source, checksum, changelog, compiled form', parameters: [slug, path('version', 'A semantic version')], responses: { 200: answer('The version', 'SkillVersion'), 404: missing } },
    },
    '/api/skills/{slug}/rollback': {
      post: { summary: 'Pin the version that served before the current one', parameters: [slug], responses: { 200: answer('The skill, with the rollout it replaced', 'Skill'), 404: missing, 409: error('No earlier version') } },
    },
    '/api/skills/{slug}/invoke': {
      post: {
        summary: 'Run the skill as a persona (one SkillWorkflow). With an Idempotency-Key header a retried request answers with the first run.',
        parameters: [slug],
        requestBody: body(invokeSkillSchema),
        responses: {
          202: answer('Started: the invocation id, its workflow id and the version it runs', 'InvocationStarted'),
          200: answer('The run already exists (its invocation id was derived from an Idempotency-Key whose answer was lost): created false', 'InvocationStarted'),
          403: error('The persona may not run this skill'),
          404: missing,
          409: error('The skill or the persona is disabled'),
          422: error('The body, or the input against the skill version'),
        },
      },
    },
    '/api/personas': {
      get: { summary: "The organization's personas, by slug", parameters: page, responses: { 200: answer('Personas', 'PersonaPage') } },
      post: { summary: 'Create a persona', requestBody: body(createPersonaSchema), responses: { 201: answer('Created', 'Persona'), 409: error('The slug is taken') } },
    },
    '/api/personas/{slug}': {
      get: { summary: 'One persona', parameters: [slug], responses: { 200: answer('The persona', 'Persona'), 404: missing } },
      patch: { summary: 'Change a persona (fields not sent keep their values)', parameters: [slug], requestBody: body(updatePersonaSchema), responses: { 200: answer('The persona', 'Persona'), 404: missing } },
      delete: { summary: 'Delete a persona', parameters: [slug], responses: { 204: { description: 'Deleted' }, 404: missing } },
    },
    '/api/invocations': {
      get: { summary: 'Skill invocations, newest first', parameters: listQuery, responses: { 200: answer('Invocations', 'InvocationPage') } },
    },
    '/api/invocations/{id}': {
      get: { summary: 'One invocation: status, live state, output, cost, timings, what it asked people', parameters: [id], responses: { 200: answer('The invocation', 'Invocation'), 404: missing } },
    },
    '/api/invocations/{id}/cancel': {
      post: {
        summary: 'Cancel a run (recorded failed, "cancelled"; an admin key; a skills:run key for a run it started; or a person whose role may cancel; audited)',
        parameters: [id, actingUserParameter],
        responses: { 202: answer('The invocation', 'Invocation'), 403: personRefused, 404: missing, 409: error('Already ended') },
      },
    },
    '/api/invocations/{id}/answers': {
      post: {
        summary: "Answer the run's pending request_info question (scope review, as a person; audited)",
        parameters: [id, actingUserParameter],
        requestBody: body(invocationAnswerSchema),
        responses: { 200: answer('The invocation', 'Invocation'), 403: personRefused, 404: missing, 409: error('Nothing to answer') },
      },
    },
    '/api/invocations/{id}/approval': {
      post: {
        summary: 'Approve or reject a run flagged for review (scope review, as a person; audited)',
        parameters: [id, actingUserParameter],
        requestBody: body(invocationDecisionSchema),
        responses: { 200: answer('The invocation', 'Invocation'), 403: personRefused, 404: missing, 409: error('Nothing to decide') },
      },
    },
    '/api/events': {
      post: {
        summary: 'An ERP ContentTrigger event: starts every enabled skill subscribed to it, once per event id',
        requestBody: body(skillEventSchema),
        responses: {
          202: answer('The invocations started and the skills skipped, with why', 'EventOutcome'),
          200: answer('Duplicate event id: the first outcome', 'EventOutcome'),
          422: error("The body breaks the schema, or the payload does not match a subscribed skill's inputs: nothing starts and the event id stays unused"),
        },
      },
    },
    '/api/schedules': {
      get: { summary: "The organization's schedules with their live state from Temporal, by skill and name", parameters: page, responses: { 200: answer('Schedules', 'SchedulePage') } },
      post: {
        summary: 'Create a Temporal Schedule that runs a skill (cron or interval, time zone, overlap, catch-up window, jitter, note)',
        requestBody: body(createScheduleSchema),
        responses: { 201: answer('Created', 'Schedule'), 403: error('The persona may not run this skill'), 404: error('Unknown skill, persona or version'), 409: error('A schedule with this name exists for the skill'), 422: error('Invalid body, time zone or cron') },
      },
    },
    '/api/schedules/{id}': {
      get: { summary: 'One schedule', parameters: [id], responses: { 200: answer('The schedule', 'Schedule'), 404: missing } },
      patch: { summary: 'Change the spec, policies, note or what runs', parameters: [id], requestBody: body(updateScheduleSchema), responses: { 200: answer('The schedule', 'Schedule'), 404: missing } },
      delete: { summary: 'Delete the schedule (on Temporal too)', parameters: [id], responses: { 204: { description: 'Deleted' }, 404: missing } },
    },
    '/api/schedules/{id}/pause': scheduleAction('Pause (optional body: { note })', 200),
    '/api/schedules/{id}/unpause': scheduleAction('Resume (optional body: { note })', 200),
    '/api/schedules/{id}/trigger': scheduleAction('Run now', 202),
    '/api/schedules/{id}/backfill': scheduleAction('Run the times the spec had between start and end (the answer says how many, and what the overlap policy does to them)', 202, backfillScheduleSchema),
  };
}
