import { Hono } from 'hono';
import { z } from 'zod';
import {
  backfillScheduleSchema,
  createPersonaSchema,
  createScheduleSchema,
  invocationAnswerSchema,
  invocationDecisionSchema,
  invokeSkillSchema,
  listInvocationsQuerySchema,
  publishSkillSchema,
  semver,
  slug,
  skillEventSchema,
  updatePersonaSchema,
  updateScheduleSchema,
  updateSkillSchema,
} from '../../contracts/skills';
import { isUuid } from '../../contracts/ids';
import { AppError } from '../../errors';
import { validationMessage } from '../errors';
import { validationDetails } from '../validation-details';
import type { ScheduleService } from '../../skills/schedules';
import type { SkillService } from '../../skills/service';
import type { AccessService } from '../../identity/service';
import { actingPerson, auditRoute, cancelRule, originOf } from '../acting';
import { type AuthVariables, requireScope } from '../auth';
import { pageInMemory, pageQuerySchema } from '../../contracts/pages';
import { IDEMPOTENCY_HEADER } from '../idempotency';
import { validate } from '../validation';

/**
 * Skills, personas, invocations, ERP events and schedules. Every call is scoped to the
 * caller's organization. Reading skills and runs needs `skills:run` or `review`; running them
 * `skills:run`; changing skills, personas and schedules `admin` (audited); a person's answer or
 * review of a run `review` and a person (audited).
 */
const reader = requireScope('skills:run', 'review');
const admin = requireScope('admin');

/** A slug that breaks the slug rule is a 422 naming the rule, before any lookup. */
const slugParam = z.object({ slug });
const idParam = z.object({ id: z.string().min(1).max(100) });
const versionParam = z.object({ slug, version: semver });
/** Skills, personas and schedules: a few per organization, paged by name. */
const catalogPage = pageQuerySchema({ defaultLimit: 50, maxLimit: 200 });
const noteBody = z.strictObject({ note: z.string().max(1000).optional() });

/** Pause and unpause take an optional `{ note }`: no body at all is fine. */
async function optionalNote(body: Promise<string>): Promise<string | undefined> {
  const text = (await body).trim();
  if (!text) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('BAD_REQUEST', 'Malformed JSON body');
  }
  const parsed = noteBody.safeParse(json);
  if (!parsed.success) {
    const details = validationDetails(parsed.error.issues, json);
    throw new AppError('VALIDATION_FAILED', validationMessage('json', details), { details });
  }
  return parsed.data.note;
}

/** A malformed id cannot name an invocation: the same 404 as another organization's. */
function invocationId(id: string): string {
  if (!isUuid(id)) throw new AppError('NOT_FOUND', `Invocation ${id} not found`);
  return id;
}

export function skillRoutes(skills: SkillService, access: AccessService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', reader, validate('query', catalogPage), async (c) => c.json(await skills.list(c.get('organization').id, c.req.valid('query'))))
    .post('/', auditRoute(access, 'skill.publish', 'skill'), admin, validate('json', publishSkillSchema), async (c) => {
      const result = await skills.publish(c.get('organization').id, c.req.valid('json'));
      return c.json(result, result.created ? 201 : 200);
    })
    .get('/:slug', reader, validate('param', slugParam), async (c) => c.json(await skills.get(c.get('organization').id, c.req.valid('param').slug)))
    .patch('/:slug', auditRoute(access, 'skill.update', 'skill', 'slug'), admin, validate('param', slugParam), validate('json', updateSkillSchema), async (c) => {
      c.set('auditDetails', c.req.valid('json'));
      return c.json(await skills.update(c.get('organization').id, c.req.valid('param').slug, c.req.valid('json')));
    })
    .get('/:slug/versions/:version', reader, validate('param', versionParam), async (c) => {
      const { slug, version } = c.req.valid('param');
      return c.json(await skills.getVersion(c.get('organization').id, slug, version));
    })
    .post('/:slug/rollback', auditRoute(access, 'skill.rollback', 'skill', 'slug'), admin, validate('param', slugParam), async (c) => c.json(await skills.rollback(c.get('organization').id, c.req.valid('param').slug)))
    .post('/:slug/invoke', requireScope('skills:run'), validate('param', slugParam), validate('json', invokeSkillSchema), async (c) => {
      // Checked by the idempotency middleware; it also names the run, so a retry after a crash
      // that lost the stored response still finds the first run.
      const idempotencyKey = c.req.header(IDEMPOTENCY_HEADER);
      const result = await skills.invoke(c.get('organization').id, c.req.valid('param').slug, c.req.valid('json'), idempotencyKey, { keyId: c.get('principal').key.id });
      return c.json(result, result.created ? 202 : 200);
    });
}

