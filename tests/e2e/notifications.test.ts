import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { listNotifications } from '../../src/db/people';
import { callbackDeliveries } from '../../src/db/schema';
import { verify } from '../../src/erp/signature';
import { deliverNotification } from '../../src/notifications/deliver';
import { eventually, recordHistoryIfAsked } from '../support/harness';
import { type PipelineHarness, reply, REVIEWER, startPipelineHarness } from '../support/pipeline';

/**
 * Notifications end to end (README "Notifications"): real issues on the real Temporal server
 * and Postgres reach a question and approval gates; each notice goes to the organization's
 * signed webhook and its Slack-compatible incoming webhook — one local HTTP receiver stands in
 * for both — exactly once per channel, retried on a 5xx, given up on a 4xx, all in the log.
 */

const SECRET = 'notification-signing-secret-0123';
const WEBHOOK_PATH = '/hooks/orchestrator';
// Shaped like Slack's: the token segments are the secret, and never shown back.
const SLACK_PATH = '/services/T0A1B2C3D/B0XYZ1234/abcdefGHIJKLmnop1234';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** Both channels' receiver: records what arrives and answers what `respond` says (Slack: "ok"). */
async function startReceiver(respond: (path: string, index: number) => number = () => 200) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const status = respond(path, received.filter((r) => r.path === path).length);
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      const slack = path === SLACK_PATH;
      res.writeHead(status, { 'content-type': slack ? 'text/plain' : 'application/json' });
      res.end(slack ? (status === 200 ? 'ok' : 'invalid_payload') : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    webhookUrl: `${base}${WEBHOOK_PATH}`,
    slackUrl: `${base}${SLACK_PATH}`,
    received,
    webhook: () => received.filter((r) => r.path === WEBHOOK_PATH),
    slack: () => received.filter((r) => r.path === SLACK_PATH),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('notifications to the organization channels', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(() => h.fake.reset());

  const channels = (receiver: Awaited<ReturnType<typeof startReceiver>>, extra: Json = {}) => ({
    notifications: { webhook: { url: receiver.webhookUrl, secret: SECRET, ...extra['webhook'] }, slack: { webhookUrl: receiver.slackUrl, ...extra['slack'] } },
  });
  const deliveries = async (apiKey: string, query: string) => ((await h.getJson(apiKey, `/api/webhook-deliveries?${query}`)) as { items: Json[] }).items;
  const signatureOf = (request: Received) =>
    verify({
      secret: SECRET,
      body: request.body,
      signature: request.headers['x-signature'] as string,
      timestamp: request.headers['x-timestamp'] as string,
      deliveryId: request.headers['x-delivery-id'] as string,
    });

  it('sends each question and approval gate once to the signed webhook and to Slack, and logs every delivery', async () => {
    const receiver = await startReceiver();
    try {
      const { organizationId, apiKey } = await h.newOrganization({ ...channels(receiver), clarification: 'human', planApproval: 'required' });
      h.fake.onTool('submit_classification', reply.classify());
      h.fake.onTool('submit_triage', reply.triage({ question: 'Which customer saw it? <!channel>' }), reply.triage());
      h.fake.onTool('submit_research', reply.research());
      h.fake.onTool('submit_change', reply.change());
      h.fake.onTool('submit_review', reply.review('approve'));
      const title = 'Totals off <!here> & <https://evil.example|click>';
      const { id, workflowId } = await h.submit(apiKey, { title });

      await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_answer');
      await eventually(async () => receiver.received.length, (count) => count === 2);
      expect((await h.post(apiKey, `/api/issues/${id}/answers`, { answer: 'ACME-7', answeredBy: REVIEWER })).status).toBe(200);
      await h.waitFor(apiKey, id, (issue) => issue.pending?.kind === 'approval' && issue.pending.gate === 'plan');
      expect((await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER, gate: 'plan' })).status).toBe(200);
      await h.waitFor(apiKey, id, (issue) => issue.pending?.kind === 'approval' && issue.pending.gate === 'final');
      expect((await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER, gate: 'final' })).status).toBe(200);
      expect((await h.waitForEnd(apiKey, id)).status).toBe('completed');
      await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-notifications');

      const notices = await listNotifications(h.db.db, organizationId, id);
      expect(notices.map((notice) => notice.kind)).toEqual(['question_asked', 'approval_needed', 'approval_needed']);
      await eventually(async () => receiver.received.length, (count) => count === 6);

      // The webhook: one signed delivery per notice, its ids in the headers and the body.
      const hooks = receiver.webhook();
      expect(hooks).toHaveLength(3);
      for (const request of hooks) expect(signatureOf(request)).toEqual({ ok: true });
      const bodies = hooks.map((request) => JSON.parse(request.body) as Json);
      expect(bodies.map((body) => [body['kind'], body['awaiting']])).toEqual([
        ['question_asked', 'an answer'],
        ['approval_needed', 'plan approval'],
        ['approval_needed', 'final approval'],
      ]);
      expect(hooks.map((request) => request.headers['x-event-id'])).toEqual(notices.map((notice) => notice.id));
      expect(hooks.map((request) => request.headers['x-delivery-id'])).toEqual(notices.map((notice) => `notification:${notice.id}:webhook`));
      expect(bodies[0]).toMatchObject({
        event: 'notification.question_asked',
        eventId: notices[0]!.id,
        organizationId,
        question: 'Which customer saw it? <!channel>',
        deadline: expect.any(String),
        issue: { id, title, trackingUrl: `http://localhost:3000/console/issues/${id}` },
      });
      expect(bodies[1]).toMatchObject({ event: 'notification.approval_needed', gate: 'plan' });

      // Slack: one message per notice, issue text escaped (no ping, no hidden link), with the link.
      const slack = receiver.slack().map((request) => JSON.parse(request.body) as { text: string; blocks: Json[] });
      expect(slack).toHaveLength(3);
      const first = JSON.stringify(slack[0]);
      for (const injected of ['<!here>', '<!channel>', '<https://evil.example']) expect(first).not.toContain(injected);
      expect(slack[0]!.blocks[0]!['text']['text']).toContain(`*<http://localhost:3000/console/issues/${id}|Totals off &lt;!here&gt; &amp; &lt;https://evil.example|click&gt;>*`);
      expect(slack[0]!.blocks[0]!['text']['text']).toContain('*Question asked*: an answer');
      expect(slack[2]!.text).toMatch(/^Approval needed \(final approval\): Totals off/);

      // The delivery log, as an admin reads it: one row per notice and channel, delivered at once.
      const logged = await deliveries(apiKey, `issueId=${id}`);
      expect(logged).toHaveLength(6);
      for (const row of logged) expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, notificationId: expect.any(String) });
      expect(logged.filter((row) => row['channel'] === 'webhook')).toHaveLength(3);
      const slackRows = await deliveries(apiKey, `issueId=${id}&channel=slack`);
      expect(slackRows.map((row) => row['event']).sort()).toEqual(['notification.approval_needed', 'notification.approval_needed', 'notification.question_asked']);
      // The Slack URL is its secret: the log shows it without the token.
      expect(JSON.stringify(slackRows)).not.toContain('abcdefGHIJKLmnop1234');

      // A retried activity (or a replayed workflow) finds the delivery in the log: nothing is sent again.
      const again = await deliverNotification(
        h.db.db,
        { organizationId, notificationId: notices[0]!.id, channel: 'slack' },
        { number: 2, final: false, onlyIfNotDelivered: true },
        { publicBaseUrl: 'http://localhost:3000', policy: { allowPrivate: true } },
      );
      expect(again).toEqual({ outcome: 'delivered', statusCode: 200, already: true });
      expect(receiver.received).toHaveLength(6);
    } finally {
      await receiver.close();
    }
  });

  it('retries a channel that fails (500) until it takes the notice, gives up on a 400, and the issue goes on', async () => {
    const receiver = await startReceiver((path, index) => (path === SLACK_PATH ? 400 : index === 0 ? 500 : 200));
    try {
      const { apiKey } = await h.newOrganization({ ...channels(receiver), clarification: 'human' });
      h.fake.onTool('submit_classification', reply.classify({ type: 'question' }));
      h.fake.onTool('submit_triage', reply.triage({ question: 'Which export?' }), reply.triage({ route: 'answer', answer: 'Use the export button.' }));
      const { id } = await h.submit(apiKey);
      await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_answer');

      const rows = await eventually(
        () => deliveries(apiKey, `issueId=${id}`),
        (found) => found.length === 2 && found.every((row) => row['status'] !== 'pending'),
      );
      const webhook = rows.find((row) => row['channel'] === 'webhook')!;
      const slack = rows.find((row) => row['channel'] === 'slack')!;
      // One logged retry, then one successful delivery, under the same delivery id.
      expect(webhook).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null });
      expect(receiver.webhook().map((request) => request.status)).toEqual([500, 200]);
      expect(new Set(receiver.webhook().map((request) => request.headers['x-delivery-id'])).size).toBe(1);
      // A 400 is final: one attempt, logged as failed with what Slack said.
      expect(slack).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 400, lastError: 'Slack answered 400: invalid_payload' });
      expect(receiver.slack()).toHaveLength(1);

      // The issue never waited for either: it still waits for its answer, and completes.
      expect((await h.get(apiKey, id)).status).toBe('awaiting_answer');
      expect((await h.post(apiKey, `/api/issues/${id}/answers`, { answer: 'CSV', answeredBy: REVIEWER })).status).toBe(200);
      expect((await h.waitForEnd(apiKey, id)).status).toBe('completed');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(receiver.slack()).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('sends reminders and escalations too, each channel only the kinds it takes', async () => {
    const receiver = await startReceiver();
    try {
      const { apiKey } = await h.newOrganization({
        ...channels(receiver, { slack: { kinds: ['escalation'] } }),
        clarification: 'human',
        timers: { reminderSeconds: 1, escalationSeconds: 2, expirySeconds: 4 },
        escalationContacts: ['lead@example.com'],
      });
      h.fake.onTool('submit_classification', reply.classify());
      h.fake.onTool('submit_triage', reply.triage({ question: 'Which customer?' }));
      const { id } = await h.submit(apiKey);
      expect((await h.waitForEnd(apiKey, id, 30_000)).status).toBe('needs_info');
      await eventually(async () => receiver.received.length, (count) => count === 4);
      expect(receiver.webhook().map((request) => (JSON.parse(request.body) as Json)['kind'])).toEqual(['question_asked', 'reminder', 'escalation']);
      expect(JSON.parse(receiver.webhook()[2]!.body)).toMatchObject({ kind: 'escalation', recipients: ['lead@example.com'], awaiting: 'an answer', question: 'Which customer?' });
      expect(receiver.slack()).toHaveLength(1);
      expect(JSON.parse(receiver.slack()[0]!.body).text).toMatch(/^Escalation \(an answer\)/);
      const logged = await deliveries(apiKey, `issueId=${id}&status=delivered`);
      expect(logged).toHaveLength(4);
    } finally {
      await receiver.close();
    }
  });

  it('redelivers a failed notice under its delivery id once the channel is fixed', async () => {
    let accepting = false;
    const receiver = await startReceiver((path) => (path === SLACK_PATH && !accepting ? 404 : 200));
    try {
      const { apiKey } = await h.newOrganization({ ...channels(receiver, { webhook: { kinds: ['reminder'] } }), planApproval: 'required' });
      h.fake.onTool('submit_classification', reply.classify());
      h.fake.onTool('submit_triage', reply.triage());
      h.fake.onTool('submit_research', reply.research());
      const { id } = await h.submit(apiKey);
      await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_approval');
      const [failed] = await eventually(
        () => deliveries(apiKey, `issueId=${id}&status=failed`),
        (found) => found.length === 1,
      );
      expect(failed).toMatchObject({ channel: 'slack', event: 'notification.approval_needed', attempts: 1, lastStatusCode: 404 });
      expect(receiver.webhook()).toHaveLength(0); // it takes reminders only
      accepting = true;
      const redelivered = await h.post(apiKey, `/api/webhook-deliveries/${failed!['id']}/redeliver`);
      expect(redelivered).toMatchObject({ status: 200, body: { id: failed!['id'], deliveryId: failed!['deliveryId'], status: 'delivered', attempts: 2, lastStatusCode: 200 } });
      expect(receiver.slack().map((request) => request.status)).toEqual([404, 200]);
      const [row] = await h.db.db.select().from(callbackDeliveries).where(and(eq(callbackDeliveries.issueId, id), eq(callbackDeliveries.channel, 'slack')));
      expect(row?.status).toBe('delivered');
      expect((await h.call(apiKey, 'POST', `/api/issues/${id}/cancel`)).status).toBe(202);
    } finally {
      await receiver.close();
    }
  });
});
