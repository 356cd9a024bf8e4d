import { randomUUID } from 'node:crypto';
import { getSkillEvent } from '../../src/db/skills';
import { agentInvocations } from '../../src/db/schema';
import { installSkillLibrary } from '../../src/skills/library';
import { recordHistoryIfAsked, uniqueId } from '../support/harness';
import { type PipelineHarness, REVIEWER, startPipelineHarness } from '../support/pipeline';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Skill runs are bounded per organization (issue 12): sliding hour/day windows for runs
 * started through the API and by ERP events, and a cap on schedules. Runs already in the
 * window are written as rows, so nothing here starts a model call.
 */
describe('skill run limits', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness({ maxConcurrentSkillRuns: 5 });
  });
  afterAll(() => h.close());

  /** An organization with the shipped skills and persona installed. */
  async function organization(settings: Record<string, unknown>, tier: 'free' | 'pro' | 'enterprise' = 'enterprise') {
    const org = await h.newOrganization(settings, tier);
    await installSkillLibrary(h.db.db, org.organizationId);
    return org;
  }

  async function usedRuns(organizationId: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      await h.db.db.insert(agentInvocations).values({ id, organizationId, workflowId: `skill:${organizationId}:${id}`, skillSlug: 'client-analyzer', personaSlug: 'operations-assistant', triggeredBy: 'api', status: 'completed', input: {} });
    }
  }

  it('refuses an invoke and an ERP event over the hourly window, with Retry-After, and keeps the event id usable', async () => {
    const org = await organization({ limits: { skillRunsPerHour: 2 } });
    await usedRuns(org.organizationId, 2);
    const invoked = await h.request('/api/skills/client-analyzer/invoke', {
      method: 'POST',
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ persona: 'operations-assistant', input: { clientId: 'c1' } }),
    });
    expect(invoked.status).toBe(429);
    expect(Number(invoked.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(await invoked.json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: 'at most 2 skill runs per hour for this organization', details: [{ path: 'limits.skillRunsPerHour', message: expect.stringContaining('the limit is 2'), expected: '<= 2', received: '3' }] } });

    const eventId = uniqueId('evt');
    const event = (await h.call(org.apiKey, 'POST', '/api/events', { eventId, type: 'client_request_received', payload: { clientId: 'c1', request: 'x' } })) as { status: number; body: Json };
    expect(event.status).toBe(429);
    // Not claimed: the ERP's retry after Retry-After is handled, not answered as a duplicate.
    expect(await getSkillEvent(h.db.db, org.organizationId, eventId)).toBeUndefined();
  });

  it('applies the plan: a free organization starts at most 20 runs an hour', async () => {
    const org = await organization({}, 'free');
    await usedRuns(org.organizationId, 20);
    const invoked = (await h.call(org.apiKey, 'POST', '/api/skills/client-analyzer/invoke', { persona: 'operations-assistant', input: { clientId: 'c1' } })) as { status: number; body: Json };
    expect(invoked.status).toBe(429);
    expect(invoked.body).toMatchObject({ error: { details: [{ path: 'limits.skillRunsPerHour', expected: '<= 20' }] } });
  });

  it('runs skills through a limiter: a person\'s wait frees the slot, and a run over the organization\'s limit waits queued', async () => {
    const org = await organization({ limits: { maxConcurrentSkillRuns: 1 } });
    const output = { summary: 'ok', patterns: [], risks: [] };
    h.fake.onTool(
      'submit_output',
      { calls: [{ name: 'request_info', input: { question: 'Which quarter?' } }] }, // A asks
      { tool: 'submit_output', input: output, delayMs: 2_500 }, // B works a while
      { tool: 'submit_output', input: output }, // A, answered
    );
    const view = async (id: string) => (await h.call(org.apiKey, 'GET', `/api/invocations/${id}`)).body as Json;
    const until = async (id: string, done: (v: Json) => boolean) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const v = await view(id);
        if (done(v) || Date.now() > deadline) return v;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const invoke = async () => ((await h.call(org.apiKey, 'POST', '/api/skills/client-analyzer/invoke', { persona: 'operations-assistant', input: { clientId: 'c1' } })).body as Json)['id'] as string;

    const callsBefore = h.fake.requests.filter((request) => request.key === 'submit_output').length;
    const a = await invoke();
    expect((await until(a, (v) => v['liveStatus'] === 'awaiting_input'))['liveStatus']).toBe('awaiting_input');
    // A waits for a person without its slot: B, over the limit of 1 otherwise, runs now.
    const b = await invoke();
    expect((await until(b, (v) => v['liveStatus'] === 'running'))['liveStatus']).toBe('running');
    // 'running' is also what a run shows before it has asked for its slot: B holds the slot
    // only once its (slow) model call has reached Claude.
    const modelCalls = () => h.fake.requests.filter((request) => request.key === 'submit_output').length - callsBefore;
    for (const deadline = Date.now() + 30_000; modelCalls() < 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(modelCalls()).toBe(2);
    expect((await h.call(org.apiKey, 'POST', `/api/invocations/${a}/answers`, { answeredBy: REVIEWER, answer: 'Q3' })).status).toBe(200);
    // A has its answer but must wait for B's slot.
    expect((await until(a, (v) => v['liveStatus'] === 'queued'))['liveStatus']).toBe('queued');
    expect((await until(b, (v) => v['status'] === 'completed'))['status']).toBe('completed');
    expect((await until(a, (v) => v['status'] === 'completed'))['status']).toBe('completed');
    // A's second model call began only after B's (slow) one had answered.
    const calls = h.fake.requests.filter((request) => request.key === 'submit_output').slice(-2);
    expect(calls[1]!.receivedAt - calls[0]!.receivedAt).toBeGreaterThanOrEqual(2_400);
    await recordHistoryIfAsked(h.temporal.client, (await view(a))['workflowId'] as string, 'skill-run-limited');
  });

  it('caps schedules per organization (settings limits.maxSchedules, by plan otherwise)', async () => {
    const org = await organization({ limits: { maxSchedules: 1 } });
    const schedule = (name: string) => ({ skill: 'deadline-tracker', name, persona: 'operations-assistant', cron: ['0 8 * * 1'], paused: true });
    const first = (await h.call(org.apiKey, 'POST', '/api/schedules', schedule('first'))) as { status: number; body: Json };
    expect(first.status).toBe(201);
    const second = (await h.call(org.apiKey, 'POST', '/api/schedules', schedule('second'))) as { status: number; body: Json };
    expect(second.status).toBe(403);
    expect(second.body).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringMatching(/plan allows 1 \(settings limits.maxSchedules\)/) } });
    expect((await h.call(org.apiKey, 'DELETE', `/api/schedules/${first.body['id']}`)).status).toBe(204);
  });
});