export function personaRoutes(skills: SkillService, access: AccessService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', reader, validate('query', catalogPage), async (c) => c.json(pageInMemory(await skills.listPersonas(c.get('organization').id), c.req.valid('query'), (persona) => persona.slug)))
    .post('/', auditRoute(access, 'persona.create', 'persona'), admin, validate('json', createPersonaSchema), async (c) => c.json(await skills.createPersona(c.get('organization').id, c.req.valid('json')), 201))
    .get('/:slug', reader, validate('param', slugParam), async (c) => c.json(await skills.getPersona(c.get('organization').id, c.req.valid('param').slug)))
    .patch('/:slug', auditRoute(access, 'persona.update', 'persona', 'slug'), admin, validate('param', slugParam), validate('json', updatePersonaSchema), async (c) => {
      return c.json(await skills.updatePersona(c.get('organization').id, c.req.valid('param').slug, c.req.valid('json')));
    })
    .delete('/:slug', auditRoute(access, 'persona.delete', 'persona', 'slug'), admin, validate('param', slugParam), async (c) => {
      await skills.deletePersona(c.get('organization').id, c.req.valid('param').slug);
      return c.body(null, 204);
    });
}

export function invocationRoutes(skills: SkillService, access: AccessService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', reader, validate('query', listInvocationsQuerySchema), async (c) => {
      return c.json(await skills.listInvocations(c.get('organization').id, c.req.valid('query')));
    })
    .get('/:id', reader, validate('param', idParam), async (c) => c.json(await skills.getInvocation(c.get('organization').id, invocationId(c.req.valid('param').id))))
    .post('/:id/cancel', auditRoute(access, 'invocation.cancel', 'invocation', 'id'), requireScope('skills:run', 'review'), validate('param', idParam), async (c) => {
      const rule = await cancelRule(c, access, 'skills:run');
      return c.json(await skills.cancel(c.get('organization').id, invocationId(c.req.valid('param').id), { ...(rule.onlyIfSubmittedBy ? { onlyIfStartedBy: rule.onlyIfSubmittedBy } : {}) }), 202);
    })
    .post('/:id/answers', auditRoute(access, 'invocation.answer', 'invocation', 'id'), requireScope('review'), validate('param', idParam), validate('json', invocationAnswerSchema), async (c) => {
      const body = c.req.valid('json');
      const person = await actingPerson(c, access, body.answeredBy, 'answer');
      return c.json(await skills.answer(c.get('organization').id, invocationId(c.req.valid('param').id), { ...body, answeredBy: person.userId, origin: originOf(c) }));
    })
    .post('/:id/approval', auditRoute(access, 'invocation.decide', 'invocation', 'id'), requireScope('review'), validate('param', idParam), validate('json', invocationDecisionSchema), async (c) => {
      const body = c.req.valid('json');
      c.set('auditDetails', { decision: body.decision });
      const person = await actingPerson(c, access, body.reviewer, 'reviewSkillRun');
      return c.json(await skills.decide(c.get('organization').id, invocationId(c.req.valid('param').id), { ...body, reviewer: person.userId, origin: originOf(c) }));
    });
}

export function eventRoutes(skills: SkillService) {
  return new Hono<{ Variables: AuthVariables }>().post('/', requireScope('skills:run'), validate('json', skillEventSchema), async (c) => {
    const result = await skills.handleEvent(c.get('organization').id, c.req.valid('json'), { keyId: c.get('principal').key.id });
    return c.json(result, result.duplicate ? 200 : 202);
  });
}

export function scheduleRoutes(schedules: ScheduleService, access: AccessService) {
  const audit = (action: string, param?: string) => auditRoute(access, `schedule.${action}`, 'schedule', param);
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', reader, validate('query', catalogPage), async (c) => c.json(await schedules.list(c.get('organization').id, c.req.valid('query'))))
    .post('/', audit('create'), admin, validate('json', createScheduleSchema), async (c) => c.json(await schedules.create(c.get('organization').id, c.req.valid('json')), 201))
    .get('/:id', reader, validate('param', idParam), async (c) => c.json(await schedules.get(c.get('organization').id, c.req.valid('param').id)))
    .patch('/:id', audit('update', 'id'), admin, validate('param', idParam), validate('json', updateScheduleSchema), async (c) => {
      return c.json(await schedules.update(c.get('organization').id, c.req.valid('param').id, c.req.valid('json')));
    })
    .delete('/:id', audit('delete', 'id'), admin, validate('param', idParam), async (c) => {
      await schedules.remove(c.get('organization').id, c.req.valid('param').id);
      return c.body(null, 204);
    })
    .post('/:id/pause', audit('pause', 'id'), admin, validate('param', idParam), async (c) => {
      return c.json(await schedules.pause(c.get('organization').id, c.req.valid('param').id, await optionalNote(c.req.text())));
    })
    .post('/:id/unpause', audit('unpause', 'id'), admin, validate('param', idParam), async (c) => {
      return c.json(await schedules.unpause(c.get('organization').id, c.req.valid('param').id, await optionalNote(c.req.text())));
    })
    .post('/:id/trigger', audit('trigger', 'id'), admin, validate('param', idParam), async (c) => c.json(await schedules.trigger(c.get('organization').id, c.req.valid('param').id), 202))
    .post('/:id/backfill', audit('backfill', 'id'), admin, validate('param', idParam), validate('json', backfillScheduleSchema), async (c) => {
      c.set('auditDetails', c.req.valid('json'));
      return c.json(await schedules.backfill(c.get('organization').id, c.req.valid('param').id, c.req.valid('json')), 202);
    });
}
