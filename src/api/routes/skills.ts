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
  skillEventSchema,
  updatePersonaSchema,
  updateScheduleSchema,
  updateSkillSchema,
} from '../../contracts/skills';
import { isUuid } from '../../contracts/ids';
import { AppError } from '../../errors';
import type { ScheduleService } from '../../skills/schedules';
import type { SkillService } from '../../skills/service';
import type { AuthVariables } from '../auth';
import { validate } from '../validation';

/** Skills, personas, invocations, ERP events and schedules. Every call is scoped to the caller's organization. */

const slugParam = z.object({ slug: z.string().min(1).max(80) });
const idParam = z.object({ id: z.string().min(1).max(100) });
const versionParam = z.object({ slug: z.string().min(1).max(80), version: semver });
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
    throw new AppError('VALIDATION_FAILED', 'Invalid json', { details: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) });
  }
  return parsed.data.note;
}

/** A malformed id cannot name an invocation: the same 404 as another organization's. */
function invocationId(id: string): string {
  if (!isUuid(id)) throw new AppError('NOT_FOUND', `Invocation ${id} not found`);
  return id;
}

export function skillRoutes(skills: SkillService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', async (c) => c.json({ items: await skills.list(c.get('organization').id) }))
    .post('/', validate('json', publishSkillSchema), async (c) => {
      const result = await skills.publish(c.get('organization').id, c.req.valid('json'));
      return c.json(result, result.created ? 201 : 200);
    })
    .get('/:slug', validate('param', slugParam), async (c) => c.json(await skills.get(c.get('organization').id, c.req.valid('param').slug)))
    .patch('/:slug', validate('param', slugParam), validate('json', updateSkillSchema), async (c) => {
      return c.json(await skills.update(c.get('organization').id, c.req.valid('param').slug, c.req.valid('json')));
    })
    .get('/:slug/versions/:version', validate('param', versionParam), async (c) => {
      const { slug, version } = c.req.valid('param');
      return c.json(await skills.getVersion(c.get('organization').id, slug, version));
    })
    .post('/:slug/rollback', validate('param', slugParam), async (c) => c.json(await skills.rollback(c.get('organization').id, c.req.valid('param').slug)))
    .post('/:slug/invoke', validate('param', slugParam), validate('json', invokeSkillSchema), async (c) => {
      const idempotencyKey = c.req.header('idempotency-key')?.trim() || undefined;
      if (idempotencyKey && idempotencyKey.length > 200) throw new AppError('BAD_REQUEST', 'Idempotency-Key is longer than 200 characters');
      const result = await skills.invoke(c.get('organization').id, c.req.valid('param').slug, c.req.valid('json'), idempotencyKey);
      return c.json(result, result.created ? 202 : 200);
    });
}

export function personaRoutes(skills: SkillService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', async (c) => c.json({ items: await skills.listPersonas(c.get('organization').id) }))
    .post('/', validate('json', createPersonaSchema), async (c) => c.json(await skills.createPersona(c.get('organization').id, c.req.valid('json')), 201))
    .get('/:slug', validate('param', slugParam), async (c) => c.json(await skills.getPersona(c.get('organization').id, c.req.valid('param').slug)))
    .patch('/:slug', validate('param', slugParam), validate('json', updatePersonaSchema), async (c) => {
      return c.json(await skills.updatePersona(c.get('organization').id, c.req.valid('param').slug, c.req.valid('json')));
    })
    .delete('/:slug', validate('param', slugParam), async (c) => {
      await skills.deletePersona(c.get('organization').id, c.req.valid('param').slug);
      return c.body(null, 204);
    });
}

export function invocationRoutes(skills: SkillService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', validate('query', listInvocationsQuerySchema), async (c) => {
      return c.json({ items: await skills.listInvocations(c.get('organization').id, c.req.valid('query')) });
    })
    .get('/:id', validate('param', idParam), async (c) => c.json(await skills.getInvocation(c.get('organization').id, invocationId(c.req.valid('param').id))))
    .post('/:id/cancel', validate('param', idParam), async (c) => {
      return c.json(await skills.cancel(c.get('organization').id, invocationId(c.req.valid('param').id)), 202);
    })
    .post('/:id/answers', validate('param', idParam), validate('json', invocationAnswerSchema), async (c) => {
      return c.json(await skills.answer(c.get('organization').id, invocationId(c.req.valid('param').id), c.req.valid('json')));
    })
    .post('/:id/approval', validate('param', idParam), validate('json', invocationDecisionSchema), async (c) => {
      return c.json(await skills.decide(c.get('organization').id, invocationId(c.req.valid('param').id), c.req.valid('json')));
    });
}

export function eventRoutes(skills: SkillService) {
  return new Hono<{ Variables: AuthVariables }>().post('/', validate('json', skillEventSchema), async (c) => {
    const result = await skills.handleEvent(c.get('organization').id, c.req.valid('json'));
    return c.json(result, result.duplicate ? 200 : 202);
  });
}

export function scheduleRoutes(schedules: ScheduleService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', async (c) => c.json({ items: await schedules.list(c.get('organization').id) }))
    .post('/', validate('json', createScheduleSchema), async (c) => c.json(await schedules.create(c.get('organization').id, c.req.valid('json')), 201))
    .get('/:id', validate('param', idParam), async (c) => c.json(await schedules.get(c.get('organization').id, c.req.valid('param').id)))
    .patch('/:id', validate('param', idParam), validate('json', updateScheduleSchema), async (c) => {
      return c.json(await schedules.update(c.get('organization').id, c.req.valid('param').id, c.req.valid('json')));
    })
    .delete('/:id', validate('param', idParam), async (c) => {
      await schedules.remove(c.get('organization').id, c.req.valid('param').id);
      return c.body(null, 204);
    })
    .post('/:id/pause', validate('param', idParam), async (c) => {
      return c.json(await schedules.pause(c.get('organization').id, c.req.valid('param').id, await optionalNote(c.req.text())));
    })
    .post('/:id/unpause', validate('param', idParam), async (c) => {
      return c.json(await schedules.unpause(c.get('organization').id, c.req.valid('param').id, await optionalNote(c.req.text())));
    })
    .post('/:id/trigger', validate('param', idParam), async (c) => c.json(await schedules.trigger(c.get('organization').id, c.req.valid('param').id), 202))
    .post('/:id/backfill', validate('param', idParam), validate('json', backfillScheduleSchema), async (c) => {
      return c.json(await schedules.backfill(c.get('organization').id, c.req.valid('param').id, c.req.valid('json')), 202);
    });
}
