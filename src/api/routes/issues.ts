import { Hono } from 'hono';
import { z } from 'zod';
import { createIssueRequestSchema, listIssuesQuerySchema } from '../../contracts/issue';
import { AppError } from '../../errors';
import type { IssueService } from '../../issues/service';
import type { AuthVariables } from '../auth';
import { validate } from '../validation';

const issueIdParam = z.object({ id: z.string() });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
      const { id } = c.req.valid('param');
      // A malformed id cannot name an issue: the same 404 as another organization's issue.
      const issue = UUID.test(id) ? await issues.get(c.get('organization').id, id) : undefined;
      if (!issue) throw new AppError('NOT_FOUND', `Issue ${id} not found`);
      return c.json(issue);
    });
}
