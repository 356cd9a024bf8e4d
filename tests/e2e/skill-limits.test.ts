import { randomUUID } from 'node:crypto';
import { getSkillEvent } from '../../src/db/skills';
import { agentInvocations } from '../../src/db/schema';
import { installSkillLibrary } from '../../src/skills/library';
import { uniqueId } from '../support/harness';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Skill runs are bounded per organization (issue 12): sliding hour/day windows for runs
 * started through the API and by ERP events, and a cap on schedules. Runs already in the
 * window are written as rows, so nothing here starts a model call.
 */
describe('skill run limits', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
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
    expect(await invoked.json()).toMatchObject({ error: { code: 'RATE_LIMITED', message: 'at most 2 skill runs per hour for this organization', details: { limit: 2, window: 'hour', used: 2 } } });

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
    expect(invoked.body).toMatchObject({ error: { details: { limit: 20, window: 'hour' } } });
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
