import { createApp } from '../../src/api/app';
import type { DatabaseHandle } from '../../src/db/client';
import { issueApiKey } from '../../src/db/organizations';
import { addReviewer, removeReviewer } from '../../src/db/people';
import { issues } from '../../src/db/schema';
import { createInvocationRequest } from '../../src/db/skills';
import { createAccessService } from '../../src/identity/service';
import { createInboxService } from '../../src/inbox/service';
import { checked } from '../support/contract';
import { createTestInvocation, createTestOrganization, openTestDatabase, uniqueId } from '../support/harness';

/**
 * GET /api/inbox on the real database: each person sees the waits their role may settle,
 * soonest deadline first; a service key sees them all; nothing of another organization.
 */
describe('inbox API', () => {
  let db: DatabaseHandle;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    db = await openTestDatabase();
    app = checked(createApp({ issues: {} as never, access: createAccessService(db.db), inbox: createInboxService(db.db), health: async () => ({}), logError: () => undefined }));
  });
  afterAll(() => db.close());

  const inbox = async (key: string, headers: Record<string, string> = {}) => {
    const response = await app.request('/api/inbox', { headers: { authorization: `Bearer ${key}`, ...headers } });
    return { status: response.status, body: (await response.json()) as { person: unknown; items: Array<Record<string, unknown>> } };
  };

  async function waitingIssue(organizationId: string, status: string, pending: Record<string, unknown>) {
    const externalId = uniqueId('inbox');
    const [row] = await db.db
      .insert(issues)
      .values({ organizationId, source: 'erp', externalId, type: 'bug', priority: 'high', title: `waits: ${String(pending['kind'])}`, workflowId: `issue:${organizationId}:erp:${externalId}`, status, pending })
      .returning();
    return row!.id;
  }
  const wait = (kind: string, deadline: string, extra: Record<string, unknown> = {}) => ({ kind, since: '2026-12-01T10:00:00.000Z', deadline, reminded: false, escalated: kind === 'budget', ...extra });

  it("lists what each person's role may settle, soonest deadline first, and nothing of another organization", async () => {
    const { organization, apiKey: serviceKey } = await createTestOrganization(db);
    const organizationId = organization.id;
    await addReviewer(db.db, { organizationId, userId: 'rita', name: 'Rita' });
    await addReviewer(db.db, { organizationId, userId: 'adam', name: 'Adam', role: 'admin' });
    const rita = (await issueApiKey(db.db, organizationId, 'rita', { scopes: ['review'], reviewerUserId: 'rita' })).key;
    const adam = (await issueApiKey(db.db, organizationId, 'adam', { scopes: ['review'], reviewerUserId: 'adam' })).key;

    const budget = await waitingIssue(organizationId, 'awaiting_budget', wait('budget', '2026-12-05T09:00:00.000Z', { spentUsd: 1, budgetUsd: 1 }));
    const final = await waitingIssue(organizationId, 'awaiting_approval', wait('approval', '2026-12-06T09:00:00.000Z', { gate: 'final', gateRound: 0 }));
    const question = await waitingIssue(organizationId, 'awaiting_answer', wait('question', '2026-12-04T09:00:00.000Z', { questionId: 'q-1', stage: 'research', question: 'Which currency?', policy: 'human', draftAnswer: null }));
    await waitingIssue(organizationId, 'completed', wait('approval', '2026-12-01T09:00:00.000Z', { gate: 'plan', gateRound: 0 })); // ended: not waiting
    const invocationId = await createTestInvocation(db, organizationId);
    await createInvocationRequest(db.db, { organizationId, invocationId, toolUseId: 'tu-1', kind: 'review', prompt: 'Check the summary' });
    const other = await createTestOrganization(db);
    await waitingIssue(other.organization.id, 'awaiting_approval', wait('approval', '2026-12-02T09:00:00.000Z', { gate: 'plan', gateRound: 0 }));

    // A reviewer: no budget raise (admins only, by default).
    const forRita = await inbox(rita);
    expect(forRita.body.person).toEqual({ userId: 'rita', role: 'reviewer' });
    expect(forRita.body.items.map((item) => [item['id'], item['waitingFor']])).toEqual([
      [question, 'question'],
      [final, 'approval'],
      [invocationId, 'review'],
    ]);
    expect(forRita.body.items[0]).toMatchObject({ kind: 'issue', questionId: 'q-1', prompt: 'Which currency?', deadline: '2026-12-04T09:00:00.000Z', path: `/api/issues/${question}` });
    // An admin also sees the budget; a service key sees everything.
    expect((await inbox(adam)).body.items.map((item) => item['id'])).toEqual([question, budget, final, invocationId]);
    expect((await inbox(serviceKey)).body).toMatchObject({ person: null, items: [{ id: question }, { id: budget, escalated: true }, { id: final, gate: 'final' }, { id: invocationId }] });
    // An act-as key sees its named person's inbox; a removed person sees nothing.
    expect((await inbox(serviceKey, { 'X-Acting-User': 'rita' })).body.items).toHaveLength(3);
    await removeReviewer(db.db, organizationId, 'rita');
    expect((await inbox(serviceKey, { 'X-Acting-User': 'rita' })).body).toEqual({ person: null, items: [] });
    // Keys without the review scope are refused.
    const writer = (await issueApiKey(db.db, organizationId, 'writer', { scopes: ['issues:write'] })).key;
    expect((await inbox(writer)).status).toBe(403);
  });
});
