import { listAuditEvents } from '../../src/db/audit';
import { issueApiKey } from '../../src/db/organizations';
import { controlsChangedSignal } from '../../workflows/definitions';
import { eventually, recordHistoryIfAsked } from '../support/harness';
import { allRepliesUsed, type PipelineHarness, reply, REVIEWER, startPipelineHarness } from '../support/pipeline';

/**
 * The kill switch and stage flags (README "Pausing agents") on the real dev server: a running
 * issue stops at its next step and waits inside its workflow, a new issue is accepted and
 * waits before its first stage, another organization is untouched, and resume lets each
 * continue exactly where it stopped. Every model request is counted by the fake Claude: a
 * held issue makes none.
 */
describe('pausing agents', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(() => h.close());
  afterEach(() => {
    const used = allRepliesUsed(h.fake);
    h.fake.reset();
    expect(used).toBe(true);
  });

  const requestsFor = (tool: string) => h.fake.requests.filter((request) => request.key === tool).length;
  const heldBefore = (stage: string) => (issue: { held: { stage: string } | null }) => issue.held?.stage === stage;

  it('pauses one organization: running and new issues wait at their next step, resume continues them where they stopped', async () => {
    const a = await h.newOrganization({ planApproval: 'required', finalApproval: 'never' });
    const b = await h.newOrganization({ planApproval: 'required' });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    const running = await h.submit(a.apiKey);
    await h.waitFor(a.apiKey, running.id, (issue) => issue.pending?.kind === 'approval');

    const paused = await h.post(a.apiKey, '/api/admin/pause', { reason: 'incident 42' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({
      organization: { paused: true, disabledStages: [], reason: 'incident 42', changedBy: 'key test' },
      installation: { paused: false },
      effective: { paused: true, reason: 'incident 42' },
      broadcastWorkflowId: `agent-controls:${a.organizationId}`,
    });
    // The broadcast reaches the running issue (a durable workflow of its own; its second pass
    // reaches issues submitted since shortly before it started, this one again: harmless).
    const broadcast = await h.temporal.client.workflow.getHandle(String(paused.body['broadcastWorkflowId'])).result();
    expect(broadcast.signalled).toBeGreaterThanOrEqual(1);

    // /health shows it: the installation's switch to anyone, the organization's with its key; never a failing check.
    const health = async (apiKey?: string) => (await h.request('/health', apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {})).json() as Promise<Record<string, unknown>>;
    expect(await health()).toMatchObject({ status: 'healthy', agents: { paused: false, disabledStages: [] } });
    expect(await health(a.apiKey)).toMatchObject({ status: 'healthy', agents: { paused: true, reason: 'incident 42' } });
    expect(await health(b.apiKey)).toMatchObject({ agents: { paused: false } });

    // The plan is approved while paused: the decision lands, the code stage does not start.
    const changesBefore = requestsFor('submit_change');
    expect((await h.post(a.apiKey, `/api/issues/${running.id}/approval`, { decision: 'approve', reviewer: REVIEWER })).status).toBe(200);
    const held = await h.waitFor(a.apiKey, running.id, heldBefore('code'));
    expect(held).toMatchObject({ status: 'processing', held: { stage: 'code', reason: 'agents are paused: incident 42' }, currentStep: 'held before code: agents are paused: incident 42' });

    // A new issue is accepted and waits before its first stage (its start read the controls).
    const classificationsBefore = requestsFor('submit_classification');
    const queued = await h.submit(a.apiKey, { title: 'Submitted while paused' });
    expect(await h.waitFor(a.apiKey, queued.id, heldBefore('classify'))).toMatchObject({ held: { stage: 'classify' } });

    // Another organization's issues run as before.
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'answer', reason: 'Answered directly' }));
    const other = await h.submit(b.apiKey);
    expect(await h.waitForEnd(b.apiKey, other.id)).toMatchObject({ status: 'completed', held: null });
    expect(requestsFor('submit_classification')).toBe(classificationsBefore + 1); // B's, not the held one's
    expect(requestsFor('submit_change')).toBe(changesBefore);

    // Resume: both continue where they stopped.
    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'answer', reason: 'Answered directly' }));
    const resumed = await h.post(a.apiKey, '/api/admin/resume', {});
    expect(resumed.body).toMatchObject({ organization: { paused: false, disabledStages: [], reason: null }, effective: { paused: false } });
    expect(await h.waitForEnd(a.apiKey, running.id)).toMatchObject({ status: 'completed', held: null });
    expect(await h.waitForEnd(a.apiKey, queued.id)).toMatchObject({ status: 'completed', held: null });
    // Each stage ran once: research was not repeated after the hold.
    expect(h.fake.requests.filter((request) => request.key === 'submit_research').length).toBe(1);
    await recordHistoryIfAsked(h.temporal.client, running.workflowId, 'pipeline-paused-and-resumed');

    // Both changes are in the organization's audit trail.
    const audit = await listAuditEvents(h.db.db, a.organizationId, { limit: 50, offset: 0 });
    expect(audit.items.filter((event) => event.action.startsWith('agents.')).map((event) => [event.action, event.outcome])).toEqual([
      ['agents.resume', 'ok'],
      ['agents.pause', 'ok'],
    ]);
  });

  it('disables one stage: issues run up to it and wait before it until it is enabled again', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ finalApproval: 'never' });
    const disabled = await h.post(apiKey, '/api/admin/pause', { stages: ['CODE'], reason: 'model regression' });
    expect(disabled.body).toMatchObject({ organization: { paused: false, disabledStages: ['code'] }, effective: { paused: false, disabledStages: ['code'] } });
    expect(await h.getJson(apiKey, '/api/admin/state')).toMatchObject({ effective: { disabledStages: ['code'] } });

    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    const issue = await h.submit(apiKey);
    expect(await h.waitFor(apiKey, issue.id, heldBefore('code'))).toMatchObject({
      held: { stage: 'code', reason: 'the code stage is disabled: model regression' },
      stage: 'research',
    });

    // Another stage resumed: still held. Code enabled: it continues.
    await h.post(apiKey, '/api/admin/resume', { stages: ['review'] });
    expect(await h.get(apiKey, issue.id)).toMatchObject({ held: { stage: 'code' } });
    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));
    const enabled = await h.post(apiKey, '/api/admin/resume', { stages: ['code'] });
    expect(enabled.body).toMatchObject({ organization: { disabledStages: [], reason: null } });
    expect(await h.waitForEnd(apiKey, issue.id)).toMatchObject({ status: 'completed' });
    expect(organizationId).toBeTruthy();
  });

  it('refuses what is not an admin change of its own organization, and ignores a forged signal', async () => {
    const { organizationId, apiKey } = await h.newOrganization();
    const { key: writer } = await issueApiKey(h.db.db, organizationId, 'writer', { scopes: ['issues:write'] });
    expect((await h.post(writer, '/api/admin/pause', {})).status).toBe(403);
    expect((await h.call(writer, 'GET', '/api/admin/state')).status).toBe(403);
    const badStage = await h.post(apiKey, '/api/admin/pause', { stages: ['deploy'] });
    expect(badStage.status).toBe(422);
    expect(badStage.body).toMatchObject({ error: { details: [{ path: 'stages.0', message: expect.stringContaining('must be one of') }] } });
    expect((await h.post(apiKey, '/api/admin/pause', { organizationId: 'someone-else' })).status).toBe(422);
    expect((await h.post(apiKey, '/api/admin/pause', { stages: [] })).status).toBe(422);
    // Nothing was changed by the refusals.
    expect(await h.getJson(apiKey, '/api/admin/state')).toMatchObject({ organization: { paused: false, disabledStages: [], changedBy: null } });

    // A signal that is not a controls record (anyone with Temporal access can send one) changes nothing.
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'answer', reason: 'Answered directly' }));
    const issue = await h.submit(apiKey);
    const handle = h.temporal.client.workflow.getHandle(issue.workflowId);
    await handle.signal(controlsChangedSignal, { paused: 'yes', disabledStages: ['everything'] } as never).catch(() => undefined);
    expect(await h.waitForEnd(apiKey, issue.id)).toMatchObject({ status: 'completed', held: null });
    await eventually(() => handle.describe(), (described) => described.status.name === 'COMPLETED');
  });
});
