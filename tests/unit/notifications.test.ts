import { channelsFor } from '../../src/contracts/notifications';
import { maskSecrets, outboundUrlProblems, settingsDiff, settingsProblems } from '../../src/contracts/settings-edit';
import { cap, escapeSlack, LIMITS, type Notice, slackMessage, slackText, webhookBody } from '../../src/notifications/messages';
import { guardedLookup, outboundUrlProblem, RefusedAddressError, STRICT_OUTBOUND } from '../../src/outbound/url-policy';
import { postOnce } from '../../src/outbound/send';

/**
 * Notifications without a server (README "Notifications"): what a notice says on each
 * channel — issue text escaped for Slack so it cannot ping or link, and capped — which
 * channels take which kinds, and where the outbound policy lets us send.
 */

const notice = (overrides: Partial<Notice> = {}, issue: Partial<Notice['issue']> = {}): Notice => ({
  id: '7d1c6f7e-1111-4222-8333-944455556666',
  organizationId: 'acme',
  kind: 'approval_needed',
  message: 'Approval needed: final approval on "Totals off"',
  recipients: [],
  details: { awaiting: 'final approval', deadline: '2026-12-05T10:00:00.000Z', gate: 'final' },
  createdAt: '2026-12-04T10:00:00.000Z',
  issue: { id: 'issue-1', externalId: 'ERP-1', source: 'erp', title: 'Totals off', priority: 'high', status: 'awaiting_approval', trackingUrl: 'https://orchestrator.example/api/issues/issue-1', ...issue },
  ...overrides,
});

