import { Hono } from 'hono';
import { logIssueId } from '../request-log';
import { z } from 'zod';
import { createIssueRequestSchema, listIssuesQuerySchema } from '../../contracts/issue';
import { answerSchema, commandDecisionSchema, decisionSchema, interruptSchema, raiseBudgetSchema, steeringMessageSchema } from '../../contracts/people';
import { isUuid } from '../../contracts/ids';
import { AppError } from '../../errors';
import type { IssueService } from '../../issues/service';
import type { AccessService } from '../../identity/service';
import { actingPerson, auditRoute, cancelRule, originOf } from '../acting';
import { type AuthVariables, requireScope } from '../auth';
import { IDEMPOTENCY_HEADER } from '../idempotency';
import { validate } from '../validation';
import { pageQuerySchema } from '../../contracts/pages';
import { gateAction } from '../../identity/scopes';
import { assertPersonMay } from '../../identity/acting';

const issueIdParam = z.object({ id: z.string() });

/**
 * Issue routes. Every read and write is scoped to the caller's organization. Submitting needs
 * `issues:write`; reading `issues:write` or `review`; what people decide needs `review` and a
 * person (src/identity/acting.ts) whose role may do it — the workflow checks the role again.
 * Every human action is audited, refused ones included.
 */
export function issueRoutes(issues: IssueService, access: AccessService) {
  const reader = requireScope('issues:write', 'review');
  return new Hono<{ Variables: AuthVariables }>()
    .use('/:id', logIssueId())
    .use('/:id/*', logIssueId())
    .post('/', requireScope('issues:write'), validate('json', createIssueRequestSchema), async (c) => {
      const { created, issue, startDeferred } = await issues.submit(c.get('organization'), c.req.valid('json'), {
        keyId: c.get('principal').key.id,
        idempotencyKey: c.req.header(IDEMPOTENCY_HEADER),
      });
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
        // 202: stored, started when Temporal is reachable again (it was not just now).
        startDeferred ? 202 : created ? 201 : 200,
      );
    })
    .get('/', reader, validate('query', listIssuesQuerySchema), async (c) => {
      return c.json(await issues.list(c.get('organization').id, c.req.valid('query')));
    })
    .get('/:id', reader, validate('param', issueIdParam), async (c) => {
      const id = issueId(c.req.valid('param').id);
      const issue = await issues.get(c.get('organization').id, id);
      if (!issue) throw new AppError('NOT_FOUND', `Issue ${id} not found`);
      return c.json(issue);
    })
    .get('/:id/logs', reader, validate('param', issueIdParam), validate('query', logsQuery), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json(await issues.logs(c.get('organization').id, id, c.req.valid('query')));
    })
    .get('/:id/artifacts', reader, validate('param', issueIdParam), validate('query', artifactsQuery), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json(await issues.artifacts(c.get('organization').id, id, c.req.valid('query')));
    })
    .get('/:id/people', reader, validate('param', issueIdParam), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json(await issues.people(c.get('organization').id, id));
    })
    .post('/:id/approval', auditRoute(access, 'issue.decide', 'issue', 'id'), requireScope('review'), validate('param', issueIdParam), validate('json', decisionSchema), async (c) => {
      const id = issueId(c.req.valid('param').id);
      const body = c.req.valid('json');
      c.set('auditDetails', { decision: body.decision, gate: body.gate ?? null });
      const person = await actingPerson(c, access, body.reviewer, body.gate ? gateAction(body.gate) : ['approvePlan', 'approveFinal']);
      return c.json(await issues.decide(c.get('organization').id, id, { ...body, reviewer: person.userId, origin: originOf(c) }));
    })
    .post('/:id/answers', auditRoute(access, 'issue.answer', 'issue', 'id'), requireScope('review'), validate('param', issueIdParam), validate('json', answerSchema), async (c) => {
      const id = issueId(c.req.valid('param').id);
      const body = c.req.valid('json');
      c.set('auditDetails', { questionId: body.questionId ?? null, confirm: body.confirm ?? false });
      const person = await actingPerson(c, access, body.answeredBy, 'answer');
      return c.json(await issues.answer(c.get('organization').id, id, { ...body, answeredBy: person.userId, origin: originOf(c) }));
    })
    .post('/:id/budget', auditRoute(access, 'issue.raise_budget', 'issue', 'id'), requireScope('review'), validate('param', issueIdParam), validate('json', raiseBudgetSchema), async (c) => {
      const id = issueId(c.req.valid('param').id);
      const body = c.req.valid('json');
      c.set('auditDetails', { budgetUsd: body.budgetUsd });
      const person = await actingPerson(c, access, body.reviewer, 'raiseBudget');
      return c.json(await issues.raiseBudget(c.get('organization').id, id, { ...body, reviewer: person.userId, origin: originOf(c) }));
    })
    .post('/:id/messages', auditRoute(access, 'issue.message', 'issue', 'id'), requireScope('review'), validate('param', issueIdParam), validate('json', steeringMessageSchema), async (c) => {
      const id = issueId(c.req.valid('param').id);
      const body = c.req.valid('json');
      c.set('auditDetails', { modelTier: body.modelTier ?? null, length: body.message.length });
      const person = await actingPerson(c, access, body.from, 'steer');
      // A different model tier spends differently: the role that may raise the budget chooses it.
      if (body.modelTier !== undefined) assertPersonMay(c.get('organization'), person, 'raiseBudget');
      return c.json(await issues.message(c.get('organization').id, id, { ...body, from: person.userId, origin: originOf(c) }));
    })
    .post('/:id/interrupt', auditRoute(access, 'issue.interrupt', 'issue', 'id'), requireScope('review'), validate('param', issueIdParam), validate('json', interruptSchema), async (c) => {
      const id = issueId(c.req.valid('param').id);
      const body = c.req.valid('json');
      const person = await actingPerson(c, access, body.from, 'steer');
      return c.json(await issues.interrupt(c.get('organization').id, id, { ...body, from: person.userId, origin: originOf(c) }));
    })
    .post('/:id/command-approval', auditRoute(access, 'issue.command_decision', 'issue', 'id'), requireScope('review'), validate('param', issueIdParam), validate('json', commandDecisionSchema), async (c) => {
      const id = issueId(c.req.valid('param').id);
      const body = c.req.valid('json');
      c.set('auditDetails', { decision: body.decision, toolUseId: body.toolUseId ?? null });
      const person = await actingPerson(c, access, body.reviewer, 'approveCommand');
      return c.json(await issues.decideCommand(c.get('organization').id, id, { ...body, reviewer: person.userId, origin: originOf(c) }));
    })
    .post('/:id/cancel', auditRoute(access, 'issue.cancel', 'issue', 'id'), requireScope('issues:write', 'review'), validate('param', issueIdParam), async (c) => {
      const id = issueId(c.req.valid('param').id);
      return c.json(await issues.cancel(c.get('organization').id, id, await cancelRule(c, access, 'issues:write')), 202);
    });
}

const logsQuery = pageQuerySchema({ defaultLimit: 200, maxLimit: 1000 });
const artifactsQuery = pageQuerySchema({ defaultLimit: 50, maxLimit: 200 });

/** A malformed id cannot name an issue: the same 404 as another organization's issue. */
function issueId(id: string): string {
  if (!isUuid(id)) throw new AppError('NOT_FOUND', `Issue ${id} not found`);
  return id;
}
