import { and, eq } from 'drizzle-orm';
import { createApp } from '../../src/api/app';
import type { DatabaseHandle } from '../../src/db/client';
import { getOrganization, issueApiKey } from '../../src/db/organizations';
import { auditEvents, callbackDeliveries, issues, notifications } from '../../src/db/schema';
import { createDeliveryLogService } from '../../src/erp/delivery-log';
import { createAccessService } from '../../src/identity/service';
import { createNotificationSettingsService } from '../../src/notifications/settings';
import type { OutboundPolicy } from '../../src/outbound/url-policy';
import { checked } from '../support/contract';
import { createTestOrganization, openTestDatabase, uniqueId } from '../support/harness';

/**
 * The notification channels over the API (GET / PATCH /api/admin/notifications) and their
 * deliveries in the log, on the real database: validated as the CLI validates settings
 * (https, public addresses), secrets never answered, admins only, one organization's log out
 * of another's reach.
 */
describe('notification channels API', () => {
  let db: DatabaseHandle;
  const appWith = (outbound: OutboundPolicy) =>
    checked(
      createApp({
        issues: {} as never,
        access: createAccessService(db.db),
        notificationSettings: createNotificationSettingsService(db.db, { outbound }),
        deliveries: createDeliveryLogService(db.db, { publicBaseUrl: 'https://orchestrator.example', outbound }),
        health: async () => ({}),
        logError: () => undefined,
      }),
    );
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    db = await openTestDatabase();
    app = appWith({ allowPrivate: false });
  });
  afterAll(() => db.close());

  const call = async (key: string, method: string, path: string, body?: unknown, target = app) => {
    const response = await target.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, text, body: (text ? JSON.parse(text) : {}) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const SECRET = 'a-webhook-signing-secret-4242';
  const SLACK = 'https://hooks.slack.com/services/T0A1B2C3D/B0XYZ1234/slackTOKENabcdef123456';

  it('sets the channels, answers them without their secrets, and audits the change without its values', async () => {
    const { organization, apiKey } = await createTestOrganization(db);
    expect(await call(apiKey, 'GET', '/api/admin/notifications')).toMatchObject({ status: 200, body: { webhook: null, slack: null } });

    const set = await call(apiKey, 'PATCH', '/api/admin/notifications', { webhook: { url: 'https://hooks.example.com/orchestrator?token=QTOKEN', secret: SECRET }, slack: { webhookUrl: SLACK, kinds: ['ESCALATION', 'approval_needed'] } });
    expect(set).toMatchObject({
      status: 200,
      body: {
        webhook: { url: 'https://hooks.example.com/orchestrator', secretSet: true, kinds: ['reminder', 'escalation', 'approval_needed', 'question_asked'] },
        slack: { webhookUrl: 'https://hooks.slack.com/services/…/…/…', kinds: ['escalation', 'approval_needed'] },
      },
    });
    const read = await call(apiKey, 'GET', '/api/admin/notifications');
    for (const answer of [set.text, read.text]) {
      expect(answer).not.toContain(SECRET);
      expect(answer).not.toContain('slackTOKENabcdef123456');
      expect(answer).not.toContain('QTOKEN');
    }
    expect(read.body).toEqual(set.body);
    // Stored as given: what the workers send with.
    expect((await getOrganization(db.db, organization.id))?.settings).toMatchObject({ notifications: { webhook: { secret: SECRET }, slack: { webhookUrl: SLACK } } });

    // A patch merges: the kinds change, the secret stays; null removes a channel.
    const narrowed = await call(apiKey, 'PATCH', '/api/admin/notifications', { webhook: { kinds: ['reminder'] }, slack: null });
    expect(narrowed).toMatchObject({ status: 200, body: { webhook: { secretSet: true, kinds: ['reminder'] }, slack: null } });
    expect((await getOrganization(db.db, organization.id))?.settings).toMatchObject({ notifications: { webhook: { secret: SECRET, kinds: ['reminder'] } } });

    const audit = await db.db.select().from(auditEvents).where(and(eq(auditEvents.organizationId, organization.id), eq(auditEvents.action, 'settings.notifications')));
    expect(audit.map((event) => [event.outcome, event.details])).toEqual([
      ['ok', { channels: ['webhook', 'slack'] }],
      ['ok', { channels: ['webhook', 'slack'] }],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/a-webhook-signing-secret|slackTOKEN/);
  });

  it('refuses URLs that are not https to a public address, bad JSON, unknown fields and a webhook without its secret', async () => {
    const { organization, apiKey } = await createTestOrganization(db);
    const patch = (body: unknown) => call(apiKey, 'PATCH', '/api/admin/notifications', body);

    const plain = await patch({ slack: { webhookUrl: 'http://hooks.slack.com/services/T/B/X' } });
    expect(plain).toMatchObject({ status: 422, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'slack.webhookUrl', message: expect.stringContaining('must be an https URL') }] } } });
    for (const url of ['https://127.0.0.1:8443/hook', 'https://10.0.0.7/hook', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/hook', 'https://localhost/hook']) {
      const refused = await patch({ webhook: { url, secret: SECRET } });
      expect([url, refused.status, refused.body['error']?.['details']?.[0]?.['path']]).toEqual([url, 422, 'webhook.url']);
      expect(refused.text).toContain('refused');
    }
    expect((await patch({ webhook: { url: 'https://hooks.example.com/x', secret: 'short' } })).status).toBe(422);
    const noSecret = await patch({ webhook: { url: 'https://hooks.example.com/x' } });
    expect(noSecret).toMatchObject({ status: 422, body: { error: { details: [{ path: 'webhook.secret' }] } } });
    expect((await patch({ webhook: { url: 'https://hooks.example.com/x', secret: SECRET, kind: ['reminder'] } })).status).toBe(422);
    expect((await patch({ teams: { url: 'https://hooks.example.com/x' } })).status).toBe(422);
    expect((await patch({ slack: { webhookUrl: 'https://hooks.slack.com/x', kinds: ['lunch'] } })).status).toBe(422);
    const badJson = await call(apiKey, 'PATCH', '/api/admin/notifications', '{"slack": {"webhookUrl": ');
    expect(badJson).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } });
    // Nothing of it was saved.
    expect((await getOrganization(db.db, organization.id))?.settings).not.toHaveProperty('notifications');

    // OUTBOUND_ALLOW_PRIVATE (local testing): a receiver on this machine, over http, is accepted.
    const local = await call(apiKey, 'PATCH', '/api/admin/notifications', { slack: { webhookUrl: 'http://127.0.0.1:4000/slack' } }, appWith({ allowPrivate: true }));
    expect(local).toMatchObject({ status: 200, body: { slack: { webhookUrl: 'http://127.0.0.1:4000/slack' } } });
  });

  it('is for admins only', async () => {
    const { organization } = await createTestOrganization(db);
    const reviewKey = (await issueApiKey(db.db, organization.id, 'reviewer', { scopes: ['review', 'issues:write'] })).key;
    const read = await call(reviewKey, 'GET', '/api/admin/notifications');
    expect(read).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN', message: expect.stringContaining('admin') } } });
    const write = await call(reviewKey, 'PATCH', '/api/admin/notifications', { slack: { webhookUrl: SLACK } });
    expect(write.status).toBe(403);
    expect((await call(reviewKey, 'GET', '/api/webhook-deliveries')).status).toBe(403);
    expect((await getOrganization(db.db, organization.id))?.settings).not.toHaveProperty('notifications');
  });

  it("keeps one organization's notification deliveries out of another's reach (404)", async () => {
    const owner = await createTestOrganization(db);
    const other = await createTestOrganization(db);
    const externalId = uniqueId('ext');
    const [issue] = await db.db
      .insert(issues)
      .values({ organizationId: owner.organization.id, source: 'erp', externalId, type: 'bug', priority: 'high', title: 'Totals off', workflowId: `issue:${owner.organization.id}:erp:${externalId}` })
      .returning();
    const [notice] = await db.db
      .insert(notifications)
      .values({ organizationId: owner.organization.id, issueId: issue!.id, kind: 'approval_needed', dedupeKey: 'approval:1:opened', message: 'Approval needed', details: { awaiting: 'final approval' } })
      .returning();
    const [delivery] = await db.db
      .insert(callbackDeliveries)
      .values({
        organizationId: owner.organization.id,
        channel: 'slack',
        issueId: issue!.id,
        notificationId: notice!.id,
        deliveryId: `notification:${notice!.id}:slack`,
        event: 'notification.approval_needed',
        url: SLACK,
        status: 'failed',
        attempts: 1,
        lastStatusCode: 404,
        lastError: 'Slack answered 404: no_service',
        payload: { kind: 'approval_needed' },
      })
      .returning();

    const mine = await call(owner.apiKey, 'GET', `/api/webhook-deliveries?notificationId=${notice!.id}`);
    expect(mine).toMatchObject({ status: 200, body: { items: [{ id: delivery!.id, channel: 'slack', notificationId: notice!.id, url: 'https://hooks.slack.com/services/…/…/…' }] } });
    expect(mine.text).not.toContain('slackTOKEN');

    expect((await call(other.apiKey, 'GET', `/api/webhook-deliveries?notificationId=${notice!.id}`)).body['items']).toEqual([]);
    const redeliver = await call(other.apiKey, 'POST', `/api/webhook-deliveries/${delivery!.id}/redeliver`);
    expect(redeliver).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    // The owner's redelivery with no channel set any more: nothing to send to.
    expect(await call(owner.apiKey, 'POST', `/api/webhook-deliveries/${delivery!.id}/redeliver`)).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('slack channel is not set') } } });
  });
});