describe('Slack messages', () => {
  it('escapes mrkdwn control characters, so issue text cannot mention everyone, a person, or hide a link', () => {
    const hostile = '<!channel> <!here> <@U0123> <https://evil.example|click me> & more';
    expect(escapeSlack(hostile)).toBe('&lt;!channel&gt; &lt;!here&gt; &lt;@U0123&gt; &lt;https://evil.example|click me&gt; &amp; more');
    const message = slackMessage(notice({ details: { awaiting: 'an answer <!everyone>', deadline: '2026-12-05T10:00:00.000Z', question: 'Who? <!subteam^S123>' }, kind: 'question_asked' }, { title: hostile }));
    const everything = JSON.stringify(message);
    for (const injected of ['<!channel>', '<!here>', '<@U0123>', '<https://evil.example', '<!everyone>', '<!subteam']) expect(everything).not.toContain(injected);
    // Our own link and date are the only control sequences left.
    const section = (message.blocks[0] as { text: { text: string } }).text.text;
    expect(section.match(/<[^>]*>/g)).toEqual([`<https://orchestrator.example/api/issues/issue-1|${escapeSlack(hostile)}>`]);
    expect(section).toContain('> Who? &lt;!subteam^S123&gt;');
    expect(message.text).toContain('Question asked (an answer &lt;!everyone&gt;)');
  });

  it('says the kind, what is awaited, the deadline and the link', () => {
    const message = slackMessage(notice());
    const section = (message.blocks[0] as { text: { text: string } }).text.text;
    expect(section).toContain('*Approval needed*: final approval');
    expect(section).toContain('*<https://orchestrator.example/api/issues/issue-1|Totals off>*');
    expect(JSON.stringify(message.blocks[1])).toContain('<!date^1796464800^{date_short_pretty} {time}|2026-12-05T10:00:00.000Z>');
    expect(message.text).toBe('Approval needed (final approval): Totals off — until 2026-12-05T10:00:00.000Z');
  });

  it('caps long text without cutting an entity in half', () => {
    expect(cap('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
    // Cut inside the second entity: it goes whole, the first stays.
    expect(slackText(`${'a'.repeat(8)}<<<<`, 13)).toBe('aaaaaaaa&lt;…');
    expect(slackText(`${'a'.repeat(8)}<<<<`, 12)).toBe('aaaaaaaa…');
    const huge = slackMessage(notice({ kind: 'question_asked', details: { awaiting: 'an answer', question: '<'.repeat(10_000) } }, { title: '&'.repeat(10_000) }));
    const section = (huge.blocks[0] as { text: { text: string } }).text.text;
    expect(Array.from(section).length).toBeLessThanOrEqual(LIMITS.slackSection);
    expect(Array.from(huge.text).length).toBeLessThanOrEqual(LIMITS.slackText);
    expect(section).not.toMatch(/&[a-z]{0,3}…/);
  });
});

describe('webhook body', () => {
  it('carries the event and delivery ids, the issue with its link, and caps issue text', () => {
    const body = webhookBody(notice({}, { title: 't'.repeat(1000) }), 'notification:abc:webhook');
    expect(body).toMatchObject({
      event: 'notification.approval_needed',
      eventId: '7d1c6f7e-1111-4222-8333-944455556666',
      deliveryId: 'notification:abc:webhook',
      kind: 'approval_needed',
      awaiting: 'final approval',
      deadline: '2026-12-05T10:00:00.000Z',
      gate: 'final',
      issue: { id: 'issue-1', trackingUrl: 'https://orchestrator.example/api/issues/issue-1' },
    });
    expect((body['issue'] as { title: string }).title).toHaveLength(LIMITS.title);
  });
});

describe('channels and kinds', () => {
  it('sends every kind to every configured channel unless a channel lists its kinds', () => {
    const settings = { webhook: { url: 'https://hooks.example.com/a', secret: 's'.repeat(16) }, slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X', kinds: ['escalation' as const] } };
    expect(channelsFor(settings, 'escalation')).toEqual(['webhook', 'slack']);
    expect(channelsFor(settings, 'reminder')).toEqual(['webhook']);
    expect(channelsFor({}, 'reminder')).toEqual([]);
  });
});

describe('outbound URL policy', () => {
  it('wants https to a public address, without credentials', () => {
    expect(outboundUrlProblem('https://hooks.example.com/notify', STRICT_OUTBOUND)).toBeNull();
    expect(outboundUrlProblem('http://hooks.example.com/notify', STRICT_OUTBOUND)).toMatch(/must be an https URL/);
    expect(outboundUrlProblem('ftp://hooks.example.com/notify', STRICT_OUTBOUND)).toMatch(/https/);
    expect(outboundUrlProblem('https://user:pw@hooks.example.com/', STRICT_OUTBOUND)).toMatch(/credentials/);
    for (const url of ['https://127.0.0.1/x', 'https://10.1.2.3/x', 'https://192.168.0.10/x', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/x', 'https://[::ffff:10.0.0.1]/x', 'https://2130706433/x', 'https://0x7f.1/x', 'https://localhost:8443/x', 'https://api.localhost/x']) {
      expect([url, outboundUrlProblem(url, STRICT_OUTBOUND)]).toEqual([url, expect.stringMatching(/refused/)]);
    }
    expect(outboundUrlProblem('not a url', STRICT_OUTBOUND)).toBe('not a valid URL');
  });

  it('lets http and private addresses through with OUTBOUND_ALLOW_PRIVATE (local testing)', () => {
    const local = { allowPrivate: true };
    expect(outboundUrlProblem('http://127.0.0.1:4000/hook', local)).toBeNull();
    expect(outboundUrlProblem('ftp://127.0.0.1/hook', local)).toMatch(/http or https/);
  });

  it('refuses at connection time a name that resolves to a private address, and a literal one', async () => {
    const lookup = guardedLookup(STRICT_OUTBOUND)!;
    const resolved = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (error) => resolve(error)));
    expect(resolved).toBeInstanceOf(RefusedAddressError);
    expect(resolved?.message).toMatch(/localhost resolves to .*, a loopback address/);
    expect(guardedLookup({ allowPrivate: true })).toBeUndefined();
    await expect(postOnce({ url: 'http://127.0.0.1:9/x', headers: {}, body: '{}', receiver: 'webhook', setting: 's' }, STRICT_OUTBOUND)).rejects.toBeInstanceOf(RefusedAddressError);
    // Through the request itself: the name is resolved once, by the guard, and refused before any connection.
    await expect(postOnce({ url: 'https://localhost:9/x', headers: {}, body: '{}', receiver: 'webhook', setting: 's' }, STRICT_OUTBOUND)).rejects.toThrow(/localhost resolves to .*loopback/);
  });

  it('checks the outbound URLs of settings as they would be saved, the ERP callback URL included', () => {
    const settings = {
      erp: { callbackUrl: 'http://erp.example/cb' },
      notifications: { webhook: { url: 'https://10.0.0.8/hook', secret: 'a-signing-secret-of-length' }, slack: { webhookUrl: 'https://hooks.slack.com/services/T1/B2/XYZ' } },
    };
    expect(outboundUrlProblems(settings, STRICT_OUTBOUND)).toEqual([
      'erp.callbackUrl: must be an https URL (http only with OUTBOUND_ALLOW_PRIVATE, for local testing)',
      'notifications.webhook.url: 10.0.0.8 is a private address, not a public one (refused)',
    ]);
    expect(settingsProblems({ notifications: { webhook: { url: 'https://hooks.example.com/x' } } })).toEqual(['notifications.webhook.secret: Invalid input: expected string, received undefined']);
    expect(settingsProblems({ notifications: { slack: { webhookUrl: 'https://hooks.slack.com/x', kind: ['reminder'] } } })).toEqual(['notifications.slack.kind: not a setting (check its spelling)']);
  });

  it('masks the signing secret and the Slack URL (its secret) wherever settings are shown', () => {
    const settings = { notifications: { webhook: { url: 'https://hooks.example.com/x', secret: 'a-signing-secret-of-length' }, slack: { webhookUrl: 'https://hooks.slack.com/services/T1/B2/XYZSECRET' } } };
    const shown = JSON.stringify(maskSecrets(settings));
    expect(shown).not.toContain('a-signing-secret');
    expect(shown).not.toContain('XYZSECRET');
    expect(settingsDiff({}, settings).join('\n')).not.toMatch(/a-signing-secret|XYZSECRET/);
  });
});
