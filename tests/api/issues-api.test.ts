import { createAccessService } from '../../src/identity/service';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { issues, organizations } from '../../src/db/schema';
import { createApp } from '../../src/api/app';
import { checked } from '../support/contract';
import type { DatabaseHandle } from '../../src/db/client';
import { addReviewer } from '../../src/db/people';
import { issueApiKey, revokeApiKey } from '../../src/db/organizations';
import { recordIssueOutcome } from '../../src/db/issues';
import { createIssueService } from '../../src/issues/service';
import { searchAttributes } from '../../workflows/definitions';
import { statusQuery, decisionUpdate, type IssueProgress } from '../../workflows/definitions';
import { AppError } from '../../src/errors';
import { createTestOrganization, openTestDatabase, uniqueId } from '../support/harness';
import { InMemoryRuns } from '../support/in-memory-runs';

/**
 * The HTTP API through app.request(): real Postgres, workflow runs in memory (InMemoryRuns,
 * held to the Temporal adapter's contract by tests/temporal/runs.test.ts; the end-to-end
 * tests run the workflows on the real server).
 */
describe('issues API', () => {
  let db: DatabaseHandle;
  const runs = new InMemoryRuns();
  let app: ReturnType<typeof createApp>;
  let apiKey: string;
  let organizationId: string;
  let otherKey: string;
  let issueService: ReturnType<typeof createIssueService>;
  const taskQueue = uniqueId('tq-api');

  beforeAll(async () => {
    db = await openTestDatabase();
    ({ apiKey, organization: { id: organizationId } } = await createTestOrganization(db));
    const other = await createTestOrganization(db);
    otherKey = other.apiKey;
    // A real reviewer of the other organization: who acts is settled, so what answers is the issue's absence.
    await addReviewer(db.db, { organizationId: other.organization.id, userId: 'x', name: 'X', role: 'admin' });
    const issues = (issueService = createIssueService({
      db: db.db,
      runs,
      taskQueue,
      publicBaseUrl: 'https://orchestrator.example',
      temporalUiUrl: 'http://localhost:8233',
      namespace: 'default',
    }));
    app = checked(createApp({
      issues,
      access: createAccessService(db.db),
      health: async () => ({ database: true, temporal: true }),
      logError: () => undefined,
    }));
  });
  afterAll(async () => {
    await db.close();
  });

  const post = (body: unknown, key = apiKey, headers: Record<string, string> = {}) =>
    app.request('/api/issues', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (path: string, key = apiKey) => app.request(path, { headers: { authorization: `Bearer ${key}` } });

  const erpIssue = (externalId = uniqueId('ERP')) => ({
    source: 'erp',
    externalId,
    type: 'BUG',
    priority: 'HIGH',
    title: 'Brief export crashes',
    description: 'Exporting a brief with no deliverables throws',
    context: { module: 'briefs', metadata: { reporter: 'u1' } },
  });

  describe('happy path', () => {
    it('accepts the ERP payload, stores it and starts one workflow with its search attributes', async () => {
      const response = await post(erpIssue('ERP-100'));
      expect(response.status).toBe(201);
      const body = (await response.json()) as Record<string, string>;
      expect(body).toMatchObject({
        status: 'queued',
        erpStatus: 'QUEUED',
        created: true,
        workflowId: `issue:${organizationId}:erp:ERP-100`,
        trackingUrl: `https://orchestrator.example/console/issues/${body.id}`,
      });

      const run = runs.runs.get(body.workflowId!);
      expect(run?.request).toMatchObject({
        workflowType: 'issueWorkflow',
        taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: 'bug: Brief export crashes',
        args: [{ issueId: body.id, organizationId, title: 'Brief export crashes' }],
      });
      const attributes = new Map(run?.request.searchAttributes.map((pair) => [pair.key.name, pair.value]));
      expect(Object.fromEntries(attributes)).toEqual({
        [searchAttributes.organizationId.name]: organizationId,
        [searchAttributes.issueType.name]: 'bug',
        [searchAttributes.issuePriority.name]: 'high',
        [searchAttributes.issueModule.name]: 'briefs',
        [searchAttributes.issueStage.name]: 'queued',
        [searchAttributes.awaitingHuman.name]: false,
      });
    });

    it('returns the existing issue for a repeated delivery and never starts a second run', async () => {
      const payload = erpIssue();
      const first = (await (await post(payload)).json()) as { id: string; workflowId: string };
      const responses = await Promise.all(Array.from({ length: 10 }, async () => post(payload)));
      for (const response of responses) {
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ id: first.id, created: false });
      }
      // Every repeat asks to start again (healing a crash between insert and start); none starts a second run.
      const asked = runs.starts.filter((start) => start.workflowId === first.workflowId);
      expect(asked).toHaveLength(11);
      expect(asked.every((start) => start.workflowIdConflictPolicy === 'USE_EXISTING' && start.workflowIdReusePolicy === 'REJECT_DUPLICATE')).toBe(true);
      expect(runs.runs.get(first.workflowId)?.status).toBe('RUNNING');
    });

    it("shows the running workflow's progress, and maps its update refusals to 403 and 409", async () => {
      const { id, workflowId } = (await (await post(erpIssue())).json()) as { id: string; workflowId: string };
      const live = (run: { request: { args: unknown[] } }): IssueProgress => ({
        ...runningProgress((run.request.args[0] as { issueId: string }).issueId),
        pending: { kind: 'approval', gate: 'plan', gateRound: 0, since: new Date().toISOString(), deadline: new Date().toISOString(), reminded: false, escalated: false },
      });
      runs.answerQuery(statusQuery, (run) => (run.request.workflowId === workflowId ? live(run) : (undefined as never)));
      expect(await (await get(`/api/issues/${id}`)).json()).toMatchObject({ status: 'awaiting_approval', stage: 'research', progress: 60, pending: { gate: 'plan' } });

      const approve = (reviewer: string) =>
        app.request(`/api/issues/${id}/approval`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approve', reviewer }),
        });
      // The API lets both reviewers through; the workflow's own check (here: the fake's) has the last word.
      await addReviewer(db.db, { organizationId, userId: 'alice', name: 'Alice', role: 'reviewer' });
      await addReviewer(db.db, { organizationId, userId: 'bob', name: 'Bob', role: 'reviewer' });
      runs.answerUpdate(decisionUpdate, (_run, decision) => {
        if (decision.reviewer !== 'alice') throw new AppError('FORBIDDEN', `${decision.reviewer} may not approve plans`);
        throw new AppError('CONFLICT', 'the plan gate already has a decision');
      });
      const forbidden = await approve('bob');
      expect(forbidden.status).toBe(403);
      expect(await forbidden.json()).toMatchObject({ error: { message: 'bob may not approve plans' } });
      const conflict = await approve('alice');
      expect(await conflict.json()).toMatchObject({ error: { code: 'CONFLICT', message: 'the plan gate already has a decision' } });
      expect(conflict.status).toBe(409);

      // Enums in any letter case, as the documentation promises; the workflow gets the lower-case value.
      let received: unknown;
      runs.answerUpdate(decisionUpdate, (run, decision) => ((received = decision.decision), live(run)));
      const shouted = await app.request(`/api/issues/${id}/approval`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'APPROVE', gate: 'Plan', reviewer: 'alice' }),
      });
      expect(shouted.status).toBe(200);
      expect(received).toBe('approve');
      expect((await get('/api/issues?status=AWAITING_APPROVAL')).status).toBe(200);

      runs.end(workflowId, 'TERMINATED');
      const ended = await approve('alice');
      expect(ended.status).toBe(409);
      expect(await ended.json()).toMatchObject({ error: { message: 'the issue has already ended' } });
    });

    it("sends a person's action while it reads the issue, and answers as the row says all the same", async () => {
      const { id, workflowId } = (await (await post(erpIssue())).json()) as { id: string; workflowId: string };
      await addReviewer(db.db, { organizationId, userId: 'carol', name: 'Carol', role: 'reviewer' });
      const reached: string[] = [];
      runs.answerUpdate(decisionUpdate, (run, decision) => {
        reached.push(run.request.workflowId);
        return { ...runningProgress(id), status: 'processing', decisions: [{ gate: 'plan', decision: decision.decision, reviewer: decision.reviewer, comment: null, at: new Date().toISOString(), via: 'update' }] } as IssueProgress;
      });
      const approve = (via: ReturnType<typeof createApp>, key = apiKey, reviewer = 'carol') =>
        via.request(`/api/issues/${id}/approval`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approve', reviewer }),
        });
      // This process stored the issue, so it knows the workflow: the update goes out with the row read.
      const approved = await approve(app);
      expect(approved.status).toBe(200);
      expect(await approved.json()).toMatchObject({ id, status: 'processing', decisions: [{ reviewer: 'carol', decision: 'approve' }] });
      expect(reached).toEqual([workflowId]);

      // Another organization's key (and its own reviewer) names the same issue: a 404, and nothing reaches the workflow.
      expect((await approve(app, otherKey, 'x')).status).toBe(404);
      expect(reached).toEqual([workflowId]);

      // Ended, as the row records: the 409 names its status, from this process and from a fresh one.
      await db.db.update(issues).set({ status: 'completed' }).where(eq(issues.id, id));
      runs.end(workflowId, 'COMPLETED');
      const fresh = checked(createApp({
        issues: createIssueService({ db: db.db, runs, taskQueue, publicBaseUrl: 'https://orchestrator.example', namespace: 'default' }),
        access: createAccessService(db.db),
        health: async () => ({ database: true, temporal: true }),
        logError: () => undefined,
      }));
      for (const via of [app, fresh]) {
        const ended = await approve(via);
        expect(ended.status).toBe(409);
        expect(await ended.json()).toMatchObject({ error: { code: 'CONFLICT', message: 'the issue has already ended (completed)' } });
      }
      expect(reached).toEqual([workflowId]);
    });

    it('shows an issue that ends while it is read as ended, with its result from Postgres', async () => {
      const { id, workflowId } = (await (await post(erpIssue())).json()) as { id: string; workflowId: string };
      await db.db.update(issues).set({ status: 'awaiting_info' }).where(eq(issues.id, id));
      // The run ends between the API's read of the row and its status query: Postgres first, then
      // the progress the query answers (as issue/index.ts finish does).
      let queries = 0;
      runs.answerQuery(statusQuery, (run) => {
        if (run.request.workflowId !== workflowId) return undefined as never;
        queries += 1;
        const ending = recordIssueOutcome(db.db, { organizationId, issueId: id }, { status: 'needs_info', summary: 'no answer within 3s', error: null });
        return ending.then((): IssueProgress => ({ ...runningProgress(id), status: 'needs_info', pending: null }));
      });
      const view = (await (await get(`/api/issues/${id}`)).json()) as { status: string; erpStatus: string; result: Record<string, unknown> };
      expect(view).toMatchObject({ status: 'needs_info', erpStatus: 'FAILED', result: { summary: 'no answer within 3s' } });
      expect(queries).toBe(1); // read again from Postgres, which says it has ended: no second query
    });

    it('shows an issue with the ERP status view', async () => {
      const { id } = (await (await post(erpIssue())).json()) as { id: string };
      const response = await get(`/api/issues/${id}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        id,
        type: 'bug',
        priority: 'high',
        module: 'briefs',
        status: 'queued',
        erpStatus: 'QUEUED',
        progress: 0,
        context: { module: 'briefs', metadata: { reporter: 'u1' } },
        job: { progress: 0, logs: [] },
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
    });

    it('lists issues with filters and pagination', async () => {
      const { apiKey: key } = await createTestOrganization(db);
      await post({ ...erpIssue(), type: 'feature', priority: 'low' }, key);
      await post({ ...erpIssue(), type: 'bug', priority: 'low' }, key);
      await post({ ...erpIssue(), type: 'bug', priority: 'critical', context: { module: 'crm' } }, key);

      const all = (await (await get('/api/issues?limit=2', key)).json()) as { items: unknown[]; total: number };
      expect(all.total).toBe(3);
      expect(all.items).toHaveLength(2);
      const bugs = (await (await get('/api/issues?type=BUG&priority=low', key)).json()) as { total: number };
      expect(bugs.total).toBe(1);
      const crm = (await (await get('/api/issues?module=crm', key)).json()) as { items: Array<{ priority: string }> };
      expect(crm.items.map((item) => item.priority)).toEqual(['critical']);

      // Cursor pages: every issue once, newest first, then no more.
      type Page = { items: Array<{ id: string; createdAt: string }>; hasMore: boolean; nextCursor: string | null };
      const first = (await (await get('/api/issues?limit=2', key)).json()) as Page;
      expect(first).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
      const second = (await (await get(`/api/issues?limit=2&cursor=${first.nextCursor}`, key)).json()) as Page;
      expect(second).toMatchObject({ hasMore: false, nextCursor: null });
      const seen = [...first.items, ...second.items];
      expect(new Set(seen.map((item) => item.id)).size).toBe(3);
      expect(seen.map((item) => item.createdAt)).toEqual([...seen.map((item) => item.createdAt)].sort().reverse());
      // A cursor is the API's own; a made-up one, or one with offset, says what is wrong.
      const forged = await get('/api/issues?cursor=abc', key);
      expect(forged.status).toBe(422);
      expect(await forged.json()).toMatchObject({ error: { details: [{ path: 'cursor', message: expect.stringContaining('not a cursor this API gave out') }] } });
      const injected = Buffer.from(JSON.stringify(["2026-01-01'); drop table issues; --", 'x'])).toString('base64url');
      expect(await (await get(`/api/issues?cursor=${injected}`, key)).json()).toMatchObject({ items: [], hasMore: false });
      expect((await get(`/api/issues?cursor=${first.nextCursor}&offset=2`, key)).status).toBe(422);
      // Well-formed but impossible times (found by an attack pass: each was a 500 from Postgres's cast).
      for (const at of ['9999-99-99T99:99:99Z', '2024-02-30T00:00:00Z', '2024-01-01T00:00:00+99', '0000-01-01T00:00:00Z']) {
        const cursor = Buffer.from(JSON.stringify([at, '00000000-0000-4000-8000-000000000000'])).toString('base64url');
        expect(await (await get(`/api/issues?cursor=${cursor}`, key)).json()).toMatchObject({ items: [], hasMore: false });
      }
    });

    it('reports health: checks and version to anyone, counts only for the caller\'s organization', async () => {
      const response = await app.request('/health');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'healthy', checks: { database: true, temporal: true }, version: expect.stringMatching(/^\d+\.\d+\.\d+/), uptimeSeconds: expect.any(Number) });

      // One issue in each state that counts, one that doesn't, and another tenant's that must not show.
      const { organization, apiKey: ownKey } = await createTestOrganization(db);
      const other = await createTestOrganization(db);
      const row = async (organizationId: string, status: string, extra: Record<string, unknown> = {}) => {
        const externalId = uniqueId('health');
        await db.db.insert(issues).values({ organizationId, source: 'erp', externalId, type: 'bug', priority: 'low', title: 'x', workflowId: `issue:${organizationId}:erp:${externalId}`, status, ...extra });
      };
      await row(organization.id, 'queued');
      await row(organization.id, 'queued');
      await row(organization.id, 'researching');
      await row(organization.id, 'awaiting_approval', { pending: { kind: 'approval', gate: 'plan' } });
      await row(organization.id, 'failed', { completedAt: sql`now() - interval '10 minutes'` });
      await row(organization.id, 'failed', { completedAt: sql`now() - interval '2 hours'` });
      await row(organization.id, 'completed', { completedAt: sql`now()` });
      await row(other.organization.id, 'queued');
      await row(other.organization.id, 'failed', { completedAt: sql`now()` });
      const withKey = await app.request('/health', { headers: { authorization: `Bearer ${ownKey}` } });
      expect(withKey.status).toBe(200);
      expect(((await withKey.json()) as { stats: unknown }).stats).toEqual({ pending: 2, running: 2, waitingForPeople: 1, failedLastHour: 1 });

      // A key that is not valid is refused, not ignored: the caller asked for counts. So is a
      // header that is not a bearer key at all, and a key whose scopes don't cover issues.
      expect((await app.request('/health', { headers: { authorization: 'Bearer ak_not-a-key' } })).status).toBe(401);
      for (const malformed of [ownKey, `Basic ${ownKey}`, 'Bearer', '']) expect([malformed, (await app.request('/health', { headers: { authorization: malformed } })).status]).toEqual([malformed, 401]);
      const skillsOnly = await issueApiKey(db.db, organization.id, 'skills only', { scopes: ['skills:run'] });
      const refused = await app.request('/health', { headers: { authorization: `Bearer ${skillsOnly.key}` } });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringContaining('issues:write, review, admin') } });
      // Readiness is this instance's own database only.
      expect(await (await app.request('/ready')).json()).toEqual({ status: 'ready', checks: { database: true } });
      expect(await (await app.request('/live')).json()).toEqual({ status: 'ok' });
    });

    it('answers degraded with 503 and the failing check, and no counts while the database is down', async () => {
      const degraded = checked(createApp({ issues: issueService, access: createAccessService(db.db), health: async () => ({ database: false, temporal: true, workers: true }), logError: () => undefined }));
      const health = await degraded.request('/health', { headers: { authorization: `Bearer ${apiKey}` } });
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'degraded', checks: { database: false, temporal: true, workers: true } });
      expect(((await (await degraded.request('/health', { headers: { authorization: `Bearer ${apiKey}` } })).json()) as Record<string, unknown>)['stats']).toBeUndefined();
      const ready = await degraded.request('/ready');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'degraded', checks: { database: false } });
      // Temporal or the workers down: degraded health, but every instance stays ready (issues are accepted and started later).
      const noWorkers = checked(createApp({ issues: issueService, access: createAccessService(db.db), health: async () => ({ database: true, temporal: false, workers: false }), logError: () => undefined }));
      expect((await noWorkers.request('/health')).status).toBe(503);
      expect(await (await noWorkers.request('/ready')).json()).toEqual({ status: 'ready', checks: { database: true } });
      expect((await degraded.request('/live')).status).toBe(200);
    });
  });

  describe('recovery sweep', () => {
    /** Issues an API wrote and never started (it died, or Temporal was down), older than the sweep's age. */
    async function unstarted(count: number, organization: string) {
      for (let i = 0; i < count; i += 1) {
        const externalId = uniqueId('unstarted');
        await db.db.insert(issues).values({ organizationId: organization, source: 'erp', externalId, type: 'bug', priority: 'low', title: 'x', workflowId: `issue:${organization}:erp:${externalId}`, status: 'queued', createdAt: sql`now() - interval '1 minute'` });
      }
    }

    it('starts a backlog several at a time, and stops the round at the first sign of an outage', async () => {
      const { organization } = await createTestOrganization(db);
      await unstarted(12, organization.id);
      // Temporal goes away after the fifth start: the rest are left for the next sweep, not each waited out.
      const flaky = new InMemoryRuns();
      let inFlight = 0;
      let mostInFlight = 0;
      const realStart = flaky.start.bind(flaky);
      flaky.start = async (request) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight -= 1;
        if (flaky.starts.length >= 5) throw Object.assign(new Error('14 UNAVAILABLE: connection refused'), { code: 14, details: 'connection refused' });
        return realStart(request);
      };
      const sweeping = createIssueService({ db: db.db, runs: flaky, taskQueue, publicBaseUrl: 'https://orchestrator.example', namespace: 'default' });
      const first = await sweeping.recoverUnstarted(30, { organizationId: organization.id, concurrency: 4 });
      expect(mostInFlight).toBe(4);
      expect(first.started).toBe(5);
      expect(first.errors).toBeGreaterThanOrEqual(1);
      expect(first.errors).toBeLessThanOrEqual(4); // only the starts already in flight when it broke
      expect(first.started + first.errors + (first.skipped ?? 0)).toBe(12);
      // Temporal is back: the next sweep starts the rest.
      flaky.start = realStart;
      expect(await sweeping.recoverUnstarted(30, { organizationId: organization.id })).toEqual({ started: 7, errors: 0 });
    });
  });

  describe('errors', () => {
    it('explains validation failures field by field, with a request id', async () => {
      const response = await post({ type: 'incident', title: '' });
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: { code: string; message: string; details: Array<{ path: string }> }; requestId: string };
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.details.map((detail) => detail.path).sort()).toEqual(['title', 'type']);
      // The message says which part and what is wrong where, not "Invalid json" for valid JSON.
      expect(body.error.message).toMatch(/^the request body is not valid: /);
      expect(body.error.message).toMatch(/type: /);
      expect(body.error.message).toMatch(/title: /);
      expect(body.requestId).toBe(response.headers.get('x-request-id'));

      const query = await get('/api/issues?limit=0');
      expect(query.status).toBe(422);
      expect(((await query.json()) as { error: { message: string } }).error.message).toMatch(/^the query string is not valid: limit: /);
    });

    it('says what to fix in words, in one envelope: details always an array, a docs link, unknown fields refused', async () => {
      const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string; details: Array<Record<string, string>>; docs: string } }).error;
      // The mistakes integrators make, and what they are told.
      const missing = await errorOf(await post({ ...erpIssue(), type: undefined }));
      expect(missing.details).toEqual([{ path: 'type', message: 'is required', expected: 'bug | feature | enhancement | question | task | deployment' }]);
      expect(missing.docs).toMatch(/\/docs#error-validation-failed$/);
      const wrongEnum = await errorOf(await post({ ...erpIssue(), type: 'incident' }));
      expect(wrongEnum.details).toEqual([{ path: 'type', message: 'must be one of: bug, feature, enhancement, question, task, deployment', expected: 'bug | feature | enhancement | question | task | deployment', received: '"incident"' }]);
      const unknownField = await post({ ...erpIssue(), severity: 'high' });
      expect(unknownField.status).toBe(422);
      expect((await errorOf(unknownField)).details).toEqual([{ path: 'severity', message: 'is not a field of this request (check its spelling)' }]);
      const wrongType = await errorOf(await post({ ...erpIssue(), title: 42 }));
      expect(wrongType.details).toEqual([{ path: 'title', message: 'must be a string, not a number (42)', expected: 'string', received: '42' }]);
      const notANumber = await errorOf(await get('/api/issues?limit=ten'));
      expect(notANumber).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'limit', message: 'must be a number', received: '"ten"' }] });
      expect(JSON.stringify(notANumber)).not.toMatch(/NaN|nonoptional/);
      const tooLong = await errorOf(await post({ ...erpIssue(), title: 'x'.repeat(301) }));
      expect(tooLong.details).toEqual([expect.objectContaining({ path: 'title', message: 'must be at most 300 characters long', expected: '<= 300' })]);
      const unknownQuery = await get('/api/issues?stauts=completed');
      expect(unknownQuery.status).toBe(422);
      expect((await errorOf(unknownQuery)).details).toEqual([{ path: 'stauts', message: 'is not a field of this request (check its spelling)' }]);
      // Deep nesting is refused before anything walks it (it overflowed the stack: a 500).
      const deep = `${'['.repeat(5000)}"x"${']'.repeat(5000)}`;
      const nested = await post(JSON.stringify({ ...erpIssue(), context: { metadata: { a: 'DEEP' } } }).replace('"DEEP"', deep), apiKey, { 'Idempotency-Key': uniqueId('key') });
      expect(nested.status).toBe(422);
      expect((await errorOf(nested)).details).toEqual([{ path: '', message: 'nested deeper than 64 levels' }]);
      // 30 000 unknown fields, or one with a huge name, get a short answer.
      const many = await post({ ...erpIssue(), ...Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`f${i}`, 1])) });
      const manyDetails = (await errorOf(many)).details;
      expect(manyDetails).toHaveLength(51);
      expect(manyDetails.at(-1)).toEqual({ path: '', message: 'and 29950 more problems' });
      const longName = await errorOf(await post({ ...erpIssue(), ['k'.repeat(100_000)]: 1 }));
      expect(longName.details[0]!['path']!.length).toBeLessThanOrEqual(200);
      // Errors without fields still carry an (empty) array.
      const notFound = await errorOf(await get(`/api/issues/${randomUUID()}`));
      expect(notFound).toMatchObject({ code: 'NOT_FOUND', details: [] });
    });

    it("bounds a request's own budget: a minimum, and the plan's per-request maximum (pro: 100)", async () => {
      const tiny = await post({ ...erpIssue(), budgetUsd: 0.00001 });
      expect(tiny.status).toBe(422);
      expect(JSON.stringify(await tiny.json())).toMatch(/at least 0.05/);
      const huge = await post({ ...erpIssue(), budgetUsd: 5000 });
      expect(huge.status).toBe(422);
      expect(await huge.json()).toMatchObject({ error: { details: [{ path: 'budgetUsd', message: 'budgetUsd 5000 is over the pro plan\'s maximum of 100 per request' }] } });
      expect((await post({ ...erpIssue(), budgetUsd: 50 })).status).toBe(201);
    });

    it('refuses malformed JSON, other media types and oversized bodies', async () => {
      expect((await post('{"type": "bug",')).status).toBe(400);
      expect((await post('type=bug', apiKey, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
      const huge = { ...erpIssue(), description: 'x'.repeat(1024 * 1024 + 10) };
      const response = await post(huge);
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('accepts a bodiless POST without a Content-Type (cancel)', async () => {
      const { id } = (await (await post(erpIssue())).json()) as { id: string };
      const response = await app.request(`/api/issues/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
      expect(response.status).toBe(202);
    });

    it('answers unknown routes and ids with 404 JSON', async () => {
      expect((await get('/api/nothing')).status).toBe(404);
      expect((await get(`/api/issues/${randomUUID()}`)).status).toBe(404);
      const malformed = await get('/api/issues/not-a-uuid');
      expect(malformed.status).toBe(404);
      expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    });
  });

  describe('security', () => {
    it('requires a valid, unrevoked API key', async () => {
      expect((await app.request('/api/issues')).status).toBe(401);
      expect((await get('/api/issues', 'ak_wrong')).status).toBe(401);
      const key = await issueApiKey(db.db, organizationId, 'to revoke', { scopes: ['issues:write'] });
      expect((await get('/api/issues', key.key)).status).toBe(200);
      await revokeApiKey(db.db, organizationId, key.id);
      const response = await get('/api/issues', key.key);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    });

    it("hides another organization's issue behind a 404, for reads and actions alike", async () => {
      const { id } = (await (await post(erpIssue())).json()) as { id: string };
      const response = await get(`/api/issues/${id}`, otherKey);
      expect(response.status).toBe(404);
      const act = (path: string, body?: unknown) =>
        app.request(`/api/issues/${id}/${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${otherKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        });
      expect((await act('approval', { decision: 'approve', reviewer: 'x' })).status).toBe(404);
      expect((await act('answers', { answer: 'x', answeredBy: 'x' })).status).toBe(404);
      expect((await act('budget', { budgetUsd: 10, reviewer: 'x' })).status).toBe(404);
      expect((await act('cancel')).status).toBe(404);
      expect((await get(`/api/issues/${id}/logs`, otherKey)).status).toBe(404);
      expect((await get(`/api/issues/${id}/artifacts`, otherKey)).status).toBe(404);
      const list = (await (await get('/api/issues', otherKey)).json()) as { items: Array<{ id: string }> };
      expect(list.items.map((item) => item.id)).not.toContain(id);
    });

    it('takes the organization from the key, never from the body', async () => {
      const response = await post({ ...erpIssue(), context: { organizationId: 'someone-else' } });
      const { workflowId } = (await response.json()) as { workflowId: string };
      expect(workflowId.startsWith(`issue:${organizationId}:`)).toBe(true);
    });
  });
});

describe('submission limits', () => {
  let db: DatabaseHandle;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    db = await openTestDatabase();
    app = createApp({
      issues: createIssueService({ db: db.db, runs: new InMemoryRuns(), taskQueue: uniqueId('tq-limits'), publicBaseUrl: 'http://x', namespace: 'default' }),
      access: createAccessService(db.db),
      health: async () => ({}),
      logError: () => undefined,
    });
  });
  afterAll(async () => {
    await db.close();
  });

  it('answers 429 with Retry-After over the hourly limit, still answers repeats, and recovers as the window slides', async () => {
    const { organization, apiKey } = await createTestOrganization(db);
    await db.db.update(organizations).set({ settings: { limits: { issuesPerHour: 3 } } }).where(eq(organizations.id, organization.id));
    const post = (externalId: string) =>
      app.request('/api/issues', {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ externalId, type: 'bug', title: 'limit me' }),
      });
    for (const n of [1, 2, 3]) expect((await post(`L-${n}`)).status).toBe(201);
    const limited = await post('L-4');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED', details: [{ path: 'limits.issuesPerHour', expected: '<= 3', received: '4' }] } });
    expect((await post('L-2')).status).toBe(200); // a repeat is not a new submission

    // An hour later (the window slides past the first submission), there is room again.
    await db.db
      .update(issues)
      .set({ createdAt: sql`now() - interval '61 minutes'` })
      .where(and(eq(issues.organizationId, organization.id), eq(issues.externalId, 'L-1')));
    expect((await post('L-4')).status).toBe(201);
  });

  it('a submission a check refuses leaves no row, and one of many racing for the same key is stored once', async () => {
    // The read of the checks and the insert are one statement, the insert guarded by the
    // same comparisons: a refusal must never leave a row behind for the recovery sweep to start.
    const { organization, apiKey } = await createTestOrganization(db, 'pro');
    await db.db.update(organizations).set({ settings: { limits: { issuesPerHour: 2, dailySpendUsd: 1 } } }).where(eq(organizations.id, organization.id));
    const post = (body: Record<string, unknown>) =>
      app.request('/api/issues', { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'bug', title: 'guarded', ...body }) });
    const stored = async () => (await db.db.select({ externalId: issues.externalId }).from(issues).where(eq(issues.organizationId, organization.id))).map((row) => row.externalId).sort();

    // The request's own budget over the plan's maximum: refused before any limit is reached.
    expect((await post({ externalId: 'G-budget', budgetUsd: 5000 })).status).toBe(422);
    // Racing deliveries of one issue: one row, one id, one of them created.
    const racing = await Promise.all(Array.from({ length: 8 }, async () => post({ externalId: 'G-1' })));
    expect(racing.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(await Promise.all(racing.map(async (response) => ((await response.json()) as { id: string }).id))).size).toBe(1);
    expect((await post({ externalId: 'G-2' })).status).toBe(201); // the second of two an hour: at the limit, allowed
    expect((await post({ externalId: 'G-3' })).status).toBe(429); // one over
    // Spent exactly the cap today: refused too (spent < cap is the rule), once the hour has room.
    await db.db.update(issues).set({ createdAt: sql`now() - interval '2 hours'` }).where(eq(issues.organizationId, organization.id));
    await db.db.execute(sql`insert into llm_calls (organization_id, stage, model, status, attempt, input_tokens, output_tokens, cost_usd, duration_ms) values (${organization.id}, 'classify', 'm', 'ok', 1, 0, 0, 1, 1)`);
    expect(await post({ externalId: 'G-4' })).toMatchObject({ status: 429 });
    expect(await stored()).toEqual(['G-1', 'G-2']);
    // And a repeat is still answered while every limit refuses new work.
    expect((await post({ externalId: 'G-1' })).status).toBe(200);
  });

  it('applies the plan quota per day (free: 10)', async () => {
    const { organization, apiKey } = await createTestOrganization(db, 'free');
    const post = (externalId: string) =>
      app.request('/api/issues', {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ externalId, type: 'task', title: 'quota' }),
      });
    for (let n = 1; n <= 10; n++) {
      expect((await post(`Q-${n}`)).status).toBe(201);
      // Spread them over the day so the hourly limit is not what stops the eleventh.
      await db.db.update(issues).set({ createdAt: sql`now() - interval '2 hours'` }).where(and(eq(issues.organizationId, organization.id), eq(issues.externalId, `Q-${n}`)));
    }
    const over = await post('Q-11');
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ error: { details: [{ path: 'limits.issuesPerDay', expected: '<= 10' }] } });
  });
});

/** A running issue's progress as the status query answers it, for updates the fake answers. */
function runningProgress(issueId: string): IssueProgress {
  return {
    issueId,
    status: 'awaiting_approval',
    stage: 'research',
    progress: 60,
    currentStep: 'waiting: plan approval',
    stagesCompleted: ['classify', 'triage', 'research'],
    route: 'research_and_code',
    error: null,
    updatedAt: new Date().toISOString(),
    round: 0,
    codeTier: null,
    costUsd: 0.25,
    budgetUsd: 5,
    pending: null,
    questions: [],
    decisions: [],
    toolCalls: 3,
    runs: 1,
  } as IssueProgress;
}
