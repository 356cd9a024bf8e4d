import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { toActivityFailure } from '../../activities/failures';
import { insertIssueIfAbsent } from '../../src/db/issues';
import { recordLlmCall } from '../../src/db/llm-calls';
import { emptyUsage } from '../../src/llm/client';
import { createAnthropicClient } from '../../src/llm/anthropic';
import { installSkillLibrary } from '../../src/skills/library';
import { assertUnderSpendCaps, createSpendGuard } from '../../src/spend-caps';
import { newTestIssue, testWorkspaceDeps } from '../support/harness';
import { MODELS, type PipelineHarness, startPipelineHarness } from '../support/pipeline';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Spend caps per organization (issue 12): issues and skills together, per UTC day and month,
 * checked before each submission and each model call. Spending is written as llm_calls rows.
 */
describe('spend caps', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(() => h.close());

  const spend = (organizationId: string, costUsd: number) =>
    recordLlmCall(h.db.db, { organizationId, issueId: null, stepId: null, stage: 'classify', model: MODELS.small, status: 'ok', attempt: 1, usage: emptyUsage(), costUsd, durationMs: 1 });

  it('refuses new issues and skill runs with 429 once the day is spent, saying when it resets', async () => {
    const org = await h.newOrganization({ limits: { dailySpendUsd: 1 } });
    await installSkillLibrary(h.db.db, org.organizationId);
    await spend(org.organizationId, 0.6);
    await spend(org.organizationId, 0.5);
    const issue = await h.request('/api/issues', {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'erp', externalId: 'cap-1', type: 'bug', priority: 'high', title: 'Over the cap', description: 'x' }),
    });
    expect(issue.status).toBe(429);
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(Number(issue.headers.get('retry-after'))).toBeCloseTo((midnight.getTime() - Date.now()) / 1000, -2);
    expect(await issue.json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/spent \$1\.10 on models this day; its cap is \$1 \(settings limits\.dailySpendUsd\)/), details: [{ path: 'limits.dailySpendUsd', expected: '< 1' }] } });
    const run = (await h.call(org.apiKey, 'POST', '/api/skills/client-analyzer/invoke', { persona: 'operations-assistant', input: { clientId: 'c1' } })) as { status: number; body: Json };
    expect(run.status).toBe(429);
  });

  it('holds a running issue\'s next model call until the cap resets: retryable, with the delay, and nothing is sent to Claude', async () => {
    const org = await h.newOrganization({ limits: { monthlySpendUsd: 2 } });
    const { issue } = await insertIssueIfAbsent(h.db.db, newTestIssue(org.organizationId));
    await spend(org.organizationId, 2.5);
    const requestsBefore = h.fake.requests.length;
    const activities = createActivities({ db: h.db.db, llm: createAnthropicClient({ apiKey: 'k', baseUrl: h.fake.url, timeoutMs: 1000 }), models: MODELS, maxOutputTokens: 1024, ...testWorkspaceDeps() });
    const failure = await new MockActivityEnvironment()
      .run(activities.classifyIssue, { organizationId: org.organizationId, issueId: issue.id, round: 0, modelTier: 'small' as const })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    const applicationFailure = failure as ApplicationFailure;
    expect(applicationFailure).toMatchObject({ type: 'RATE_LIMITED', nonRetryable: false });
    const nextMonth = new Date();
    nextMonth.setUTCMonth(nextMonth.getUTCMonth() + 1, 1);
    nextMonth.setUTCHours(0, 0, 0, 0);
    expect(Number(applicationFailure.nextRetryDelay)).toBeGreaterThan(nextMonth.getTime() - Date.now() - 60_000);
    expect(h.fake.requests.length).toBe(requestsBefore);
  });

  it("a worker's spend guard reads at most once per interval, counts its own calls at once, and sees others' after the interval", async () => {
    const org = await h.newOrganization({ limits: { dailySpendUsd: 1 } });
    let now = Date.parse('2026-12-02T12:00:00Z');
    const guard = createSpendGuard(h.db.db, { maxAgeMs: 2_000, clock: () => now });
    await expect(guard.check(org.organizationId)).resolves.toBeUndefined();

    // Another process spends past the cap: not seen until what was read is 2 s old.
    await spend(org.organizationId, 1.5);
    await expect(guard.check(org.organizationId)).resolves.toBeUndefined();
    now += 2_000;
    await expect(guard.check(org.organizationId)).rejects.toMatchObject({ code: 'RATE_LIMITED', retryable: true });

    // This process's own calls count at once, without a read.
    const other = await h.newOrganization({ limits: { dailySpendUsd: 1 } });
    await guard.check(other.organizationId);
    guard.add(other.organizationId, 0.6);
    await expect(guard.check(other.organizationId)).resolves.toBeUndefined();
    guard.add(other.organizationId, 0.6);
    await expect(guard.check(other.organizationId)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('applies the plan when the organization sets nothing (free: $5 a day)', async () => {
    const org = await h.newOrganization({}, 'free');
    await spend(org.organizationId, 4.99);
    await expect(assertUnderSpendCaps(h.db.db, org.organizationId)).resolves.toBeUndefined();
    await spend(org.organizationId, 0.02);
    const error = await assertUnderSpendCaps(h.db.db, org.organizationId).catch((caught: unknown) => caught);
    expect(toActivityFailure(error)).toMatchObject({ type: 'RATE_LIMITED', nonRetryable: false });
  });
});
