import { randomUUID } from 'node:crypto';
import { createApp } from '../../src/api/app';
import type { DatabaseHandle } from '../../src/db/client';
import { listAuditEvents } from '../../src/db/audit';
import { issueApiKey } from '../../src/db/organizations';
import { addReviewer } from '../../src/db/people';
import { issues } from '../../src/db/schema';
import { createFeedbackService } from '../../src/feedback/service';
import { createAccessService } from '../../src/identity/service';
import { checked } from '../support/contract';
import { createTestInvocation, createTestOrganization, openTestDatabase, uniqueId } from '../support/harness';

/**
 * Feedback through the HTTP API on the real database: given on issues and skill runs, listed,
 * its improvement status kept by admins, summarised per stage and per skill — and never across
 * organizations.
 */
describe('feedback API', () => {
  let db: DatabaseHandle;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    db = await openTestDatabase();
    app = checked(createApp({ issues: {} as never, access: createAccessService(db.db), feedback: createFeedbackService(db.db), health: async () => ({}), logError: () => undefined }));
  });
  afterAll(() => db.close());

  const call = async (key: string, method: string, path: string, body?: unknown) => {
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  async function organizationWithWork() {
    const { organization, apiKey } = await createTestOrganization(db);
    const externalId = uniqueId('fb');
    const [issue] = await db.db
      .insert(issues)
      .values({ organizationId: organization.id, source: 'erp', externalId, type: 'bug', priority: 'low', title: 'x', workflowId: `issue:${organization.id}:erp:${externalId}`, status: 'completed' })
      .returning();
    const invocationId = await createTestInvocation(db, organization.id);
    return { organizationId: organization.id, apiKey, issueId: issue!.id, invocationId };
  }

  it('takes feedback on issues and skill runs, lists it, tracks improvements and sums it up', async () => {
    const { organizationId, apiKey, issueId, invocationId } = await organizationWithWork();
    const given = await call(apiKey, 'POST', `/api/issues/${issueId}/feedback`, { rating: 4, outcome: 'solved', comment: 'Fixed the rounding', tags: ['billing', 'billing'], userId: 'erp-user-7', kanbanCardId: 'K-1' });
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({ issueId, invocationId: null, agentType: null, rating: 4, outcome: 'SOLVED', tags: ['billing'], userId: 'erp-user-7', improvementStatus: 'PENDING' });
    await call(apiKey, 'POST', `/api/issues/${issueId}/feedback`, { rating: 2, outcome: 'PARTIAL', stage: 'review' });
    await call(apiKey, 'POST', `/api/issues/${issueId}/feedback`, { rating: 1, outcome: 'MADE_WORSE', stage: 'review' });
    const onRun = await call(apiKey, 'POST', `/api/invocations/${invocationId}/feedback`, { rating: 5, outcome: 'SOLVED' });
    expect(onRun.body).toMatchObject({ invocationId, issueId: null, agentType: 'client-analyzer' });

    const listed = await call(apiKey, 'GET', `/api/issues/${issueId}/feedback`);
    expect((listed.body['items'] as Array<{ rating: number }>).map((item) => item.rating)).toEqual([1, 2, 4]);

    const improved = await call(apiKey, 'PATCH', `/api/feedback/${String(given.body['id'])}`, { improvementStatus: 'implemented', analysisResult: { change: 'PR #12' } });
    expect(improved).toMatchObject({ status: 200, body: { improvementStatus: 'IMPLEMENTED', analysisResult: { change: 'PR #12' } } });

    const summary = await call(apiKey, 'GET', '/api/feedback/summary');
    expect(summary.body).toEqual({
      byStage: [
        { key: 'issue', count: 1, averageRating: 4, outcomes: { SOLVED: 1, PARTIAL: 0, NOT_SOLVED: 0, MADE_WORSE: 0 }, pending: 0 },
        { key: 'review', count: 2, averageRating: 1.5, outcomes: { SOLVED: 0, PARTIAL: 1, NOT_SOLVED: 0, MADE_WORSE: 1 }, pending: 2 },
      ],
      bySkill: [{ key: 'client-analyzer', count: 1, averageRating: 5, outcomes: { SOLVED: 1, PARTIAL: 0, NOT_SOLVED: 0, MADE_WORSE: 0 }, pending: 1 }],
    });
    const future = await call(apiKey, 'GET', `/api/feedback/summary?from=${encodeURIComponent('2999-01-01T00:00:00Z')}`);
    expect(future.body).toEqual({ byStage: [], bySkill: [] });

    const audit = await listAuditEvents(db.db, organizationId, { limit: 50, offset: 0 });
    expect(audit.items.map((event) => event.action)).toEqual(expect.arrayContaining(['issue.feedback', 'invocation.feedback', 'feedback.improvement']));
  });

  it("records a personal key's person, and refuses another name, bad values, other tenants' ids and missing scopes", async () => {
    const { organizationId, apiKey, issueId, invocationId } = await organizationWithWork();
    await addReviewer(db.db, { organizationId, userId: 'alice', name: 'Alice' });
    const { key: alicesKey } = await issueApiKey(db.db, organizationId, 'alice', { scopes: ['review'], reviewerUserId: 'alice' });
    expect((await call(alicesKey, 'POST', `/api/issues/${issueId}/feedback`, { rating: 3, outcome: 'PARTIAL' })).body).toMatchObject({ userId: 'alice' });
    expect((await call(alicesKey, 'POST', `/api/issues/${issueId}/feedback`, { rating: 3, outcome: 'PARTIAL', userId: 'bob' })).status).toBe(403);

    for (const bad of [{ rating: 0, outcome: 'SOLVED' }, { rating: 6, outcome: 'SOLVED' }, { rating: 2.5, outcome: 'SOLVED' }, { rating: 3, outcome: 'GREAT' }, { rating: 3 }, { rating: 3, outcome: 'SOLVED', stage: 'deploy' }, { rating: 3, outcome: 'SOLVED', issueId: 'x' }]) {
      expect([bad, (await call(apiKey, 'POST', `/api/issues/${issueId}/feedback`, bad)).status]).toEqual([bad, 422]);
    }
    const stageOnRun = await call(apiKey, 'POST', `/api/invocations/${invocationId}/feedback`, { rating: 3, outcome: 'SOLVED', stage: 'code' });
    expect(stageOnRun).toMatchObject({ status: 422, body: { error: { details: [{ path: 'stage' }] } } });
    expect((await call(apiKey, 'PATCH', `/api/feedback/${randomUUID()}`, { improvementStatus: 'DONE' })).status).toBe(422);

    // Another organization's issue, run and feedback do not exist for this key.
    const other = await organizationWithWork();
    const theirs = await call(other.apiKey, 'POST', `/api/issues/${other.issueId}/feedback`, { rating: 5, outcome: 'SOLVED' });
    expect((await call(apiKey, 'POST', `/api/issues/${other.issueId}/feedback`, { rating: 1, outcome: 'MADE_WORSE' })).status).toBe(404);
    expect((await call(apiKey, 'GET', `/api/invocations/${other.invocationId}/feedback`)).status).toBe(404);
    expect((await call(apiKey, 'PATCH', `/api/feedback/${String(theirs.body['id'])}`, { improvementStatus: 'DISMISSED' })).status).toBe(404);
    expect((await call(apiKey, 'GET', '/api/issues/not-a-uuid/feedback')).status).toBe(404);
    expect((await call(other.apiKey, 'GET', `/api/issues/${other.issueId}/feedback`)).body).toMatchObject({ items: [{ improvementStatus: 'PENDING' }] });

    // Scopes: a reviewer may not set improvement status; a skills key may not rate issues.
    expect((await call(alicesKey, 'PATCH', `/api/feedback/${String(theirs.body['id'])}`, { improvementStatus: 'DISMISSED' })).status).toBe(403);
    const { key: skillsKey } = await issueApiKey(db.db, organizationId, 'skills', { scopes: ['skills:run'] });
    expect((await call(skillsKey, 'POST', `/api/issues/${issueId}/feedback`, { rating: 3, outcome: 'SOLVED' })).status).toBe(403);
    expect((await call(skillsKey, 'POST', `/api/invocations/${invocationId}/feedback`, { rating: 3, outcome: 'SOLVED' })).status).toBe(201);
  });
});
