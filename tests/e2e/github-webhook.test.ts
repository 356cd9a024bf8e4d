import { createHmac } from 'node:crypto';
import examples from '@octokit/webhooks-examples';
import { eq } from 'drizzle-orm';
import { addReviewer, listDecisions } from '../../src/db/people';
import { issues } from '../../src/db/schema';
import { uniqueId } from '../support/harness';
import { type PipelineHarness, reply, REVIEWER, startPipelineHarness } from '../support/pipeline';

const SECRET = 'github-webhook-secret-0123456789';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- GitHub's samples are untyped JSON we edit in place
type Payload = Record<string, any>;

/** A real GitHub payload sample (from @octokit/webhooks-examples), pointed at our repository. */
function sample(event: string, action: string, overrides: (payload: Payload) => void): Payload {
  const group = (examples as Array<{ name: string; examples: Payload[] }>).find((e) => e.name === event);
  const found = group?.examples.find((e) => e['action'] === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  const payload = structuredClone(found);
  overrides(payload);
  return payload;
}

describe('GitHub webhook', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(() => h.fake.reset());

  const send = (event: string, payload: unknown, options: { secret?: string; deliveryId?: string } = {}) => {
    const body = JSON.stringify(payload);
    const signature = `sha256=${createHmac('sha256', options.secret ?? SECRET).update(body).digest('hex')}`;
    return h.request('/api/webhooks/github', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': options.deliveryId ?? uniqueId('gh'), 'x-hub-signature-256': signature },
      body,
    });
  };

  it('starts an issue from issues.labeled once per delivery, and refuses forged or unverifiable deliveries', async () => {
    const owner = uniqueId('acme');
    const { organizationId, apiKey } = await h.newOrganization({
      repository: { path: '/nonexistent', github: { owner, repo: 'invoices', webhookSecret: SECRET, triggerLabel: 'agent' } },
    });
    const point = (payload: Payload) => {
      payload['repository'].name = 'invoices';
      payload['repository'].owner.login = owner;
      payload['issue'].number = 4242;
    };
    const labeled = sample('issues', 'labeled', (payload) => {
      point(payload);
      payload['label'] = { ...payload['label'], name: 'agent' };
      payload['issue'].labels = [{ name: 'bug' }, { name: 'agent' }];
    });

    expect((await send('issues', labeled, { secret: 'wrong-secret-0123456789abcdef' })).status).toBe(401);
    const notOurs = sample('issues', 'labeled', (payload) => void (payload['label'] = { name: 'other' }));
    expect((await send('issues', notOurs)).status).toBe(401); // unknown repository: cannot be verified

    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool('submit_research', reply.research());
    const started = await send('issues', labeled, { deliveryId: 'gh-1' });
    expect(started.status).toBe(202);
    const { issueId } = (await started.json()) as { issueId: string };
    expect(await (await send('issues', labeled, { deliveryId: 'gh-1' })).json()).toEqual({ duplicate: true });
    const [row] = await h.db.db.select().from(issues).where(eq(issues.id, issueId));
    expect(row).toMatchObject({ source: 'github', externalId: '4242', type: 'bug', organizationId });
    // Triage routed it to research only, so it ends with the analysis.
    const issue = await h.waitForEnd(apiKey, issueId);
    expect(issue.status).toBe('completed');
  });

  it('routes /reject (and /approve, /answer) comments from reviewers to the open gate; others are ignored', async () => {
    const owner = uniqueId('acme');
    const { organizationId, apiKey } = await h.newOrganization({
      planApproval: 'required',
      repository: { path: '/nonexistent', github: { owner, repo: 'invoices', webhookSecret: SECRET } },
    });
    const point = (payload: Payload) => {
      payload['repository'].name = 'invoices';
      payload['repository'].owner.login = owner;
      payload['issue'].number = 77;
    };
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    const labeled = sample('issues', 'labeled', (payload) => {
      point(payload);
      payload['label'] = { ...payload['label'], name: 'agent' };
    });
    const { issueId } = (await (await send('issues', labeled)).json()) as { issueId: string };
    await h.waitFor(apiKey, issueId, (issue) => issue.status === 'awaiting_approval');
    // GitHub users act as reviewers in their own namespace: github:<login>.
    await addReviewer(h.db.db, { organizationId, userId: `github:${REVIEWER}`, name: 'Alice on GitHub' });

    let commentId = 800000;
    const comment = (login: string, body: string) =>
      sample('issue_comment', 'created', (payload) => {
        point(payload);
        payload['comment'].id = ++commentId; // each comment its own event
        payload['comment'].body = body;
        payload['comment'].user.login = login;
      });
    const stranger = await send('issue_comment', comment('mallory', '/approve'));
    expect(await stranger.json()).toMatchObject({ ignored: 'github:mallory is not a reviewer' });
    const chatter = await send('issue_comment', comment(REVIEWER, 'looks interesting'));
    expect(await chatter.json()).toMatchObject({ ignored: 'not a command' });
    const rejection = comment(REVIEWER, '/reject out of scope for Q3');
    rejection['comment'].id = 900001;
    const rejected = await send('issue_comment', rejection);
    expect(rejected.status).toBe(202);
    expect(await rejected.json()).toMatchObject({ command: 'reject' });
    // The same signed comment replayed under a new delivery id is the same event.
    expect(await (await send('issue_comment', rejection, { deliveryId: 'replayed' })).json()).toEqual({ duplicate: true });
    const issue = await h.waitForEnd(apiKey, issueId);
    expect(issue.status).toBe('rejected');
    const decisions = await listDecisions(h.db.db, organizationId, issueId);
    expect(decisions).toEqual([expect.objectContaining({ gate: 'plan', decision: 'reject', reviewer: `github:${REVIEWER}`, comment: 'out of scope for Q3' })]);
  });
});
