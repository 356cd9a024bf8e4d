import { eq } from 'drizzle-orm';
import { createApp } from '../../src/api/app';
import { createControlsService } from '../../src/controls/service';
import type { DatabaseHandle } from '../../src/db/client';
import { appendLog } from '../../src/db/logs';
import { issueApiKey, revokeApiKey } from '../../src/db/organizations';
import { addReviewer } from '../../src/db/people';
import { auditEvents, consoleSessions, issues as issuesTable } from '../../src/db/schema';
import { createAccessService } from '../../src/identity/service';
import { createInboxService } from '../../src/inbox/service';
import { createSkillBuildService } from '../../src/builds/service';
import { insertSkillBuild, updateSkillBuild } from '../../src/db/skill-builds';
import { createIssueChangeFeed, type IssueChangeFeed } from '../../src/issues/changes';
import { createIssueService } from '../../src/issues/service';
import { answerUpdate, commandDecisionUpdate, decisionUpdate, type IssueProgress, skillBuildDecisionUpdate, skillBuildWorkflowId, statusQuery } from '../../workflows/definitions';
import { checked } from '../support/contract';
import { createTestOrganization, eventually, openTestDatabase, uniqueId } from '../support/harness';
import { InMemoryRuns } from '../support/in-memory-runs';

/**
 * The reviewer console without a browser (tests/e2e/console-browser.test.ts drives one): sign-in
 * and its cookie, CSRF refusals, organization scoping, the admin page's scope, escaping of what
 * attackers control, and the event stream's authentication and clean-up. Real Postgres (its
 * LISTEN/NOTIFY feeds the stream), workflow runs in memory.
 */
