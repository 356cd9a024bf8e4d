import { Hono } from 'hono';
import { z } from 'zod';
import { createIssueRequestSchema, listIssuesQuerySchema } from '../../contracts/issue';
import { answerSchema, decisionSchema, raiseBudgetSchema } from '../../contracts/people';
import { isUuid } from '../../contracts/ids';
import { AppError } from '../../errors';
import type { IssueService } from '../../issues/service';
import type { AuthVariables } from '../auth';
import { validate } from '../validation';

const issueIdParam = z.object({ id: z.string() });

/** Issue routes. Every read and write is scoped to the caller's organization. */
export function issueRoutes(issues: IssueService) {
  return new Hono<{ Variables: AuthVariables }>()
    .post('/', validate('json', createIssueRequestSchema), async (c) => {
      const { created, issue } = await issues.submit(c.get('organization'), c.req.valid('json'));
      return c.json(
        {
          id: issue.id,
          status: issue.status,
          erpStatus: issue.erpStatus,
          workflowId: issue.workflowId,
          jobId: issue.workflowId,
          trackingUrl: issue.trackingUrl,
          created,
        },
        created ? 201 : 200,
      );
    })
    .get('/', validate('query', listIssuesQuerySchema), async (c) => {
      return c.json(await issues.list(c.get('organization').id, c.req.valid('query')));
    })
    .get('/:id', validate('param', issueIdParam), async (c) => {
      const id = issueId(c.req.valid('param').id);
      const issue = await issues.get(c.get('organization').id, id);
      if (!issue) throw new AppError('NOT_FOUND', `Issue ${id} not found`);
      return c.json(issue);
    })
    .get('/:id/logs', validate('param', issueIdParam), validate('query', logsQuery), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json({ items: await issues.logs(c.get('organization').id, id, c.req.valid('query').limit) });
    })
    .get('/:id/artifacts', validate('param', issueIdParam), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json({ items: await issues.artifacts(c.get('organization').id, id) });
    })
    .get('/:id/people', validate('param', issueIdParam), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json(await issues.people(c.get('organization').id, id));
    })
    .post('/:id/approval', validate('param', issueIdParam), validate('json', decisionSchema), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json(await issues.decide(c.get('organization').id, id, c.req.valid('json')));
    })
    .post('/:id/answers', validate('param', issueIdParam), validate('json', answerSchema), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json(await issues.answer(c.get('organization').id, id, c.req.valid('json')));
    })
    .post('/:id/budget', validate('param', issueIdParam), validate('json', raiseBudgetSchema), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json(await issues.raiseBudget(c.get('organization').id, id, c.req.valid('json')));
    })
    .post('/:id/cancel', validate('param', issueIdParam), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json(await issues.cancel(c.get('organization').id, id), 202);
    });
}

const logsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

/** A malformed id cannot name an issue: the same 404 as another organization's issue. */
function issueId(id: string): string {
  if (!isUuid(id)) throw new AppError('NOT_FOUND', `Issue ${id} not found`);
  return id;
}
