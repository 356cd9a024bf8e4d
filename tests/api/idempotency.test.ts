import { and, eq, sql } from 'drizzle-orm';
import { createApp } from '../../src/api/app';
import { checked } from '../support/contract';
import type { DatabaseHandle } from '../../src/db/client';
import { claimIdempotencyKey, completeIdempotencyKey, purgeExpiredIdempotencyKeys, releaseIdempotencyKey } from '../../src/db/idempotency';
import { addReviewer } from '../../src/db/people';
import { idempotencyKeys, issues as issuesTable } from '../../src/db/schema';
import { createAccessService } from '../../src/identity/service';
import { createIssueService } from '../../src/issues/service';
import { answerUpdate, decisionUpdate, type IssueProgress, statusQuery } from '../../workflows/definitions';
import { AppError } from '../../src/errors';
import { createTestOrganization, openTestDatabase, uniqueId } from '../support/harness';
import { InMemoryRuns } from '../support/in-memory-runs';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Idempotency-Key on POSTs (issue 15): a retried request gets the first one's outcome and
 * never runs twice; a key reused for another request is refused; a request refused before it
 * ran does not use up its key. Real Postgres, workflow runs in memory.
 */
describe('Idempotency-Key', () => {
  let db: DatabaseHandle;
  const runs = new InMemoryRuns();
  let app: ReturnType<typeof createApp>;
  let issueService: ReturnType<typeof createIssueService>;
  let apiKey: string;
  let organizationId: string;
  let otherKey: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    ({ apiKey, organization: { id: organizationId } } = await createTestOrganization(db));
    otherKey = (await createTestOrganization(db)).apiKey;
    issueService = createIssueService({ db: db.db, runs, taskQueue: uniqueId('tq-idem'), publicBaseUrl: 'https://o.example', temporalUiUrl: 'http://localhost:8233', namespace: 'default' });
    app = checked(createApp({ issues: issueService, access: createAccessService(db.db), idempotencyStore: db.db, health: async () => ({}), logError: () => undefined }));
  });
  afterAll(() => db.close());

  const post = (path: string, body: unknown, key: string | undefined, apiKeyToUse = apiKey) =>
    app.request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKeyToUse}`, 'content-type': 'application/json', ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** An issue without externalId: only the key can tell a retry from a new issue. */
  const issue = (title = 'Export crashes') => ({ source: 'manual', type: 'bug', priority: 'high', title, description: 'It throws' });
  const issuesTitled = async (title: string) => (await db.db.select().from(issuesTable).where(and(eq(issuesTable.organizationId, organizationId), eq(issuesTable.title, title)))).length;

  it('answers a retried POST with the first response and creates one issue', async () => {
    const key = uniqueId('key');
    const title = uniqueId('title');
    const first = await post('/api/issues', issue(title), key);
    expect(first.status).toBe(201);
    const body = (await first.json()) as Json;
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The same body with its keys in another order is the same request.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(issue(title)).reverse()));
    const again = await post('/api/issues', reordered, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(body);
    expect(await issuesTitled(title)).toBe(1);
    expect(runs.starts.filter((start) => start.workflowId === body['workflowId'])).toHaveLength(1);
    // Without a key, the same body is a new issue (no externalId to tell them apart).
    expect((await post('/api/issues', issue(title), undefined)).status).toBe(201);
    expect(await issuesTitled(title)).toBe(2);
  });

  it('refuses the same key with a different body, path or caller: 422 IDEMPOTENCY_MISMATCH', async () => {
    const key = uniqueId('key');
    expect((await post('/api/issues', issue('one'), key)).status).toBe(201);
    const changed = await post('/api/issues', issue('two'), key);
    expect(changed.status).toBe(422);
    expect(await changed.json()).toMatchObject({
      error: { code: 'IDEMPOTENCY_MISMATCH', message: expect.stringContaining('was used for a different request'), details: [{ path: 'Idempotency-Key' }] },
    });
    expect((await post('/api/issues/00000000-0000-4000-8000-000000000000/cancel', '', key)).status).toBe(422);
    // Keys are per organization: another one may use the same key for its own request.
    expect((await post('/api/issues', issue('two'), key, otherKey)).status).toBe(201);
  });

  it('keeps only successes: a key used on a route nobody serves (404) is not squatted', async () => {
    const key = uniqueId('key');
    expect((await post('/api/nothing-here', {}, key)).status).toBe(404);
    expect((await post('/api/issues', issue(uniqueId('title')), key)).status).toBe(201);
  });

  it('does not use up a key on a request refused before it ran: the corrected retry runs', async () => {
    const key = uniqueId('key');
    const title = uniqueId('title');
    const invalid = await post('/api/issues', { ...issue(title), type: 'wish' }, key);
    expect(invalid.status).toBe(422);
    const corrected = await post('/api/issues', issue(title), key);
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get('idempotent-replayed')).toBeNull();
    expect(await issuesTitled(title)).toBe(1);
  });

  it('runs concurrent retries once: the others wait (409, Retry-After) or get the stored answer', async () => {
    const key = uniqueId('key');
    const title = uniqueId('title');
    const responses = await Promise.all(Array.from({ length: 8 }, async () => post('/api/issues', issue(title), key)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
    for (const response of responses) {
      if (response.status === 409) expect(response.headers.get('retry-after')).toBe('1');
      else expect(response.status).toBe(201);
    }
    expect(await issuesTitled(title)).toBe(1);
  });

  it('refuses a malformed key with 422 naming the header', async () => {
    for (const key of ['has space', 'x'.repeat(256), ' ']) {
      const response = await post('/api/issues', issue(), key);
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: 'Idempotency-Key' }] } });
    }
  });

  it('finds the issue of a first attempt whose answer was lost (its claim abandoned by a crash)', async () => {
    const key = uniqueId('key');
    const title = uniqueId('title');
    const first = (await (await post('/api/issues', issue(title), key)).json()) as Json;
    const keyRow = and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key));
    // As if its API process had died after creating the issue and before storing the answer:
    // while the claim is recent, a retry is told to wait…
    await db.db.update(idempotencyKeys).set({ status: null, responseBody: null, completedAt: null }).where(keyRow);
    const waiting = await post('/api/issues', issue(title), key);
    expect(waiting.status).toBe(409);
    expect(await waiting.json()).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining('is still running') } });
    // …once abandoned, the same request takes it over, and the key still names the issue it created.
    await db.db.update(idempotencyKeys).set({ createdAt: sql`now() - interval '10 minutes'` as never }).where(keyRow);
    const retried = await post('/api/issues', issue(title), key);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id: first['id'], created: false });
    expect(await issuesTitled(title)).toBe(1);
  });

  it('runs a key again once it has expired (24 hours)', async () => {
    const key = uniqueId('key');
    expect((await post('/api/issues', issue('expiring'), key)).status).toBe(201);
    await db.db.update(idempotencyKeys).set({ createdAt: sql`now() - interval '25 hours'` as never }).where(and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key)));
    const later = await post('/api/issues', issue('something else'), key);
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    // The recovery sweep deletes expired records.
    const stale = uniqueId('key');
    await db.db.insert(idempotencyKeys).values({ organizationId, key: stale, requestHash: 'h', method: 'POST', path: '/api/issues', status: 201, createdAt: sql`now() - interval '25 hours'` as never });
    expect(await purgeExpiredIdempotencyKeys(db.db)).toBeGreaterThanOrEqual(1);
    expect(await db.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, stale)))).toEqual([]);
  });

  it('replays an approval without sending it to the workflow again', async () => {
    const { id, workflowId } = (await (await post('/api/issues', issue(), uniqueId('key'))).json()) as Json;
    await addReviewer(db.db, { organizationId, userId: 'carol', name: 'Carol', role: 'reviewer' });
    let updates = 0;
    const key = uniqueId('key');
    const approve = () => post(`/api/issues/${id}/approval`, { decision: 'approve', reviewer: 'carol' }, key);
    // Refused for the state it found (no gate open yet): not kept, so the retry once the gate is open runs.
    let gateOpen = false;
    runs.answerUpdate(decisionUpdate, () => {
      if (!gateOpen) throw new AppError('CONFLICT', 'no approval is pending');
      updates += 1;
      return { status: 'processing', stage: 'code', progress: 60, currentStep: 'coding', round: 0, queued: false, costUsd: 0, budgetUsd: 5, pending: null, questions: [], decisions: [] } as unknown as IssueProgress;
    });
    expect((await approve()).status).toBe(409);
    gateOpen = true;
    const first = await approve();
    expect(first.status).toBe(200);
    const second = await approve();
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(updates).toBe(1);
    expect(workflowId).toBeDefined();
  });

  it('a claim taken over from an abandoned request is the new one\'s: the old one can neither complete nor free it', async () => {
    const key = uniqueId('key');
    const request = { organizationId, key, requestHash: 'h', method: 'POST', path: '/api/issues', abandonedAfterSeconds: 120 };
    const first = await claimIdempotencyKey(db.db, request);
    if (first.kind !== 'claimed') throw new Error('not claimed');
    await db.db.update(idempotencyKeys).set({ createdAt: sql`now() - interval '10 minutes'` as never }).where(and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key)));
    const oldClaim = { organizationId, key, claimedAt: (await db.db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key))))[0]!.createdAt };
    const second = await claimIdempotencyKey(db.db, request);
    if (second.kind !== 'claimed') throw new Error('not taken over');
    // The abandoned request wakes up late: its outcome and its release do not touch the new claim.
    await completeIdempotencyKey(db.db, oldClaim, 201, { stale: true });
    await releaseIdempotencyKey(db.db, oldClaim);
    expect(await claimIdempotencyKey(db.db, request)).toEqual({ kind: 'in_progress' });
    await completeIdempotencyKey(db.db, { organizationId, key, claimedAt: second.claimedAt }, 201, { fresh: true });
    expect(await claimIdempotencyKey(db.db, request)).toEqual({ kind: 'replay', status: 201, body: { fresh: true } });
  });

  it('answers a repeated identical decision or answer with 200 and the issue, even without a key', async () => {
    const { id, workflowId } = (await (await post('/api/issues', issue(), undefined)).json()) as Json;
    await addReviewer(db.db, { organizationId, userId: 'dave', name: 'Dave', role: 'reviewer' });
    const at = new Date().toISOString();
    // The workflow has taken Dave's approval and his answer; it refuses anything more as out of state.
    runs.answerQuery(statusQuery, (run) =>
      run.request.workflowId === workflowId
        ? ({
            issueId: id, status: 'processing', stage: 'code', progress: 70, currentStep: 'coding', stagesCompleted: [], route: 'research_and_code', error: null, updatedAt: at,
            round: 0, codeTier: null, costUsd: 0, budgetUsd: 5, pending: null, toolCalls: 0, runs: 1,
            questions: [{ id: 'q1', stage: 'research', question: 'Which export?', answer: 'The PDF one', answeredBy: 'dave', status: 'answered' }],
            decisions: [{ gate: 'plan', decision: 'approve', reviewer: 'dave', comment: 'looks right', at, via: 'update' }],
          } as IssueProgress)
        : (undefined as never),
    );
    runs.answerUpdate(decisionUpdate, () => {
      throw new AppError('CONFLICT', 'no approval is pending');
    });
    runs.answerUpdate(answerUpdate, () => {
      throw new AppError('CONFLICT', 'no question is pending');
    });
    const act = (path: string, body: Json) => post(`/api/issues/${id}/${path}`, body, undefined);

    const repeated = await act('approval', { decision: 'approve', reviewer: 'dave', comment: 'looks right', gate: 'plan' });
    expect(repeated.status).toBe(200);
    expect(await repeated.json()).toMatchObject({ id, stage: 'code', decisions: [{ gate: 'plan', decision: 'approve', reviewer: 'dave' }] });
    // Not the same action: still refused.
    for (const body of [
      { decision: 'reject', reviewer: 'dave', comment: 'looks right' },
      { decision: 'approve', reviewer: 'dave', comment: 'other words' },
      { decision: 'approve', reviewer: 'dave', comment: 'looks right', gate: 'final' },
    ]) {
      const refused = await act('approval', body);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ error: { code: 'CONFLICT', message: 'no approval is pending' } });
    }

    expect((await act('answers', { questionId: 'q1', answer: 'The PDF one', answeredBy: 'dave' })).status).toBe(200);
    // Without the question (or the gate) named, a retry cannot be told from an action meant for
    // one not open yet: that stays a 409.
    expect((await act('answers', { answer: 'The PDF one', answeredBy: 'dave' })).status).toBe(409);
    expect((await act('approval', { decision: 'approve', reviewer: 'dave', comment: 'looks right' })).status).toBe(409);
    expect((await act('answers', { questionId: 'q1', answer: 'The CSV one', answeredBy: 'dave' })).status).toBe(409);
  });
});