describe('reviewer console', () => {
  let db: DatabaseHandle;
  let feed: IssueChangeFeed;
  const runs = new InMemoryRuns();
  let app: ReturnType<typeof createApp>;
  let organizationId: string;
  let serviceKey: string;
  let alice: string; // a reviewer's personal key
  let olivia: string; // an admin's personal key (admin scope)
  let other: { organizationId: string; serviceKey: string };
  const ORIGIN = 'http://localhost';

  beforeAll(async () => {
    db = await openTestDatabase();
    feed = createIssueChangeFeed(db.listen);
    const issues = createIssueService({ db: db.db, runs, taskQueue: uniqueId('tq-console'), publicBaseUrl: 'http://localhost:3000', namespace: 'default' });
    app = checked(
      createApp({
        issues,
        access: createAccessService(db.db),
        inbox: createInboxService(db.db),
        controls: createControlsService({ db: db.db, runs, taskQueue: uniqueId('tq-console') }),
        builds: createSkillBuildService({ db: db.db, runs, taskQueue: uniqueId('tq-console'), skills: { getInvocation: () => Promise.reject(new Error('no dry runs here')) } }),
        console: {
          db: db.db,
          publicBaseUrl: 'http://localhost:3000',
          feed,
          heartbeatMs: 200,
          slots: async () => ({ running: [{ workflowId: 'w-1', organizationId }, { workflowId: 'w-2', organizationId: 'elsewhere' }], waiting: [], globalLimit: 5 }),
        },
        health: async () => ({}),
        logError: () => undefined,
      }),
    );
    const created = await createTestOrganization(db);
    organizationId = created.organization.id;
    serviceKey = created.apiKey;
    await addReviewer(db.db, { organizationId, userId: 'alice', name: 'Alice' });
    await addReviewer(db.db, { organizationId, userId: 'olivia', name: 'Olivia', role: 'admin' });
    alice = (await issueApiKey(db.db, organizationId, 'alice laptop', { scopes: ['review'], reviewerUserId: 'alice' })).key;
    olivia = (await issueApiKey(db.db, organizationId, 'olivia laptop', { scopes: ['admin'], reviewerUserId: 'olivia' })).key;
    const second = await createTestOrganization(db);
    other = { organizationId: second.organization.id, serviceKey: second.apiKey };
  });
  afterAll(async () => {
    await feed.close();
    await db.close();
  });

  /** Submits an issue through the JSON API (as the ERP does). */
  async function submit(key: string, body: Record<string, unknown> = {}): Promise<{ id: string; workflowId: string }> {
    const response = await app.request('/api/issues', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'erp', externalId: uniqueId('ERP'), type: 'bug', priority: 'high', title: 'Totals off by a cent', description: 'Two lines', context: {}, ...body }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; workflowId: string };
  }

  /** Puts the issue at the plan gate (the row, as the workflow's stage entry writes it). */
  async function atPlanGate(issueId: string) {
    const now = new Date();
    const pending = { kind: 'approval', gate: 'plan', gateRound: 0, since: now.toISOString(), deadline: new Date(now.getTime() + 3_600_000).toISOString(), reminded: true, escalated: false };
    await db.db.update(issuesTable).set({ status: 'awaiting_approval', stage: 'research', pending }).where(eq(issuesTable.id, issueId));
    return pending;
  }

  async function signIn(key: string): Promise<string> {
    const response = await app.request('/console/sign-in', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key }).toString() });
    expect(response.status).toBe(303);
    const cookie = /console_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
    if (!cookie) throw new Error('no session cookie');
    return `console_session=${cookie}`;
  }
  const page = async (path: string, cookie?: string) => {
    const response = await app.request(path, { headers: cookie ? { cookie } : {} });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
  /** The session's CSRF token, as its pages' forms carry it. */
  const csrfOf = (body: string) => /name="csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  const postForm = async (path: string, cookie: string | undefined, fields: Record<string, string>, headers: Record<string, string> = { origin: ORIGIN }) => {
    const response = await app.request(path, { method: 'POST', headers: { ...headers, ...(cookie ? { cookie } : {}), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };

  it('signs in with a personal key into an opaque session; a bad key gets a 401 page and no cookie', async () => {
    expect((await page('/console')).headers.get('location')).toBe('/console/inbox');
    const signedOut = await page('/console/inbox');
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Finbox');
    expect((await page('/console/issues/00000000-0000-4000-8000-000000000000')).headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Fissues%2F00000000-0000-4000-8000-000000000000');

    const bad = await postForm('/console/sign-in', undefined, { key: 'ak_not_a_real_key' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    expect(bad.body).toContain('That key was not accepted');
    expect(bad.body).not.toContain('ak_not_a_real_key');

    // A key that cannot review (the ERP's submit-only key) is refused too.
    const { key: submitOnly } = await issueApiKey(db.db, organizationId, 'erp', { scopes: ['issues:write'] });
    const refused = await postForm('/console/sign-in', undefined, { key: submitOnly });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('set-cookie')).toBeNull();

    const response = await app.request('/console/sign-in', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key: alice, next: '/console/admin' }).toString() });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/console/admin');
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^console_session=[\w-]{43}; Max-Age=43200; Path=\/console; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(alice);
    // Only the token's hash is stored, bound to the key.
    const token = /console_session=([^;]+)/.exec(setCookie)![1]!;
    const rows = await db.db.select().from(consoleSessions).where(eq(consoleSessions.organizationId, organizationId));
    expect(rows.some((row) => row.id === token)).toBe(false);
    const inbox = await page('/console/inbox', `console_session=${token}`);
    expect(inbox.status).toBe(200);
    expect(inbox.body).not.toContain(alice);
    // Signing in again replaces the session: the old token no longer works.
    const again = await postForm('/console/sign-in', `console_session=${token}`, { key: alice });
    expect(again.headers.get('set-cookie')).not.toContain(token);
    expect((await page('/console/inbox', `console_session=${token}`)).status).toBe(303);
    // An open redirect is not: `next` only names console pages.
    const elsewhere = await postForm('/console/sign-in', undefined, { key: alice, next: 'https://evil.example/' });
    expect(elsewhere.headers.get('location')).toBe('/console/inbox');
  });

  it('serves pages with strict headers, no caching, and ends the session on sign-out or revocation', async () => {
    const cookie = await signIn(alice);
    const inbox = await page('/console/inbox', cookie);
    const csp = inbox.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(inbox.headers.get('x-frame-options')).toBe('DENY');
    expect(inbox.headers.get('referrer-policy')).toBe('no-referrer');
    expect(inbox.headers.get('cache-control')).toBe('no-store');
    expect(inbox.headers.get('x-content-type-options')).toBe('nosniff');
    expect(inbox.body).not.toMatch(/<script>|<style>|style="/); // nothing inline

    const signedOut = await postForm('/console/sign-out', cookie, { csrf: csrfOf(inbox.body) });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('set-cookie')).toMatch(/^console_session=; Max-Age=0; Path=\/console/);
    expect((await page('/console/inbox', cookie)).status).toBe(303);

    const { id: keyId, key } = await issueApiKey(db.db, organizationId, 'short-lived', { scopes: ['review'], reviewerUserId: 'alice' });
    const revoked = await signIn(key);
    expect((await page('/console/inbox', revoked)).status).toBe(200);
    await revokeApiKey(db.db, organizationId, keyId);
    expect((await page('/console/inbox', revoked)).status).toBe(303);
  });

  it('shows the waiting approval in the inbox and on the issue page, and approves it with a comment', async () => {
    const { id, workflowId } = await submit(serviceKey, { title: 'Invoice totals off by one cent' });
    const pending = await atPlanGate(id);
    const cookie = await signIn(alice);
    const inbox = await page('/console/inbox', cookie);
    expect(inbox.body).toContain(`<a href="/console/issues/${id}">Invoice totals off by one cent</a>`);
    expect(inbox.body).toContain('Plan approval');
    expect(inbox.body).toContain('reminded');

    const shown = await page(`/console/issues/${id}`, cookie);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('Waiting for: Plan approval');
    expect(shown.body).toContain('<label for="decision-comment">');

    const live = (): IssueProgress =>
      ({ issueId: id, status: 'awaiting_approval', stage: 'research', progress: 60, currentStep: 'waiting: plan approval', error: null, round: 0, costUsd: 0.01, budgetUsd: 5, pending, questions: [], decisions: [] }) as unknown as IssueProgress;
    runs.answerQuery(statusQuery, (run) => (run.request.workflowId === workflowId ? live() : (undefined as never)));
    let received: unknown;
    runs.answerUpdate(decisionUpdate, (run, decision) => {
      if (run.request.workflowId !== workflowId) throw new Error('wrong run');
      received = decision;
      return live();
    });
    const csrf = csrfOf(shown.body);
    // request_changes needs a comment: refused on the page, what was typed kept.
    const noComment = await postForm(`/console/issues/${id}/decision`, cookie, { csrf, gate: 'plan', decision: 'request_changes', comment: '  ' });
    expect(noComment.status).toBe(422);
    expect(noComment.body).toContain('request_changes needs a comment');
    expect(received).toBeUndefined();

    const approved = await postForm(`/console/issues/${id}/decision`, cookie, { csrf, gate: 'plan', decision: 'approve', comment: 'Plan looks right' });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe(`/console/issues/${id}?done=approve`);
    expect(received).toMatchObject({ decision: 'approve', gate: 'plan', comment: 'Plan looks right', reviewer: 'alice', origin: { channel: 'api_key', name: 'alice laptop' } });
    const audit = await db.db.select().from(auditEvents).where(eq(auditEvents.targetId, id));
    // Compared as a set: rows of the same millisecond have no order to rely on.
    expect(audit.map((event) => [event.action, event.outcome, event.actor, event.details['via']]).sort()).toEqual([
      ['issue.decide', 'ok', 'alice', 'console'],
      ['issue.decide', 'refused', 'alice', 'console'],
    ]);
    expect((await page(`/console/issues/${id}?done=approve`, cookie)).body).toContain('Approved. The issue goes on.');

    // The workflow's refusal (here: the fake's) is shown on the page with the API's status.
    runs.answerUpdate(decisionUpdate, () => {
      throw new Error('not reached');
    });
    runs.end(workflowId, 'COMPLETED');
    const ended = await postForm(`/console/issues/${id}/decision`, cookie, { csrf, gate: 'plan', decision: 'reject', comment: 'too late' });
    expect(ended.status).toBe(409);
    expect(ended.body).toContain('role="alert"');
    expect(ended.body).toContain('the issue has already ended');
    expect(ended.body).toContain('too late</textarea>');
  });

  it('approves a held command once or for the issue, and denies one only with a comment for the agent', async () => {
    const { id, workflowId } = await submit(serviceKey, { title: 'Needs a package' });
    const now = new Date();
    const pending = {
      kind: 'command',
      toolUseId: 'toolu_cmd_1',
      stage: 'code',
      argv: ['npm', 'install', 'left pad<script>'],
      classification: 'dangerous',
      reason: 'installs packages',
      since: now.toISOString(),
      deadline: new Date(now.getTime() + 3_600_000).toISOString(),
      reminded: false,
      escalated: false,
    };
    await db.db.update(issuesTable).set({ status: 'awaiting_approval', stage: 'code', pending }).where(eq(issuesTable.id, id));
    const cookie = await signIn(alice);
    expect((await page('/console/inbox', cookie)).body).toContain('Approval of a command');
    const shown = await page(`/console/issues/${id}`, cookie);
    expect(shown.body).toContain('Waiting for: Approval of a command');
    // Each argument exactly, as text: the model's words are never markup.
    expect(shown.body).toContain('[&quot;npm&quot;,&quot;install&quot;,&quot;left pad&lt;script&gt;&quot;]');
    expect(shown.body).toContain('name="toolUseId" value="toolu_cmd_1"');

    const live = () => ({ issueId: id, status: 'awaiting_approval', stage: 'code', pending, questions: [], decisions: [] }) as unknown as IssueProgress;
    runs.answerQuery(statusQuery, (run) => (run.request.workflowId === workflowId ? live() : (undefined as never)));
    const received: unknown[] = [];
    runs.answerUpdate(commandDecisionUpdate, (run, decision) => {
      if (run.request.workflowId !== workflowId) throw new Error('wrong run');
      received.push(decision);
      return live();
    });
    const csrf = csrfOf(shown.body);
    const bare = await postForm(`/console/issues/${id}/command`, cookie, { csrf, toolUseId: 'toolu_cmd_1', decision: 'deny', comment: ' ' });
    expect(bare.status).toBe(422);
    expect(bare.body).toContain('deny needs a comment telling the agent why');
    expect((await postForm(`/console/issues/${id}/command`, cookie, { csrf, toolUseId: 'toolu_cmd_1', decision: 'delete_everything' })).status).toBe(422);
    expect(received).toEqual([]);

    const denied = await postForm(`/console/issues/${id}/command`, cookie, { csrf, toolUseId: 'toolu_cmd_1', decision: 'deny', comment: 'Use the vendored copy' });
    expect(denied.headers.get('location')).toBe(`/console/issues/${id}?done=command_deny`);
    const always = await postForm(`/console/issues/${id}/command`, cookie, { csrf, toolUseId: 'toolu_cmd_1', decision: 'approve_for_issue' });
    expect(always.headers.get('location')).toBe(`/console/issues/${id}?done=command_approve_for_issue`);
    expect(received).toEqual([
      expect.objectContaining({ decision: 'deny', comment: 'Use the vendored copy', toolUseId: 'toolu_cmd_1', reviewer: 'alice', origin: expect.objectContaining({ name: 'alice laptop' }) }),
      expect.objectContaining({ decision: 'approve_for_issue', toolUseId: 'toolu_cmd_1', reviewer: 'alice' }),
    ]);
    const audit = await db.db.select().from(auditEvents).where(eq(auditEvents.targetId, id));
    // Two refused, two recorded; compared as a set (rows of the same millisecond have no order to rely on).
    expect(audit.map((event) => [event.action, event.outcome, event.details['via']]).sort()).toEqual([
      ['issue.command_decision', 'ok', 'console'],
      ['issue.command_decision', 'ok', 'console'],
      ['issue.command_decision', 'refused', 'console'],
      ['issue.command_decision', 'refused', 'console'],
    ]);
    // Without the session's token nothing is decided.
    expect((await postForm(`/console/issues/${id}/command`, cookie, { toolUseId: 'toolu_cmd_1', decision: 'approve' })).status).toBe(403);
    expect(received).toHaveLength(2);
    runs.end(workflowId, 'COMPLETED');
  });

  it('answers a question, and shows why a reviewer may not raise a budget', async () => {
    const { id, workflowId } = await submit(serviceKey);
    const since = new Date().toISOString();
    const deadline = new Date(Date.now() + 3_600_000).toISOString();
    const question = { kind: 'question', questionId: 'q-1', stage: 'research', question: 'Which <b>currency</b>?', policy: 'supervised', draftAnswer: 'EUR', since, deadline, reminded: false, escalated: true };
    await db.db.update(issuesTable).set({ status: 'awaiting_answer', stage: 'research', pending: question }).where(eq(issuesTable.id, id));
    const cookie = await signIn(alice);
    const shown = await page(`/console/issues/${id}`, cookie);
    expect(shown.body).toContain('Which &lt;b&gt;currency&lt;/b&gt;?');
    expect(shown.body).toContain('Confirm the drafted answer');
    expect(shown.body).toContain('escalated');
    let answered: unknown;
    runs.answerUpdate(answerUpdate, (run, answer) => {
      if (run.request.workflowId !== workflowId) throw new Error('wrong run');
      answered = answer;
      return { issueId: id, status: 'processing', stage: 'research', progress: 50, currentStep: 'research', error: null, round: 0, costUsd: 0, budgetUsd: 5, pending: null, questions: [], decisions: [] } as unknown as IssueProgress;
    });
    const sent = await postForm(`/console/issues/${id}/answer`, cookie, { csrf: csrfOf(shown.body), questionId: 'q-1', answer: 'USD' });
    expect(sent.headers.get('location')).toBe(`/console/issues/${id}?done=answer`);
    expect(answered).toMatchObject({ questionId: 'q-1', answer: 'USD', answeredBy: 'alice' });

    const budget = { kind: 'budget', spentUsd: 5.01, budgetUsd: 5, since, deadline, reminded: false, escalated: false };
    await db.db.update(issuesTable).set({ status: 'awaiting_budget', pending: budget }).where(eq(issuesTable.id, id));
    const asked = await page(`/console/issues/${id}`, cookie);
    expect(asked.body).toContain('<label for="budget-usd">');
    const refused = await postForm(`/console/issues/${id}/budget`, cookie, { csrf: csrfOf(asked.body), budgetUsd: '12.50' });
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(`alice (reviewer) may not raise a budget in organization ${organizationId}`);
    expect(refused.body).toContain('value="12.50"');
    const nonsense = await postForm(`/console/issues/${id}/budget`, cookie, { csrf: csrfOf(asked.body), budgetUsd: 'lots' });
    expect(nonsense.status).toBe(422);
    expect(nonsense.body).toContain('give the new total in USD');
  });

  it("shows a build's proposal to admins in the inbox and on its page, escaped, and decides on it as the person", async () => {
    /** A Form Generator build waiting for its decision, with an attacker's markup in its payload. */
    const waitingBuild = async (org: string) => {
      const id = crypto.randomUUID();
      const workflowId = skillBuildWorkflowId(org, id);
      await insertSkillBuild(db.db, { id, organizationId: org, workflowId, kind: 'form', mode: 'create', skillSlug: null, description: 'A campaign form', examples: [], personaSlug: null, requestedBy: 'olivia', createdByKeyId: null });
      const payload = { name: 'Campaign <script>alert(1)</script>', purpose: 'p', fields: [{ name: 'company', label: 'Company', type: 'text', required: true }] };
      await updateSkillBuild(db.db, { organizationId: org, id }, { status: 'awaiting_approval', proposal: { round: 0, summary: 'One form', rationale: 'r', records: [{ toolUseId: 'tu-1', collection: 'form-templates', payload }] } });
      await runs.start({ workflowType: 'erpBuildWorkflow', taskQueue: 'tq', workflowId, args: [], searchAttributes: [] });
      return { id, workflowId };
    };
    const { id, workflowId } = await waitingBuild(organizationId);
    const theirs = await waitingBuild(other.organizationId);

    // A reviewer's role may not decide builds: not in their inbox, and the page is for admin keys.
    const aliceCookie = await signIn(alice);
    expect((await page('/console/inbox', aliceCookie)).body).not.toContain(id);
    expect((await page(`/console/builds/${id}`, aliceCookie)).status).toBe(403);

    const cookie = await signIn(olivia);
    const inbox = await page('/console/inbox', cookie);
    expect(inbox.body).toContain(`<a href="/console/builds/${id}">Form Generator, round 1</a>`);
    expect(inbox.body).toContain('Decision on a build');
    expect(inbox.body).not.toContain(theirs.id);
    expect((await page(`/console/builds/${theirs.id}`, cookie)).status).toBe(404);

    const shown = await page(`/console/builds/${id}`, cookie);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('Waiting for: a decision on round 1');
    expect(shown.body).toContain('POST /form-templates');
    expect(shown.body).not.toContain('<script>alert(1)');
    expect(shown.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    let received: unknown;
    runs.answerUpdate(skillBuildDecisionUpdate, (run, decision) => {
      if (run.request.workflowId !== workflowId) throw new Error('wrong run');
      received = decision;
      return { buildId: id, status: 'awaiting_approval' as const, round: 0, skill: null, version: null, updatedAt: new Date().toISOString() };
    });
    const csrf = csrfOf(shown.body);
    const noComment = await postForm(`/console/builds/${id}/decision`, cookie, { csrf, decision: 'request_changes', comment: '' });
    expect(noComment.status).toBe(422);
    expect(received).toBeUndefined();
    expect((await postForm(`/console/builds/${id}/decision`, aliceCookie, { csrf: csrfOf((await page('/console/inbox', aliceCookie)).body), decision: 'approve' })).status).toBe(403);
    expect(received).toBeUndefined();
    const approved = await postForm(`/console/builds/${id}/decision`, cookie, { csrf, decision: 'approve', comment: 'Looks right' });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe(`/console/builds/${id}?done=build_approve`);
    expect(received).toEqual({ decision: 'approve', reviewer: 'olivia', comment: 'Looks right' });
    const audit = await db.db.select().from(auditEvents).where(eq(auditEvents.targetId, id));
    expect(audit.map((event) => [event.action, event.outcome, event.actor, event.details['via']]).sort()).toEqual([
      ['build.decide', 'ok', 'olivia', 'console'],
      ['build.decide', 'refused', 'alice', 'console'],
      ['build.decide', 'refused', 'olivia', 'console'],
    ]);
  });

  it('refuses cross-site and token-less form posts (CSRF) before acting', async () => {
    const { id } = await submit(serviceKey);
    await atPlanGate(id);
    const cookie = await signIn(alice);
    const csrf = csrfOf((await page(`/console/issues/${id}`, cookie)).body);
    let updates = 0;
    runs.answerUpdate(decisionUpdate, () => {
      updates += 1;
      throw new Error('must not be reached');
    });
    const fields = { csrf, gate: 'plan', decision: 'approve' };
    const crossSite = await postForm(`/console/issues/${id}/decision`, cookie, fields, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).toContain('was not sent from the console');
    const noOrigin = await postForm(`/console/issues/${id}/decision`, cookie, fields, {});
    expect(noOrigin.status).toBe(403);
    const noToken = await postForm(`/console/issues/${id}/decision`, cookie, { gate: 'plan', decision: 'approve' });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toContain('security token does not match');
    const otherToken = await postForm(`/console/issues/${id}/decision`, cookie, { ...fields, csrf: csrf.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) });
    expect(otherToken.status).toBe(403);
    // Signing a victim in to the attacker's account from another site is refused the same way.
    expect((await postForm('/console/sign-in', undefined, { key: alice }, { origin: 'https://evil.example' })).status).toBe(403);
    // Sec-Fetch-Site: same-origin is what browsers send for the console's own forms.
    expect((await postForm('/console/sign-in', undefined, { key: alice }, { 'sec-fetch-site': 'same-origin' })).status).toBe(303);
    expect(updates).toBe(0);
  });

  it("answers 404 for another organization's issue, on the page, the form and the event stream", async () => {
    const theirs = await submit(other.serviceKey, { title: 'Their secret issue' });
    const cookie = await signIn(alice);
    const shown = await page(`/console/issues/${theirs.id}`, cookie);
    expect(shown.status).toBe(404);
    expect(shown.body).not.toContain('Their secret issue');
    const csrf = csrfOf((await page('/console/inbox', cookie)).body);
    expect((await postForm(`/console/issues/${theirs.id}/decision`, cookie, { csrf, decision: 'approve' })).status).toBe(404);
    expect((await page(`/console/issues/${theirs.id}/events`, cookie)).status).toBe(404);
    expect((await page('/console/issues/not-a-uuid', cookie)).status).toBe(404);
  });

  it('shows the admin page to admin keys only; pause and resume from it', async () => {
    const reviewer = await signIn(alice);
    const refused = await page('/console/admin', reviewer);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('admin scope');
    expect((await postForm('/console/admin/controls', reviewer, { csrf: csrfOf(refused.body), action: 'pause' })).status).toBe(403);

    const admin = await signIn(olivia);
    const shown = await page('/console/admin', admin);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('Running: nothing holds');
    expect(shown.body).toContain('Queue and slots');
    expect(shown.body).toContain('2 of 5 in use, 0 waiting. This organization: 1 running, 0 waiting for a slot.');
    const paused = await postForm('/console/admin/controls', admin, { csrf: csrfOf(shown.body), action: 'pause', reason: 'incident 42' });
    expect(paused).toMatchObject({ status: 303 });
    const after = await page('/console/admin?done=pause', admin);
    expect(after.body).toContain('Paused: agents of this organization wait');
    expect(after.body).toContain('incident 42');
    const resumed = await postForm('/console/admin/controls', admin, { csrf: csrfOf(after.body), action: 'resume' });
    expect(resumed.status).toBe(303);
    expect((await page('/console/admin', admin)).body).toContain('Running: nothing holds');
  });

  it('renders what attackers control as text: titles, descriptions, log lines', async () => {
    const title = 'Totals <script>alert(1)</script> and <img src=x onerror=alert(2)>';
    const { id } = await submit(serviceKey, { title, description: '<iframe src="javascript:alert(3)"></iframe>' });
    await appendLog(db.db, { organizationId, issueId: id, level: 'INFO', message: 'model said <svg onload=alert(4)>' });
    await atPlanGate(id);
    const cookie = await signIn(alice);
    for (const path of [`/console/issues/${id}`, '/console/inbox']) {
      const { body } = await page(path, cookie);
      expect(body).not.toMatch(/<script>alert|<img src=x|<iframe|<svg/);
      expect(body).toContain('Totals &lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(2)&gt;');
    }
    const { body } = await page(`/console/issues/${id}`, cookie);
    expect(body).toContain('&lt;iframe src=&quot;javascript:alert(3)&quot;&gt;&lt;/iframe&gt;');
    expect(body).toContain('model said &lt;svg onload=alert(4)&gt;');
  });

  it('streams the timeline to a signed-in session only, from Postgres notifications, and lets go when the client goes', async () => {
    const { id } = await submit(serviceKey);
    expect((await page(`/console/issues/${id}/events`)).status).toBe(401);
    const cookie = await signIn(alice);
    await appendLog(db.db, { organizationId, issueId: id, level: 'INFO', message: 'before the page' });
    const response = await app.request(`/console/issues/${id}/events?after=0`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(received)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in ${received}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${received}`);
        received += value;
      }
    };
    await readUntil(/event: log\ndata: .*before the page/);
    await readUntil(/event: status\ndata: .*"status":"queued"/);
    expect(feed.subscriptions).toBe(1);
    await appendLog(db.db, { organizationId, issueId: id, level: 'WARN', message: 'after <b>it</b> opened' });
    await readUntil(/event: log\ndata: .*after <b>it<\/b> opened.*\nid: \d+\n\n/);
    await db.db.update(issuesTable).set({ status: 'running', stage: 'classify' }).where(eq(issuesTable.id, id));
    await readUntil(/"status":"running","stage":"classify"/);
    await readUntil(/: heartbeat/);
    await reader.cancel();
    await eventually(async () => feed.subscriptions, (count) => count === 0, 5_000);

    // An ended issue: its lines, its status, then `end` and the stream closes.
    await db.db.update(issuesTable).set({ status: 'completed' }).where(eq(issuesTable.id, id));
    const ended = await app.request(`/console/issues/${id}/events`, { headers: { cookie, 'last-event-id': '0' } });
    const text = await ended.text();
    expect(text).toMatch(/event: end\ndata: \{"status":"completed"\}/);
    expect(text).toContain('before the page');
    expect(feed.subscriptions).toBe(0);
  });

  it('gives issues a trackingUrl that opens their console page', async () => {
    const { id } = await submit(serviceKey);
    const response = await app.request(`/api/issues/${id}`, { headers: { authorization: `Bearer ${serviceKey}` } });
    expect(((await response.json()) as { trackingUrl: string }).trackingUrl).toBe(`http://localhost:3000/console/issues/${id}`);
  });
});
