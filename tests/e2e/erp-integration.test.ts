import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { issueApiKey } from '../../src/db/organizations';
import { callbackDeliveries, issues } from '../../src/db/schema';
import { sign, verify } from '../../src/erp/signature';
import { installSkillLibrary } from '../../src/skills/library';
import { eventually, recordHistoryIfAsked, uniqueId } from '../support/harness';
import { type PipelineHarness, reply, REVIEWER, startPipelineHarness } from '../support/pipeline';

const SECRET = 'erp-shared-secret-0123456789';

/** A stand-in for the ERP's callback endpoint: records what arrives, fails on command. */
async function startFakeErp(respond: (index: number) => number) {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string; status: number }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = respond(received.length);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/agent-callbacks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('ERP integration', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(() => h.fake.reset());

  const scriptAnswer = () => {
    h.fake.onTool('submit_classification', reply.classify({ type: 'question' }));
    h.fake.onTool('submit_triage', reply.triage({ route: 'answer', answer: 'Use the export button.' }));
  };

  describe('status callbacks', () => {
    it('signs each status event, is retried by Temporal until the ERP takes it, and records the attempts', async () => {
      const erp = await startFakeErp((index) => (index < 2 ? 500 : 200));
      try {
        const { organizationId, apiKey } = await h.newOrganization({ erp: { callbackUrl: erp.url, webhookSecret: SECRET } });
        scriptAnswer();
        const { id, workflowId } = await h.submit(apiKey, { externalId: 'ERP-CB-1' });
        expect((await h.waitForEnd(apiKey, id)).status).toBe('completed');
        await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-erp-callbacks');
        const delivered = await eventually(
          () => h.db.db.select().from(callbackDeliveries).where(eq(callbackDeliveries.issueId, id)),
          (rows) => rows.length === 2 && rows.every((row) => row.status === 'delivered'),
        );
        // The ERP refused the first two requests it saw: every attempt is counted.
        expect(erp.received.filter((r) => r.status === 500)).toHaveLength(2);
        expect(delivered.reduce((sum, row) => sum + row.attempts, 0)).toBe(erp.received.length);
        const accepted = erp.received.filter((r) => r.status === 200).map((r) => JSON.parse(r.body) as Record<string, unknown>);
        expect(accepted.map((body) => body['status']).sort()).toEqual(['COMPLETED', 'PROCESSING']);
        expect(accepted[0]).toMatchObject({ event: 'issue.status_changed', id, externalId: 'ERP-CB-1', organizationId });
        for (const request of erp.received) {
          expect(
            verify({
              secret: SECRET,
              body: request.body,
              signature: request.headers['x-signature'] as string,
              timestamp: request.headers['x-timestamp'] as string,
              deliveryId: request.headers['x-delivery-id'] as string,
            }),
          ).toEqual({ ok: true });
        }
        // Retries of one event carry the same delivery id, so the ERP can deduplicate.
        const ids = erp.received.map((r) => r.headers['x-delivery-id']);
        expect(new Set(ids).size).toBe(2);
      } finally {
        await erp.close();
      }
    });

    it('a dead callback endpoint never blocks or fails the issue', async () => {
      const erp = await startFakeErp(() => 410);
      try {
        const { apiKey } = await h.newOrganization({ erp: { callbackUrl: erp.url, webhookSecret: SECRET } });
        scriptAnswer();
        const { id } = await h.submit(apiKey);
        expect((await h.waitForEnd(apiKey, id)).status).toBe('completed');
        const rows = await eventually(
          () => h.db.db.select().from(callbackDeliveries).where(eq(callbackDeliveries.issueId, id)),
          (found) => found.length === 2 && found.every((row) => row.status === 'failed'),
        );
        expect(rows.every((row) => row.lastStatusCode === 410)).toBe(true);
      } finally {
        await erp.close();
      }
    });

    it('keeps a delivery log, redelivers a failed event under its delivery id once the receiver is fixed, and tells an integrator what a person owes', async () => {
      let accepting = false;
      const erp = await startFakeErp(() => (accepting ? 200 : 410));
      try {
        const { apiKey } = await h.newOrganization({ erp: { callbackUrl: `${erp.url}?token=hunter2`, webhookSecret: SECRET }, clarification: 'human', finalApproval: 'never' });
        h.fake.onTool('submit_classification', reply.classify());
        h.fake.onTool('submit_triage', reply.triage({ question: 'Which customer?' }), reply.triage({ route: 'answer', answer: 'Done.' }));
        const { id } = await h.submit(apiKey);
        const waiting = await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_answer');
        // The status event says what the person owes: the question itself, until when.
        const asked = await eventually(
          async () => erp.received.map((request) => JSON.parse(request.body) as Record<string, any>).find((body) => body['internalStatus'] === 'awaiting_answer'), // eslint-disable-line @typescript-eslint/no-explicit-any
          (body) => body !== undefined,
        );
        const questionId = (waiting.pending as { questionId: string }).questionId;
        expect(asked).toMatchObject({ event: 'issue.status_changed', status: 'REVIEW', pending: { kind: 'question', questionId, question: 'Which customer?', deadline: expect.any(String) } });
        expect((await h.post(apiKey, `/api/issues/${id}/answers`, { answer: 'ACME-7', answeredBy: REVIEWER })).status).toBe(200);
        expect((await h.waitForEnd(apiKey, id)).status).toBe('completed');

        // The log: every event, failed (410 is final), with the answer; the URL without its token.
        type Delivery = { id: string; deliveryId: string; event: string; status: string; attempts: number; lastStatusCode: number | null; url: string };
        const log = await eventually(
          async () => (await h.call(apiKey, 'GET', `/api/webhook-deliveries?issueId=${id}&status=FAILED`)).body as { items: Delivery[] },
          (page) => page.items.length === 4,
        );
        expect(log.items.every((item) => item.lastStatusCode === 410 && item.url === erp.url)).toBe(true);
        const first = log.items.at(-1)!;

        accepting = true;
        const before = erp.received.length;
        const redelivered = await h.call(apiKey, 'POST', `/api/webhook-deliveries/${first.id}/redeliver`);
        expect(redelivered).toMatchObject({ status: 200, body: { id: first.id, deliveryId: first.deliveryId, status: 'delivered', attempts: first.attempts + 1, lastStatusCode: 200, lastError: null } });
        // The same event, under the same delivery id, signed anew.
        const again = erp.received[before]!;
        expect(again.headers['x-delivery-id']).toBe(first.deliveryId);
        expect(verify({ secret: SECRET, body: again.body, signature: again.headers['x-signature'] as string, timestamp: again.headers['x-timestamp'] as string, deliveryId: first.deliveryId })).toEqual({ ok: true });
        // The same event as it happened: its time is the first attempt's, not now.
        expect(JSON.parse(again.body)).toMatchObject({ event: first.event, deliveryId: first.deliveryId, id, occurredAt: (first as Delivery & { createdAt: string }).createdAt });
        const delivered = (await h.call(apiKey, 'GET', `/api/webhook-deliveries?issueId=${id}&status=delivered`)).body as { items: Delivery[] };
        expect(delivered.items.map((item) => item.id)).toEqual([first.id]);

        // A delivery its workflow still retries is left to it; one pending for over an hour
        // (its worker died on the last attempt) may be sent again.
        const second = log.items.at(-2)!;
        await h.db.db.update(callbackDeliveries).set({ status: 'pending' }).where(eq(callbackDeliveries.id, second.id));
        expect((await h.call(apiKey, 'POST', `/api/webhook-deliveries/${second.id}/redeliver`)).status).toBe(409);
        await h.db.db.update(callbackDeliveries).set({ updatedAt: sql`now() - interval '2 hours'` as never }).where(eq(callbackDeliveries.id, second.id));
        expect(await h.call(apiKey, 'POST', `/api/webhook-deliveries/${second.id}/redeliver`)).toMatchObject({ status: 200, body: { status: 'delivered' } });

        // Refusals: unknown ids, and keys without the admin scope.
        expect((await h.call(apiKey, 'POST', '/api/webhook-deliveries/00000000-0000-4000-8000-000000000000/redeliver')).status).toBe(404);
        expect((await h.call(apiKey, 'POST', '/api/webhook-deliveries/not-an-id/redeliver')).status).toBe(404);
        const reviewerKey = (await issueApiKey(h.db.db, (await h.db.db.select().from(issues).where(eq(issues.id, id)))[0]!.organizationId, 'r', { scopes: ['review'], reviewerUserId: REVIEWER })).key;
        expect((await h.call(reviewerKey, 'GET', '/api/webhook-deliveries')).status).toBe(403);
        expect((await h.call(reviewerKey, 'POST', `/api/webhook-deliveries/${first.id}/redeliver`)).status).toBe(403);
      } finally {
        await erp.close();
      }
    });
  });

  describe('skill runs', () => {
    it('sends invocation.finished, signed, when a run ends, and logs it with the run', async () => {
      const erp = await startFakeErp(() => 200);
      try {
        const { organizationId, apiKey } = await h.newOrganization({ erp: { callbackUrl: erp.url, webhookSecret: SECRET } });
        await installSkillLibrary(h.db.db, organizationId);
        const output = { summary: 'Steady client', patterns: [], risks: [] };
        h.fake.onTool('submit_output', { tool: 'submit_output', input: output });
        const started = await h.call(apiKey, 'POST', '/api/skills/client-analyzer/invoke', { persona: 'operations-assistant', input: { clientId: 'c1' } });
        expect(started.status).toBe(202);
        const invocationId = started.body['id'] as string;
        const finished = await eventually(
          async () => erp.received.find((request) => request.headers['x-event'] === 'invocation.finished'),
          (request) => request !== undefined,
        );
        expect(JSON.parse(finished!.body)).toMatchObject({ event: 'invocation.finished', id: invocationId, organizationId, skill: 'client-analyzer', persona: 'operations-assistant', status: 'completed', output, error: null, triggeredBy: 'api' });
        expect(verify({ secret: SECRET, body: finished!.body, signature: finished!.headers['x-signature'] as string, timestamp: finished!.headers['x-timestamp'] as string, deliveryId: finished!.headers['x-delivery-id'] as string })).toEqual({ ok: true });
        const log = await eventually(
          async () => (await h.call(apiKey, 'GET', `/api/webhook-deliveries?invocationId=${invocationId}`)).body as { items: Array<Record<string, unknown>> },
          (page) => page.items[0]?.['status'] === 'delivered',
        );
        expect(log.items).toEqual([expect.objectContaining({ event: 'invocation.finished', invocationId, issueId: null, attempts: 1, lastStatusCode: 200 })]);
        await recordHistoryIfAsked(h.temporal.client, started.body['workflowId'] as string, 'skill-run-finished-event');
      } finally {
        await erp.close();
      }
    });
  });

  describe('webhook', () => {
    const deliver = (organizationId: string, payload: unknown, options: { secret?: string; timestamp?: number; deliveryId?: string } = {}) => {
      const body = JSON.stringify(payload);
      const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
      const deliveryId = options.deliveryId ?? uniqueId('delivery');
      return h.request('/api/webhooks/erp', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-organization-id': organizationId,
          'x-timestamp': String(timestamp),
          'x-delivery-id': deliveryId,
          'x-signature': sign(options.secret ?? SECRET, timestamp, deliveryId, body),
        },
        body,
      });
    };
    const created_ = (externalId: string) => created(externalId);
    const created = (externalId: string) => ({
      event: 'issue.created',
      data: { source: 'erp', externalId, type: 'QUESTION', priority: 'LOW', title: 'How do I export?', description: 'x', context: { module: 'crm' } },
    });

    it('starts an issue from issue.created, once per delivery id; forged and expired signatures are refused', async () => {
      const { organizationId } = await h.newOrganization({ erp: { webhookSecret: SECRET } });
      scriptAnswer();
      const first = await deliver(organizationId, created('ERP-WH-1'), { deliveryId: 'd-1' });
      expect(first.status).toBe(202);
      const firstBody = (await first.json()) as { workflowId: string };
      expect(firstBody).toMatchObject({ created: true, deliveryId: 'd-1' });
      await h.temporal.client.workflow.getHandle(firstBody.workflowId).result(); // its replies are used up before the next test
      const again = await deliver(organizationId, created('ERP-WH-1'), { deliveryId: 'd-1' });
      expect(await again.json()).toEqual({ duplicate: true, deliveryId: 'd-1' });

      expect((await deliver(organizationId, created('ERP-WH-2'), { secret: 'not-the-secret-0123456789' })).status).toBe(401);
      expect((await deliver(organizationId, created('ERP-WH-3'), { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
      expect((await deliver('no-such-org', created('ERP-WH-4'))).status).toBe(401);
      // A captured request replayed under a new delivery id: the signature covers the id.
      const body = JSON.stringify(created('ERP-WH-5'));
      const ts = Math.floor(Date.now() / 1000);
      const replayed = await h.request('/api/webhooks/erp', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-organization-id': organizationId, 'x-timestamp': String(ts), 'x-delivery-id': 'd-new', 'x-signature': sign(SECRET, ts, 'd-old', body) },
        body,
      });
      expect(replayed.status).toBe(401);
      const rows = await h.db.db.select().from(issues).where(eq(issues.organizationId, organizationId));
      expect(rows.map((row) => row.externalId)).toEqual(['ERP-WH-1']);
    });

    it('hands a delivery id back when processing fails, so the retry is processed', async () => {
      const { organizationId } = await h.newOrganization({ erp: { webhookSecret: SECRET } });
      const update = { event: 'issue.updated', data: { externalId: 'ERP-WH-LATE', context: { note: 'x' } } };
      expect((await deliver(organizationId, update, { deliveryId: 'late-1' })).status).toBe(404); // not created yet
      scriptAnswer();
      const created = await deliver(organizationId, created_('ERP-WH-LATE'));
      await h.temporal.client.workflow.getHandle(((await created.json()) as { workflowId: string }).workflowId).result();
      const retried = await deliver(organizationId, update, { deliveryId: 'late-1' });
      expect(retried.status).toBe(202); // processed now, not a duplicate
      const [row] = await h.db.db.select().from(issues).where(eq(issues.externalId, 'ERP-WH-LATE'));
      expect(row).toMatchObject({ source: 'erp', context: expect.objectContaining({ note: 'x' }) });
    });

    it('50 concurrent deliveries of the same issue start one workflow', async () => {
      const { organizationId } = await h.newOrganization({ erp: { webhookSecret: SECRET } });
      scriptAnswer();
      const responses = await Promise.all(Array.from({ length: 50 }, () => deliver(organizationId, created('ERP-WH-50'))));
      const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ workflowId: string; issueId: string; created: boolean }>;
      expect(new Set(bodies.map((b) => b.issueId)).size).toBe(1);
      expect(bodies.filter((b) => b.created)).toHaveLength(1);
      const runs = [];
      for await (const run of h.temporal.client.workflow.list({ query: `WorkflowId = '${bodies[0]!.workflowId}'` })) runs.push(run);
      expect(runs).toHaveLength(1);
      await h.temporal.client.workflow.getHandle(bodies[0]!.workflowId).result();
    });

    it('issue.updated merges the new context and tells the running workflow; issue.comment answers the pending question', async () => {
      const { organizationId, apiKey } = await h.newOrganization({ erp: { webhookSecret: SECRET }, clarification: 'human', finalApproval: 'never' });
      h.fake.onTool('submit_classification', reply.classify());
      h.fake.onTool('submit_triage', reply.triage({ question: 'Which customer?' }), reply.triage({ route: 'answer', answer: 'Done.' }));
      const response = await deliver(organizationId, { ...created('ERP-WH-Q'), data: { ...created('ERP-WH-Q').data, type: 'BUG' } });
      const { issueId } = (await response.json()) as { issueId: string };
      const waiting = await h.waitFor(apiKey, issueId, (issue) => issue.status === 'awaiting_answer');

      const updated = await deliver(organizationId, { event: 'issue.updated', data: { externalId: 'ERP-WH-Q', context: { customer: 'ACME-7' } } });
      expect(await updated.json()).toMatchObject({ updated: ['context'], signalled: true });
      await h.waitFor(apiKey, issueId, () => true);
      const [row] = await h.db.db.select().from(issues).where(eq(issues.id, issueId));
      expect(row?.context).toMatchObject({ module: 'crm', customer: 'ACME-7' });

      const questionId = (waiting.pending as { questionId: string }).questionId;
      const comment = await deliver(organizationId, { event: 'issue.comment', data: { externalId: 'ERP-WH-Q', questionId, body: 'ACME-7, the big one.', author: REVIEWER } });
      expect(await comment.json()).toMatchObject({ answered: true });
      const issue = await h.waitForEnd(apiKey, issueId);
      expect(issue.status).toBe('completed');
      expect(issue.questions).toEqual([expect.objectContaining({ answer: 'ACME-7, the big one.', answeredBy: REVIEWER })]);
    });
  });
});
