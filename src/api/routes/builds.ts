import { Hono } from 'hono';
import { z } from 'zod';
import { startSkillBuildSchema } from '../../contracts/builds';
import { decisionSchema } from '../../contracts/people';
import type { SkillBuildService } from '../../builds/service';
import type { AccessService } from '../../identity/service';
import { actingPerson, auditRoute, namesPerson } from '../acting';
import { type AuthVariables, requireScope } from '../auth';
import { validate } from '../validation';

const idParam = z.object({ id: z.string().min(1).max(100) });

/**
 * The builder agents (README "Skill Builder"), admins only: POST /api/builders/skill starts a
 * build; GET /api/builds/:id shows it; POST /api/builds/:id/approval decides on its draft with
 * an issue approval's body (a person whose role may publish skills).
 */
export function builderRoutes(builds: SkillBuildService, access: AccessService) {
  return new Hono<{ Variables: AuthVariables }>().post('/skill', auditRoute(access, 'build.start', 'build'), requireScope('admin'), validate('json', startSkillBuildSchema), async (c) => {
    const body = c.req.valid('json');
    c.set('auditDetails', { mode: body.mode, skill: body.skill ?? null });
    const key = c.get('principal').key;
    const person = namesPerson(c) ? (await actingPerson(c, access)).userId : `key ${key.name}`;
    return c.json(await builds.start(c.get('organization').id, body, { person, keyId: key.id }), 202);
  });
}

export function buildRoutes(builds: SkillBuildService, access: AccessService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/:id', requireScope('admin'), validate('param', idParam), async (c) => c.json(await builds.get(c.get('organization').id, c.req.valid('param').id)))
    .post('/:id/approval', auditRoute(access, 'build.decide', 'build', 'id'), requireScope('admin'), validate('param', idParam), validate('json', decisionSchema), async (c) => {
      const body = c.req.valid('json');
      c.set('auditDetails', { decision: body.decision });
      const person = await actingPerson(c, access, body.reviewer, 'publishSkill');
      return c.json(await builds.decide(c.get('organization').id, c.req.valid('param').id, { ...body, reviewer: person.userId }));
    });
}
