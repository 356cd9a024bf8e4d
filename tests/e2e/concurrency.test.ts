import { limiterStateQuery, LIMITER_WORKFLOW_ID } from '../../workflows/limiter';
import { eventually, recordHistoryIfAsked } from '../support/harness';
import { type PipelineHarness, reply, REVIEWER, startPipelineHarness } from '../support/pipeline';

/**
 * The concurrency limiter on the real server: an issue over its organization's limit or the
 * global cap waits as `queued` with a visible position and starts when a slot frees.
 */
describe('concurrency limits', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness({ maxConcurrentPipelines: 2 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('queues over the limits, shows the position, and starts waiters as slots free, fairly across organizations', async () => {
    const a = await h.newOrganization({ maxConcurrentIssues: 1, finalApproval: 'never' });
    const b = await h.newOrganization({ maxConcurrentIssues: 1, finalApproval: 'never' });
    // Slow enough that the waiters are seen queued, in order, before the first two finish, on
    // a loaded CI machine too (1.5 s was not: A1 ended first and B2 moved up to position 1).
    const slow = (title: string) => ({ ...reply.classify({ summary: title }), delayMs: 4000 });
    // Each issue: classify (slow for the first two) → triage answers → done.
    h.fake.onTool('submit_classification', slow('A1'), slow('B1'), reply.classify(), reply.classify());
    h.fake.onTool('submit_triage', ...Array.from({ length: 4 }, () => reply.triage({ route: 'answer', answer: 'ok' })));

    const a1 = await h.submit(a.apiKey, { title: 'A1' });
    await h.waitFor(a.apiKey, a1.id, (issue) => issue.stage === 'classify');
    const b1 = await h.submit(b.apiKey, { title: 'B1' });
    await h.waitFor(b.apiKey, b1.id, (issue) => issue.stage === 'classify');
    const a2 = await h.submit(a.apiKey, { title: 'A2' }); // over A's limit of 1
    // Queued before B2 is submitted: the two workflows' slot requests would otherwise race,
    // and on a loaded machine B2's could reach the limiter first.
    const queuedA2 = await h.waitFor(a.apiKey, a2.id, (issue) => issue.status === 'queued' && issue.queuePosition !== null);
    expect(queuedA2).toMatchObject({ erpStatus: 'QUEUED', queuePosition: 1 });
    const b2 = await h.submit(b.apiKey, { title: 'B2' }); // over B's limit and the global cap of 2

    const queuedB2 = await h.waitFor(b.apiKey, b2.id, (issue) => issue.status === 'queued' && issue.queuePosition !== null);
    expect(queuedB2.queuePosition).toBe(2);
    const limiter = await h.temporal.client.workflow.getHandle(LIMITER_WORKFLOW_ID).query(limiterStateQuery);
    expect(limiter.running.map((r) => r.workflowId).sort()).toEqual([a1.workflowId, b1.workflowId].sort());

    for (const [key, issue] of [[a.apiKey, a1], [b.apiKey, b1], [a.apiKey, a2], [b.apiKey, b2]] as const) {
      expect((await h.waitForEnd(key, issue.id)).status).toBe('completed');
    }
    await recordHistoryIfAsked(h.temporal.client, a2.workflowId, 'pipeline-queued');
    // The waiters started only after the first two had finished.
    const classifyStarts = h.fake.requests.filter((r) => r.key === 'submit_classification').map((r) => JSON.stringify(r.body.messages).match(/Title: (A1|A2|B1|B2)/)?.[1]);
    expect(classifyStarts.slice(0, 2).sort()).toEqual(['A1', 'B1']);
    expect(classifyStarts.slice(2).sort()).toEqual(['A2', 'B2']);
    // Releases are signals: the limiter empties right after the last issue ends.
    const after = await eventually(
      () => h.temporal.client.workflow.getHandle(LIMITER_WORKFLOW_ID).query(limiterStateQuery),
      (state) => state.running.length === 0,
    );
    expect(after.waiting).toEqual([]);
  });

  it('a queued issue can be cancelled, and leaves the queue', async () => {
    const c = await h.newOrganization({ maxConcurrentIssues: 1, finalApproval: 'never' }, 'free');
    h.fake.onTool('submit_classification', { ...reply.classify(), delayMs: 4000 }, reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'answer', answer: 'ok' }));
    const first = await h.submit(c.apiKey, { title: 'C1' });
    await h.waitFor(c.apiKey, first.id, (issue) => issue.stage === 'classify');
    const second = await h.submit(c.apiKey, { title: 'C2' });
    await h.waitFor(c.apiKey, second.id, (issue) => issue.status === 'queued' && issue.queuePosition === 1);
    expect((await h.post(c.apiKey, `/api/issues/${second.id}/cancel`)).status).toBe(202);
    expect((await h.waitForEnd(c.apiKey, second.id)).status).toBe('cancelled');
    expect((await h.waitForEnd(c.apiKey, first.id)).status).toBe('completed');
    const state = await h.temporal.client.workflow.getHandle(LIMITER_WORKFLOW_ID).query(limiterStateQuery);
    expect(state.waiting.map((w) => w.workflowId)).not.toContain(second.workflowId);
    h.fake.reset();
  });

  it("a person's wait gives the slot back: another issue runs meanwhile, and the approved one queues again", async () => {
    const d = await h.newOrganization({ maxConcurrentIssues: 1, finalApproval: 'required' });
    h.fake.onTool('submit_classification', reply.classify(), reply.classify());
    h.fake.onTool('submit_triage', reply.triage(), reply.triage({ route: 'answer', answer: 'ok' }));
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));

    const waiting = await h.submit(d.apiKey, { title: 'D1' });
    await h.waitFor(d.apiKey, waiting.id, (issue) => issue.status === 'awaiting_approval');
    const limiter = () => h.temporal.client.workflow.getHandle(LIMITER_WORKFLOW_ID).query(limiterStateQuery);
    await eventually(limiter, (state) => !state.running.some((r) => r.workflowId === waiting.workflowId));

    // The organization's only slot is free while D1 waits: D2 runs to the end.
    const other = await h.submit(d.apiKey, { title: 'D2' });
    expect((await h.waitForEnd(d.apiKey, other.id)).status).toBe('completed');

    // A list shows what the detail view shows, from Postgres alone: D1's open gate, D2's outcome.
    const { data: page } = await h.client(d.apiKey).GET('/api/issues', { params: { query: { limit: 10 } } });
    const listed = new Map(page!.items.map((item) => [item.id, item]));
    expect(listed.get(waiting.id)).toMatchObject({ status: 'awaiting_approval', pending: { kind: 'approval', gate: 'final', deadline: expect.any(String) } });
    expect(listed.get(other.id)).toMatchObject({ status: 'completed', stage: 'completed', pending: null });

    expect((await h.post(d.apiKey, `/api/issues/${waiting.id}/approval`, { decision: 'approve', reviewer: REVIEWER })).status).toBe(200);
    expect((await h.waitForEnd(d.apiKey, waiting.id)).status).toBe('completed');
    const after = await eventually(limiter, (state) => state.running.length === 0);
    expect(after.waiting).toEqual([]);
    await recordHistoryIfAsked(h.temporal.client, waiting.workflowId, 'pipeline-slot-released');
    h.fake.reset();
  });

  it('grants a freed slot to the most urgent waiter of an organization: critical before low', async () => {
    const e = await h.newOrganization({ maxConcurrentIssues: 1, finalApproval: 'never' });
    h.fake.onTool('submit_classification', { ...reply.classify(), delayMs: 1500 }, reply.classify(), reply.classify());
    h.fake.onTool('submit_triage', ...Array.from({ length: 3 }, () => reply.triage({ route: 'answer', answer: 'ok' })));
    const first = await h.submit(e.apiKey, { title: 'E1' });
    await h.waitFor(e.apiKey, first.id, (issue) => issue.stage === 'classify');
    const low = await h.submit(e.apiKey, { title: 'E-low', priority: 'low' });
    await h.waitFor(e.apiKey, low.id, (issue) => issue.status === 'queued' && issue.queuePosition === 1);
    const critical = await h.submit(e.apiKey, { title: 'E-critical', priority: 'critical' });
    // The critical issue is ahead although it came later.
    await h.waitFor(e.apiKey, critical.id, (issue) => issue.status === 'queued' && issue.queuePosition === 1);
    expect((await h.get(e.apiKey, low.id)).queuePosition).toBe(2);
    for (const issue of [first, low, critical]) expect((await h.waitForEnd(e.apiKey, issue.id)).status).toBe('completed');
    const order = h.fake.requests.filter((r) => r.key === 'submit_classification').map((r) => JSON.stringify(r.body.messages).match(/Title: (E1|E-low|E-critical)/)?.[1]).filter(Boolean);
    expect(order.slice(-3)).toEqual(['E1', 'E-critical', 'E-low']);
    h.fake.reset();
  });
});
