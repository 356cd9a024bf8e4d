import { sql } from 'drizzle-orm';
import { issueApiKey } from '../../src/db/organizations';
import { listDecisions } from '../../src/db/people';
import { getIssue } from '../../src/db/issues';
import { listLogs } from '../../src/db/logs';
import type { ApiKeyScope } from '../../src/identity/scopes';
import { decisionSignal } from '../../workflows/definitions';
import { accessChangesHeard } from '../support/access-changes';
import { eventually, recordHistoryIfAsked } from '../support/harness';
import { ADMIN_REVIEWER, type PipelineHarness, reply, REVIEWER, startPipelineHarness } from '../support/pipeline';

/**
 * Identity and roles, attack first: a key may reach only what its scopes allow, a person is
 * who the key says (its own reviewer, or one an act-as key names), the role decides what
 * the person may do — in the API and in the workflow, which Temporal signals reach without
 * passing the API — and every attempt, refused or not, is in the audit trail.
 */
describe('roles, keys and the audit trail', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const keyFor = async (organizationId: string, scopes: ApiKeyScope[], reviewerUserId?: string) =>
    (await issueApiKey(h.db.db, organizationId, `${scopes.join('+')}${reviewerUserId ? `:${reviewerUserId}` : ''}`, { scopes, ...(reviewerUserId ? { reviewerUserId } : {}) })).key;
  const send = async (key: string, method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await h.request(urlPath, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as ResponseBody };
  };
  type ResponseBody = { error: { message: string } } & Record<string, unknown>;
  type AuditEvent = Record<string, unknown> & { reason: string | null; details: Record<string, unknown> };
  type AuditPage = { items: AuditEvent[]; total: number; limit: number; offset: number };
  const audit = async (adminKey: string, query: string) => (await send(adminKey, 'GET', `/api/audit?${query}`)).body as unknown as AuditPage;

  /** An issue waiting at its plan gate. */
  async function issueAtPlanGate(settings: Record<string, unknown> = {}) {
    const { organizationId, apiKey } = await h.newOrganization({ planApproval: 'required', ...settings });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    const { id, workflowId } = await h.submit(apiKey);
    await h.waitFor(apiKey, id, (issue) => issue.pending?.kind === 'approval');
    return { organizationId, apiKey, id, workflowId };
  }

  it('refuses impersonation with 403, lets a personal key act only as its reviewer, and audits both', async () => {
    const { organizationId, apiKey: adminKey, id } = await issueAtPlanGate();
    const alice = await keyFor(organizationId, ['review'], REVIEWER);

    // A personal key naming someone else — an admin — is refused; nothing reaches the workflow.
    const impersonation = await send(alice, 'POST', `/api/issues/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER });
    expect(impersonation.status).toBe(403);
    expect(impersonation.body.error.message).toBe(`this personal key acts as ${REVIEWER}; reviewer must be absent or ${REVIEWER}, not ${ADMIN_REVIEWER}`);
    const viaHeader = await send(alice, 'POST', `/api/issues/${id}/approval`, { decision: 'approve' }, { 'X-Acting-User': ADMIN_REVIEWER });
    expect(viaHeader.status).toBe(403);

    // The tests' service key has act-as: it may name a registered reviewer.
    const serviceNaming = await send(adminKey, 'POST', `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER });
    expect(serviceNaming.status).toBe(200);
    expect((await listDecisions(h.db.db, organizationId, id)).map((d) => d.reviewer)).toEqual([REVIEWER]);
    await send(adminKey, 'POST', `/api/issues/${id}/cancel`);

    // A service key without act-as cannot name a person, even a real one, even as admin.
    const refusedService = await issueAtPlanGate();
    const plainAdmin = await keyFor(refusedService.organizationId, ['admin']);
    const noActAs = await send(plainAdmin, 'POST', `/api/issues/${refusedService.id}/approval`, { decision: 'approve', reviewer: REVIEWER });
    expect(noActAs).toMatchObject({ status: 403, body: { error: { message: `this key may not act for ${REVIEWER}: it lacks the act-as scope (use ${REVIEWER}'s personal key)` } } });
    const nobody = await send(plainAdmin, 'POST', `/api/issues/${refusedService.id}/approval`, { decision: 'approve' });
    expect(nobody.status).toBe(403);
    expect(nobody.body.error.message).toContain('this key acts for no person');
    // Text Postgres cannot store (a lone surrogate, NUL) cannot keep a refused attempt out of the trail.
    const unstorable = await send(plainAdmin, 'POST', `/api/issues/${refusedService.id}/answers`, { answer: 'x', questionId: '\ud800\u0000' }, { 'X-Acting-User': REVIEWER });
    expect(unstorable.status).toBe(403);
    expect((await audit(refusedService.apiKey, 'action=issue.answer')).items).toEqual([
      expect.objectContaining({ outcome: 'refused', details: expect.objectContaining({ questionId: '\ufffd\ufffd', claimedActor: REVIEWER }) }),
    ]);

    // The personal key acting as itself, with no name in the body, decides.
    const own = await send(await keyFor(refusedService.organizationId, ['review'], REVIEWER), 'POST', `/api/issues/${refusedService.id}/approval`, { decision: 'reject', comment: 'not now' });
    expect(own.status).toBe(200);
    expect((await listDecisions(h.db.db, refusedService.organizationId, refusedService.id))[0]).toMatchObject({ reviewer: REVIEWER, decision: 'reject', via: 'update' });

    const trail = await audit(refusedService.apiKey, `targetId=${refusedService.id}&channel=api_key&action=issue.decide`);
    // A name that was refused is a claim, not an actor.
    expect(trail.items.map((e) => [e.action, e.actor, e.outcome, e.channel])).toEqual([
      ['issue.decide', REVIEWER, 'ok', 'api_key'],
      ['issue.decide', null, 'refused', 'api_key'],
      ['issue.decide', null, 'refused', 'api_key'],
    ]);
    expect(trail.items[2]).toMatchObject({ channelName: 'admin', reason: expect.stringContaining('lacks the act-as scope'), details: { decision: 'approve', claimedActor: REVIEWER } });
    expect(trail.items[0]).toMatchObject({ actorRole: 'reviewer', requestId: expect.any(String) });
    // The workflow records what it received too, with the origin the API claimed for it.
    // The workflow writes that record with the decision (decideGate), before the update returns.
    const received = (await audit(refusedService.apiKey, `targetId=${refusedService.id}&channel=temporal_update`)).items;
    expect(received).toEqual([expect.objectContaining({ actor: REVIEWER, outcome: 'ok', details: expect.objectContaining({ origin: expect.objectContaining({ channel: 'api_key' }) }) })]);
    const first = await audit(adminKey, `actor=${REVIEWER}&outcome=refused`);
    expect(first.items.map((e) => e.reason)).toEqual([viaHeader.body.error.message, impersonation.body.error.message]);
  });

  it('an act-as key names a registered reviewer in X-Acting-User, and nobody else', async () => {
    const { organizationId, id } = await issueAtPlanGate();
    const erp = await keyFor(organizationId, ['issues:write', 'review', 'act-as']);
    const unknown = await send(erp, 'POST', `/api/issues/${id}/approval`, { decision: 'approve' }, { 'X-Acting-User': 'mallory' });
    expect(unknown).toMatchObject({ status: 403, body: { error: { message: `mallory is not a reviewer of organization ${organizationId}` } } });
    const disagree = await send(erp, 'POST', `/api/issues/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER }, { 'X-Acting-User': REVIEWER });
    expect(disagree.status).toBe(403);
    const ok = await send(erp, 'POST', `/api/issues/${id}/approval`, { decision: 'approve' }, { 'X-Acting-User': REVIEWER });
    expect(ok.status).toBe(200);
    expect((await listDecisions(h.db.db, organizationId, id))[0]).toMatchObject({ reviewer: REVIEWER });
    await send(erp, 'POST', `/api/issues/${id}/cancel`);
  });

  it('scopes: each key reaches only its endpoints, and a refused write is audited', async () => {
    const { organizationId, apiKey: adminKey, id } = await issueAtPlanGate();
    const submitter = await keyFor(organizationId, ['issues:write']);
    const runner = await keyFor(organizationId, ['skills:run']);
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    const ownIssue = (await send(submitter, 'POST', '/api/issues', { source: 'erp', externalId: `own-${id}`, type: 'task', priority: 'low', title: 'Mine' })).body as unknown as { id: string };
    await h.waitFor(adminKey, ownIssue.id, (issue) => issue.pending?.kind === 'approval');

    const decide = await send(submitter, 'POST', `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER });
    expect(decide).toMatchObject({ status: 403, body: { error: { message: 'This key lacks the review scope (it has issues:write).' } } });
    expect((await send(submitter, 'GET', `/api/issues/${id}`)).status).toBe(200);
    expect((await send(runner, 'GET', `/api/issues/${id}`)).status).toBe(403);
    expect((await send(submitter, 'GET', '/api/audit')).status).toBe(403);
    expect((await send(submitter, 'POST', '/api/personas', { slug: 'x', name: 'X', systemPrompt: 'y', allowedSkills: [] })).status).toBe(403);
    expect((await send(runner, 'GET', '/api/skills')).status).toBe(200);
    expect((await send(runner, 'POST', '/api/schedules', {})).status).toBe(403);
    // A service key may withdraw its own request without naming a person — not another key's.
    const notMine = await send(submitter, 'POST', `/api/issues/${id}/cancel`);
    expect(notMine).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('this key did not submit the issue') } } });
    expect((await send(submitter, 'POST', `/api/issues/${ownIssue.id}/cancel`)).status).toBe(202);
    expect((await send(adminKey, 'POST', `/api/issues/${id}/cancel`)).status).toBe(202);

    const refused = await audit(adminKey, 'outcome=refused');
    expect(refused.items.map((e) => [e.action, e.reason])).toEqual([
      ['issue.cancel', notMine.body.error.message],
      ['schedule.create', 'This key lacks the admin scope (it has skills:run).'],
      ['persona.create', 'This key lacks the admin scope (it has issues:write).'],
      ['issue.decide', 'This key lacks the review scope (it has issues:write).'],
    ]);
    const cancelled = await audit(adminKey, 'action=issue.cancel&outcome=ok');
    expect(cancelled.items.map((e) => [e.targetId, e.channelName])).toEqual([
      [id, 'test'],
      [ownIssue.id, 'issues:write'],
    ]);
  });

  it('roles: the organization decides who may approve each gate; the workflow enforces it for API and Temporal alike', async () => {
    const { organizationId, apiKey, id, workflowId } = await issueAtPlanGate({ permissions: { approvePlan: ['admin'] } });

    const byReviewer = await send(apiKey, 'POST', `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER });
    expect(byReviewer).toMatchObject({ status: 403, body: { error: { message: `${REVIEWER} (reviewer) may not decide at the plan gate in organization ${organizationId}` } } });

    // The Temporal path (Web UI, CLI) bypasses the API: a non-reviewer's and a reviewer's
    // signal are refused by the workflow itself, and recorded as refused.
    const handle = h.temporal.client.workflow.getHandle(workflowId);
    const refused = async () => (await audit(apiKey, 'channel=temporal_signal')).items;
    await handle.signal(decisionSignal, { decision: 'approve', reviewer: 'mallory', gate: 'plan' });
    await eventually(refused, (items) => items.length === 1);
    await handle.signal(decisionSignal, { decision: 'approve', reviewer: REVIEWER, gate: 'plan' });
    await eventually(refused, (items) => items.length === 2);
    // An origin claimed in the payload does not keep a signal out of the trail.
    await handle.signal(decisionSignal, { decision: 'approve', reviewer: 'mallory', gate: 'plan', origin: { channel: 'api_key', ref: 'forged' } } as never);
    const all = await eventually(refused, (items) => items.length === 3);
    expect(all[0]).toMatchObject({ actor: null, outcome: 'refused', details: { claimedActor: 'mallory', origin: { channel: 'api_key', ref: 'forged' } } });
    const signals = all.slice(1);
    expect(signals.map((e) => [e.actor, e.details['claimedActor'], e.outcome, e.reason])).toEqual([
      [null, REVIEWER, 'refused', `${REVIEWER} (reviewer) may not decide at the plan gate in organization ${organizationId}`],
      [null, 'mallory', 'refused', `mallory is not a reviewer of organization ${organizationId}`],
    ]);
    expect(signals[0]).toMatchObject({ action: 'issue.decide', targetType: 'issue', targetId: id, channelRef: id });
    const waiting = await h.get(apiKey, id);
    expect(waiting.pending).toMatchObject({ kind: 'approval', gate: 'plan' });
    expect(await listDecisions(h.db.db, organizationId, id)).toEqual([]);
    // The check and the records are one local activity (decideGate): a refused one wrote no
    // log line and left the row waiting.
    expect((await getIssue(h.db.db, organizationId, id))?.status).toBe('awaiting_approval');
    expect((await listLogs(h.db.db, organizationId, id, 200)).filter((line) => line.message.includes('gate:'))).toEqual([]);
    // The senders of those signals heard nothing: the issue itself shows them refused, with why.
    const shownRefused = [
      { kind: 'decision', person: 'mallory', reason: `mallory is not a reviewer of organization ${organizationId}`, at: expect.any(String) },
      { kind: 'decision', person: REVIEWER, reason: `${REVIEWER} (reviewer) may not decide at the plan gate in organization ${organizationId}`, at: expect.any(String) },
      { kind: 'decision', person: 'mallory', reason: `mallory is not a reviewer of organization ${organizationId}`, at: expect.any(String) },
    ];
    expect(waiting.refusedSignals).toEqual(shownRefused);

    // An admin's signal is accepted, and audited as such.
    await handle.signal(decisionSignal, { decision: 'reject', reviewer: ADMIN_REVIEWER, gate: 'plan', comment: 'operator' });
    const ended = await h.waitForEnd(apiKey, id);
    expect(ended.status).toBe('rejected');
    const accepted = await audit(apiKey, `channel=temporal_signal&outcome=ok`);
    expect(accepted.items).toEqual([expect.objectContaining({ actor: ADMIN_REVIEWER, actorRole: 'admin', action: 'issue.decide', details: { decision: 'reject', gate: 'plan' } })]);
    expect((await listDecisions(h.db.db, organizationId, id))[0]).toMatchObject({ reviewer: ADMIN_REVIEWER, via: 'signal' });
    // Once ended, the same from the audit trail.
    expect((await h.get(apiKey, id)).refusedSignals).toEqual(shownRefused);
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-signals-audited');
  });

  it('a person demoted by another process is refused at the next gate, by the API and the workflow, though both cache people', async () => {
    // Both the API and the worker find people in a cache; the attack is a stale entry. An
    // admin decides the plan gate (both caches now hold them as admin), another process takes
    // the role away, and at the final gate the same person is refused: the trigger on
    // reviewers (migration 0019) announced the change and both caches dropped the entry.
    const { organizationId, apiKey, id, workflowId } = await issueAtPlanGate({ permissions: { approvePlan: ['admin'], approveFinal: ['admin'] }, finalApproval: 'required' });
    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));
    expect((await send(apiKey, 'POST', `/api/issues/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER, gate: 'plan' })).status).toBe(200);
    await h.waitFor(apiKey, id, (issue) => issue.pending?.kind === 'approval' && issue.pending.gate === 'final');

    await h.db.db.execute(sql`update reviewers set role = 'reviewer' where organization_id = ${organizationId} and user_id = ${ADMIN_REVIEWER}`);
    await accessChangesHeard(h.db); // the caches have dropped what the change touched
    const demoted = `${ADMIN_REVIEWER} (reviewer) may not decide at the final gate in organization ${organizationId}`;
    expect(await send(apiKey, 'POST', `/api/issues/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER, gate: 'final' })).toMatchObject({ status: 403, body: { error: { message: demoted } } });
    const handle = h.temporal.client.workflow.getHandle(workflowId);
    await handle.signal(decisionSignal, { decision: 'approve', reviewer: ADMIN_REVIEWER, gate: 'final' });
    const refused = await eventually(async () => (await audit(apiKey, 'channel=temporal_signal&outcome=refused')).items, (items) => items.length === 1);
    expect(refused[0]).toMatchObject({ reason: demoted, details: { claimedActor: ADMIN_REVIEWER } });
    expect((await h.get(apiKey, id)).pending).toMatchObject({ kind: 'approval', gate: 'final' });

    // Removed altogether: the same, with the reason a stranger gets.
    await h.db.db.execute(sql`delete from reviewers where organization_id = ${organizationId} and user_id = ${ADMIN_REVIEWER}`);
    await accessChangesHeard(h.db);
    const gone = `${ADMIN_REVIEWER} is not a reviewer of organization ${organizationId}`;
    expect(await send(apiKey, 'POST', `/api/issues/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER, gate: 'final' })).toMatchObject({ status: 403, body: { error: { message: gone } } });
    await handle.signal(decisionSignal, { decision: 'approve', reviewer: ADMIN_REVIEWER, gate: 'final' });
    const both = await eventually(async () => (await audit(apiKey, 'channel=temporal_signal&outcome=refused')).items, (items) => items.length === 2);
    expect(both[0]).toMatchObject({ reason: gone });

    // Given the role back, they decide; nothing refused was recorded as a decision.
    await h.db.db.execute(sql`insert into reviewers (organization_id, user_id, name, role) values (${organizationId}, ${ADMIN_REVIEWER}, 'Admin', 'admin')`);
    await accessChangesHeard(h.db);
    expect((await send(apiKey, 'POST', `/api/issues/${id}/approval`, { decision: 'approve', reviewer: ADMIN_REVIEWER, gate: 'final' })).status).toBe(200);
    expect((await h.waitForEnd(apiKey, id)).status).toBe('completed');
    expect((await listDecisions(h.db.db, organizationId, id)).map((decision) => [decision.gate, decision.reviewer, decision.via])).toEqual([
      ['plan', ADMIN_REVIEWER, 'update'],
      ['final', ADMIN_REVIEWER, 'update'],
    ]);
  });

  it('the audit trail paginates, filters, refuses bad filters, and cannot be rewritten', async () => {
    const { organizationId, apiKey } = await h.newOrganization({});
    const stranger = await keyFor(organizationId, ['issues:write']);
    for (let i = 0; i < 3; i += 1) await send(stranger, 'DELETE', `/api/personas/p${i}`);
    const page1 = await audit(apiKey, 'action=persona.&limit=2');
    const page2 = await audit(apiKey, 'action=persona.&limit=2&offset=2');
    expect(page1).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(page1.items.map((e) => e.targetId)).toEqual(['p2', 'p1']);
    expect(page2.items.map((e) => e.targetId)).toEqual(['p0']);
    expect((await audit(apiKey, `from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).total).toBe(0);
    expect((await send(apiKey, 'GET', '/api/audit?outcome=maybe')).status).toBe(422);
    expect((await send(apiKey, 'GET', '/api/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(422);
    // Past the year 9999 in UTC once its offset applies: Postgres refused it (a 500).
    expect((await send(apiKey, 'GET', '/api/audit?from=9999-12-31T23%3A59%3A59-23%3A59')).status).toBe(422);
    // Another organization's trail is not visible.
    const other = await h.newOrganization({});
    expect((await audit(other.apiKey, 'action=persona.')).total).toBe(0);

    const attempt = (query: ReturnType<typeof sql>) =>
      h.db.db.execute(query).then(
        () => 'written',
        (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
      );
    expect(await attempt(sql`update audit_events set outcome = 'ok' where organization_id = ${organizationId}`)).toBe('audit_events is append-only (UPDATE refused)');
    expect(await attempt(sql`delete from audit_events where organization_id = ${organizationId}`)).toBe('audit_events is append-only (DELETE refused)');
    expect(await attempt(sql`truncate audit_events`)).toBe('audit_events is append-only (TRUNCATE refused)');
    expect((await audit(apiKey, 'outcome=refused')).total).toBe(3);
  });

  it('keys from before scopes existed are admin keys; a personal key needs a registered reviewer and no act-as', async () => {
    const { organizationId } = await h.newOrganization({});
    const hash = `legacy-${organizationId}`;
    await h.db.db.execute(sql`insert into api_keys (organization_id, name, prefix, key_hash) values (${organizationId}, 'legacy', 'ak_old', ${hash})`);
    const rows = await h.db.db.execute(sql`select scopes, reviewer_user_id from api_keys where key_hash = ${hash}`);
    expect([...(rows as unknown as Array<Record<string, unknown>>)]).toEqual([{ scopes: ['admin'], reviewer_user_id: null }]);
    await expect(issueApiKey(h.db.db, organizationId, 'ghost', { scopes: ['review'], reviewerUserId: 'ghost' })).rejects.toThrow('ghost is not a reviewer');
    await expect(issueApiKey(h.db.db, organizationId, 'both', { scopes: ['review', 'act-as'], reviewerUserId: REVIEWER })).rejects.toThrow('cannot have the act-as scope');
  });
});
