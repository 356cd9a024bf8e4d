import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { type FeedbackRequest, feedbackRequestSchema, feedbackSummaryQuerySchema, improvementUpdateSchema } from '../../contracts/feedback';
import type { FeedbackService, FeedbackTarget } from '../../feedback/service';
import type { AccessService } from '../../identity/service';
import type { ApiKeyScope } from '../../identity/scopes';
import { auditRoute } from '../acting';
import { type AuthVariables, requireScope } from '../auth';
import { validate } from '../validation';

const idParam = z.object({ id: z.string().min(1).max(100) });

/**
 * Feedback on one issue (/api/issues/:id/feedback) or one skill run
 * (/api/invocations/:id/feedback): the keys that work them give it (audited) and read it.
 */
function targetFeedbackRoutes(feedback: FeedbackService, access: AccessService, kind: 'issue' | 'invocation', scopes: ApiKeyScope[]) {
  const target = (id: string): FeedbackTarget => (kind === 'issue' ? { issueId: id } : { invocationId: id });
  const give = async (c: Context<{ Variables: AuthVariables }>, id: string, body: FeedbackRequest) => {
    c.set('auditDetails', { rating: body.rating, outcome: body.outcome });
    const person = c.get('principal').key.reviewerUserId ?? null;
    return c.json(await feedback.give(c.get('organization').id, target(id), body, person), 201);
  };
  return new Hono<{ Variables: AuthVariables }>()
    .post('/:id/feedback', auditRoute(access, `${kind}.feedback`, kind, 'id'), requireScope(...scopes), validate('param', idParam), validate('json', feedbackRequestSchema), (c) =>
      give(c, c.req.valid('param').id, c.req.valid('json')),
    )
    .get('/:id/feedback', requireScope(...scopes), validate('param', idParam), async (c) => c.json(await feedback.list(c.get('organization').id, target(c.req.valid('param').id))));
}

export const issueFeedbackRoutes = (feedback: FeedbackService, access: AccessService) => targetFeedbackRoutes(feedback, access, 'issue', ['issues:write', 'review']);
export const invocationFeedbackRoutes = (feedback: FeedbackService, access: AccessService) => targetFeedbackRoutes(feedback, access, 'invocation', ['skills:run', 'review']);

/** /api/feedback: the organization's summary (per stage, per skill), and the improvement status (admin, audited). */
export function feedbackRoutes(feedback: FeedbackService, access: AccessService) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/summary', requireScope('issues:write', 'review', 'skills:run'), validate('query', feedbackSummaryQuerySchema), async (c) =>
      c.json(await feedback.summary(c.get('organization').id, c.req.valid('query'))),
    )
    .patch('/:id', auditRoute(access, 'feedback.improvement', 'feedback', 'id'), requireScope('admin'), validate('param', idParam), validate('json', improvementUpdateSchema), async (c) => {
      const body = c.req.valid('json');
      c.set('auditDetails', { improvementStatus: body.improvementStatus });
      return c.json(await feedback.setImprovement(c.get('organization').id, c.req.valid('param').id, body));
    });
}
