import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { buildDecisionSchema, type StartErpBuild, startErpBuildSchema, startFeatureBuildSchema, startSkillBuildSchema } from '../../contracts/builds';
import type { SkillBuildService } from '../../builds/service';
import type { AccessService } from '../../identity/service';
import { actingPerson, auditRoute, namesPerson } from '../acting';
import { type AuthVariables, requireScope } from '../auth';
import { validate } from '../validation';

const idParam = z.object({ id: z.string().min(1).max(100) });

/**
 * The builder agents (README "Builder agents"), admins only: POST /api/builders/{skill, feature,
 * form, workflow} starts a build; GET /api/builds/:id shows it; POST /api/builds/:id/approval
 * decides on its draft or proposal with an issue approval's body (a person whose role may
 * publish skills: every builder's output).
 */
export function builderRoutes(builds: SkillBuildService, access: AccessService) {
  /** Who asked: the person the request names, or the key. */
  const requester = async (c: Context<{ Variables: AuthVariables }>) => {
    const key = c.get('principal').key;
    return { person: namesPerson(c) ? (await actingPerson(c, access)).userId : `key ${key.name}`, keyId: key.id };
  };
  /** The Form Generator and the Workflow Designer: the same body, one route each. */
  const startErp = (kind: 'form' | 'workflow') =>
    [
      auditRoute(access, 'build.start', 'build'),
      requireScope('admin'),
      validate('json', startErpBuildSchema),
      async (c: Context<{ Variables: AuthVariables }, string, { in: { json: StartErpBuild }; out: { json: StartErpBuild } }>) => {
        c.set('auditDetails', { kind });
        return c.json(await builds.startErp(c.get('organization').id, kind, c.req.valid('json'), await requester(c)), 202);
      },
    ] as const;
  return new Hono<{ Variables: AuthVariables }>()
    .post('/skill', auditRoute(access, 'build.start', 'build'), requireScope('admin'), validate('json', startSkillBuildSchema), async (c) => {
      const body = c.req.valid('json');
      c.set('auditDetails', { kind: 'skill', mode: body.mode, skill: body.skill ?? null });
      return c.json(await builds.start(c.get('organization').id, body, await requester(c)), 202);
    })
    .post('/feature', auditRoute(access, 'build.start', 'build'), requireScope('admin'), validate('json', startFeatureBuildSchema), async (c) => {
      const body = c.req.valid('json');
      c.set('auditDetails', { kind: 'feature', skill: body.skill });
      return c.json(await builds.start(c.get('organization').id, { ...body, mode: 'extend' }, await requester(c)), 202);
    })
    .post('/form', ...startErp('form'))
    .post('/workflow', ...startErp('workflow'));
}

export function buildRoutes(builds: SkillBuildService, access: AccessService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/:id', requireScope('admin'), validate('param', idParam), async (c) => c.json(await builds.get(c.get('organization').id, c.req.valid('param').id)))
    .post('/:id/approval', auditRoute(access, 'build.decide', 'build', 'id'), requireScope('admin'), validate('param', idParam), validate('json', buildDecisionSchema), async (c) => {
      const body = c.req.valid('json');
      c.set('auditDetails', { decision: body.decision });
      const person = await actingPerson(c, access, body.reviewer, 'publishSkill');
      return c.json(await builds.decide(c.get('organization').id, c.req.valid('param').id, { ...body, reviewer: person.userId }));
    });
}
