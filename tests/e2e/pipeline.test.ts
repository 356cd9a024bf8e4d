import { listToolCalls } from '../../src/db/agent-transcripts';
import { listArtifacts } from '../../src/db/artifacts';
import { issueCostTotals, listLlmCalls } from '../../src/db/llm-calls';
import { listDecisions, listNotifications, listQuestions } from '../../src/db/people';
import { listSteps } from '../../src/db/steps';
import { getIssue } from '../../src/db/issues';
import { listAuditEvents } from '../../src/db/audit';
import type { temporal } from '@temporalio/proto';
import { decisionSignal, searchAttributes } from '../../workflows/definitions';
import { recordHistoryIfAsked } from '../support/harness';
import { allRepliesUsed, MODELS, type PipelineHarness, ADMIN_REVIEWER, reply, REVIEWER, scriptHappyPath, startPipelineHarness } from '../support/pipeline';

/**
 * The agent pipeline on the real Temporal dev server with the scripted fake Claude: every
 * behaviour of the pipeline issue, one scenario each.
 */
describe('agent pipeline', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  let requestsBefore = 0;
  beforeEach(() => {
    requestsBefore = h.fake.requests.length;
  });
  afterEach(() => {
    const used = allRepliesUsed(h.fake);
    h.fake.reset(); // a failed test must not leave replies for the next one
    expect(used).toBe(true);
  });
  /** Requests this test made to the fake Claude for one queue (e.g. 'submit_change'). */
  const requestsFor = (key: string) => h.fake.requests.slice(requestsBefore).filter((request) => request.key === key);

  const approve = (apiKey: string, id: string, gate?: 'plan' | 'final') =>
    h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER, ...(gate ? { gate } : {}) });
  const awaiting = (status: string) => (issue: { status: string }) => issue.status === status;

  it('happy path: agents use repository tools, a reviewer approves, cost adds up', async () => {
    const { organizationId, apiKey } = await h.newOrganization();
    scriptHappyPath(h.fake);
    const { id, workflowId } = await h.submit(apiKey);

    const waiting = await h.waitFor(apiKey, id, awaiting('awaiting_approval'));
    expect(waiting).toMatchObject({ erpStatus: 'REVIEW', pending: { kind: 'approval', gate: 'final' } });
    const handle = h.temporal.client.workflow.getHandle(workflowId);
    expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.awaitingHuman)).toBe(true);
    const approved = await approve(apiKey, id, 'final');
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'processing', decisions: [{ gate: 'final', decision: 'approve', reviewer: REVIEWER, via: 'update' }] });

    const issue = await h.waitForEnd(apiKey, id);
    expect(issue).toMatchObject({ status: 'completed', progress: 100, decisions: [{ gate: 'final', reviewer: REVIEWER }] });
    // The database records the outcome before the workflow's last upsert: read Temporal once it has ended.
    await handle.result();
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(searchAttributes.awaitingHuman)).toBe(false);
    expect(described.typedSearchAttributes.get(searchAttributes.issueStage)).toBe('completed');
    const history = await handle.fetchHistory();
    expect(redundantUpserts(history)).toEqual([]);
    // A run begun on this code records one patch marker, its shape (workflows/issue/patches.ts),
    // where it recorded one per patch it met: a gate, a decision, its loops, its upserts.
    expect(patchMarkers(history)).toEqual(['issue-shape-2']);
    // The decision's audit entry is written with the decision, by its local activity: no
    // activity of its own, and the entry names the reviewer's role as that check found it.
    expect(scheduledActivities(history)).not.toContain('recordAuditEvent');
    const received = await listAuditEvents(h.db.db, organizationId, { targetId: id, channel: 'temporal_update', limit: 10, offset: 0 });
    expect(received.items).toEqual([
      expect.objectContaining({ action: 'issue.decide', actor: REVIEWER, actorRole: 'reviewer', outcome: 'ok', details: expect.objectContaining({ decision: 'approve', gate: 'final' }) }),
    ]);

    // Every tool call ran exactly once, against the real repository files.
    const toolCalls = await listToolCalls(h.db.db, { organizationId, issueId: id });
    const executed = toolCalls.filter((call) => call.executions > 0);
    // list_files and search_files came in one turn (one insert): compare as a set.
    expect(executed.map((call) => call.name).sort()).toEqual(['list_files', 'read_file', 'search_files']);
    expect(executed.every((call) => call.executions === 1 && call.isError === 0)).toBe(true);
    expect(executed.find((call) => call.name === 'read_file')?.output).toContain('Math.round(line.quantity');

    // The research model saw the tool results in its transcript.
    const researchTurns = requestsFor('submit_research');
    expect(JSON.stringify(researchTurns.at(-1)?.body.messages)).toContain('invoiceTotal');

    // Cost: every call recorded with usage; the workflow's tally matches Postgres.
    const totals = await issueCostTotals(h.db.db, organizationId, id);
    const live = await h.temporal.client.workflow.getHandle(workflowId).query('status');
    expect(totals.calls).toBe(7); // classify, triage, research ×3, code, review
    expect((live as { costUsd: number }).costUsd).toBeCloseTo(totals.costUsd, 6);
    expect(issue.costUsd).toBeCloseTo(totals.costUsd, 6); // the finished issue's view has it too
    expect(totals.cacheReadTokens).toBeGreaterThan(0); // repeated agent turns read the cached prefix

    const steps = await listSteps(h.db.db, organizationId, id);
    expect(steps.map((step) => [step.stage, step.status, step.model])).toEqual([
      ['classify', 'completed', MODELS.small],
      ['triage', 'completed', MODELS.small],
      ['research', 'completed', MODELS.medium],
      ['code', 'completed', MODELS.medium],
      ['review', 'completed', MODELS.medium],
    ]);
    const decisions = await listDecisions(h.db.db, organizationId, id);
    expect(decisions).toEqual([expect.objectContaining({ gate: 'final', decision: 'approve', reviewer: REVIEWER })]);

    const artifacts = await h.post(apiKey, `/api/issues/${id}/cancel`);
    expect(artifacts.status).toBe(409); // cannot cancel what has ended
    const list = (await h.getJson(apiKey, `/api/issues/${id}/artifacts`)) as { items: Array<{ type: string }> };
    expect(list.items.map((a) => a.type)).toEqual(['ANALYSIS', 'CODE_CHANGE', 'RECOMMENDATION']);
    const logs = (await h.getJson(apiKey, `/api/issues/${id}/logs`)) as { items: Array<{ message: string }> };
    expect(logs.items.map((l) => l.message)).toContain('issue completed');
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-happy-path');
  });

  it('rejects decisions in the wrong state, from unknown reviewers, and a second decision', async () => {
    const { apiKey } = await h.newOrganization({ planApproval: 'required' });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    const { id } = await h.submit(apiKey);
    h.fake.onTool('submit_research', reply.research());
    const notYet = await approve(apiKey, id, 'final');
    expect([409]).toContain(notYet.status);

    await h.waitFor(apiKey, id, awaiting('awaiting_approval'));
    const wrongGate = await approve(apiKey, id, 'final');
    expect(wrongGate).toMatchObject({ status: 409, body: { error: { message: 'the plan gate is waiting, not the final gate' } } });
    const stranger = await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: 'mallory' });
    expect(stranger.status).toBe(403);
    expect(JSON.stringify(stranger.body)).toContain('mallory is not a reviewer');
    const noComment = await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'request_changes', reviewer: REVIEWER });
    expect(noComment.status).toBe(422);

    const rejected = await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'reject', reviewer: REVIEWER, comment: 'Out of scope this quarter' });
    expect(rejected.status).toBe(200);
    const second = await approve(apiKey, id);
    expect(second.status).toBe(409);

    const issue = await h.waitForEnd(apiKey, id);
    expect(issue.status).toBe('rejected');
    expect(issue.result['summary']).toBe(`plan rejected by ${REVIEWER}: Out of scope this quarter`);
    expect((await listDecisions(h.db.db, issue.workflowId.split(':')[1]!, id)).map((d) => d.decision)).toEqual(['reject']);
  });

  it('plan approval by signal (as from the Web UI), then request changes twice, then approved with a stronger model', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ planApproval: 'required', maxReviewRounds: 2 });
    h.fake.onTool('submit_classification', reply.classify({ complexity: 2 }));
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', reply.change(), reply.change({ summary: 'v2' }), reply.change({ summary: 'v3' }));
    h.fake.onTool('submit_review', reply.review('request_changes'), reply.review('request_changes'), reply.review('approve'));
    const { id, workflowId } = await h.submit(apiKey);

    await h.waitFor(apiKey, id, awaiting('awaiting_approval'));
    await h.temporal.client.workflow.getHandle(workflowId).signal(decisionSignal, { decision: 'approve', reviewer: REVIEWER, gate: 'plan' });
    await h.waitFor(apiKey, id, (issue) => issue.pending?.kind === 'approval' && issue.pending.gate === 'final');
    expect((await approve(apiKey, id, 'final')).status).toBe(200);
    const issue = await h.waitForEnd(apiKey, id);
    expect(issue.status).toBe('completed');

    const steps = await listSteps(h.db.db, organizationId, id);
    const code = steps.filter((step) => step.stage === 'code').map((step) => [step.round, step.model]);
    // complexity 2 → small; each failed review moves code up one tier.
    expect(code).toEqual([
      [0, MODELS.small],
      [1, MODELS.medium],
      [2, MODELS.large],
    ]);
    const decisions = await listDecisions(h.db.db, organizationId, id);
    expect(decisions.map((d) => [d.gate, d.decision, d.via])).toEqual([
      ['plan', 'approve', 'signal'],
      ['final', 'approve', 'update'],
    ]);
    // The second code round was shown the reviewer's comments.
    const secondCode = requestsFor('submit_change')[1];
    expect(JSON.stringify(secondCode?.body.messages)).toContain('Round the total once before returning it');
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-review-rounds');
  });

  it('fails the issue when review never approves within the allowed rounds', async () => {
    const { apiKey } = await h.newOrganization({ maxReviewRounds: 1 });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', reply.change(), reply.change());
    h.fake.onTool('submit_review', reply.review('request_changes'), reply.review('request_changes'));
    const { id } = await h.submit(apiKey);
    const issue = await h.waitForEnd(apiKey, id);
    expect(issue.status).toBe('failed');
    expect(issue.error).toMatch(/^review requested changes in all 2 rounds/);
  });

  it.each([
    ['autonomous', 'the controller answers'],
    ['supervised', 'the controller drafts and a reviewer confirms'],
    ['human', 'a reviewer answers'],
  ] as const)('clarification, %s: %s', async (policy, _how) => {
    const { organizationId, apiKey } = await h.newOrganization({ clarification: policy, finalApproval: 'never' });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.call('ask_clarification', { question: 'Should totals round half up or half even?' }), reply.research());
    if (policy !== 'human') h.fake.onTool('submit_answer', reply.controller('Half up, as the invoice footer says.'));
    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));
    const { id, workflowId } = await h.submit(apiKey);

    let expectedAnswer = 'Half up, as the invoice footer says.';
    if (policy !== 'autonomous') {
      const waiting = await h.waitFor(apiKey, id, awaiting('awaiting_answer'));
      expect(waiting.pending).toMatchObject({ kind: 'question', question: 'Should totals round half up or half even?', policy });
      const pending = waiting.pending as { questionId: string; draftAnswer: string | null };
      if (policy === 'supervised') {
        expect(pending.draftAnswer).toBe(expectedAnswer);
        const confirmed = await h.post(apiKey, `/api/issues/${id}/answers`, { confirm: true, answeredBy: REVIEWER, questionId: pending.questionId });
        expect(confirmed.status).toBe(200);
      } else {
        expect(pending.draftAnswer).toBeNull();
        const stranger = await h.post(apiKey, `/api/issues/${id}/answers`, { answer: 'x', answeredBy: 'mallory' });
        expect(stranger.status).toBe(403);
        expectedAnswer = 'Half even (banker’s rounding).';
        expect((await h.post(apiKey, `/api/issues/${id}/answers`, { answer: expectedAnswer, answeredBy: REVIEWER })).status).toBe(200);
      }
    }
    const issue = await h.waitForEnd(apiKey, id);
    expect(issue.status).toBe('completed');
    const [question] = await listQuestions(h.db.db, organizationId, id);
    expect(question).toMatchObject({
      status: 'answered',
      answer: expectedAnswer,
      answeredBy: policy === 'autonomous' ? 'controller' : REVIEWER,
      policy,
    });
    // The research agent got the answer as its tool result.
    const afterAnswer = requestsFor('submit_research').at(-1);
    expect(JSON.stringify(afterAnswer?.body.messages)).toContain(expectedAnswer.slice(0, 10));
    // Ended: the view reads the questions from Postgres.
    expect(issue.questions).toEqual([expect.objectContaining({ status: 'answered', answer: expectedAnswer })]);
    await recordHistoryIfAsked(h.temporal.client, workflowId, `pipeline-clarification-${policy}`);
  });

  it('a question nobody answers sends a reminder, escalates, then ends as needs_info', async () => {
    const { organizationId, apiKey } = await h.newOrganization({
      clarification: 'human',
      timers: { reminderSeconds: 1, escalationSeconds: 2, expirySeconds: 3 },
      escalationContacts: ['lead@example.com'],
    });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ question: 'Which customer reported this?' }));
    const { id, workflowId } = await h.submit(apiKey, { priority: 'medium' });
    const issue = await h.waitForEnd(apiKey, id, 30_000);
    expect(issue.status).toBe('needs_info');
    expect(issue.erpStatus).toBe('FAILED');
    expect(issue.result['summary']).toMatch(/^no answer within 3s to: Which customer reported this\?/);
    const notices = await listNotifications(h.db.db, organizationId, id);
    expect(notices.map((n) => [n.kind, n.recipients])).toEqual([
      ['question_asked', []],
      ['reminder', []],
      ['escalation', ['lead@example.com']],
    ]);
    expect((await getIssue(h.db.db, organizationId, id))?.priority).toBe('high'); // raised from medium
    const [question] = await listQuestions(h.db.db, organizationId, id);
    expect(question?.status).toBe('expired');
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-question-expired');
  });

  it('an approval nobody gives expires: the issue ends approval_expired', async () => {
    const { apiKey } = await h.newOrganization({ timers: { reminderSeconds: 1, escalationSeconds: 1, expirySeconds: 2 } });
    h.fake.onTool('submit_classification', reply.classify({ type: 'BUG', priority: 'HIGH' })); // ERP case is accepted
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));
    const { id } = await h.submit(apiKey);
    const issue = await h.waitForEnd(apiKey, id, 30_000);
    expect(issue).toMatchObject({ status: 'approval_expired', erpStatus: 'FAILED' });
    expect(issue.result['summary']).toBe('final approval not given within 2s');
  });

  it('pauses at the budget, waits for a raise, then completes without overrunning', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ finalApproval: 'never' });
    const usage = { input_tokens: 39_500, output_tokens: 100, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    // haiku: 39 500 × $1/MTok + 100 × $5/MTok = $0.04 a call
    h.fake.onTool('submit_classification', { ...reply.classify({ complexity: 1 }), usage } as never);
    h.fake.onTool('submit_triage', { ...reply.triage(), usage } as never);
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));
    const { id, workflowId } = await h.submit(apiKey, { budgetUsd: 0.05 }); // the smallest a request may give

    const paused = await h.waitFor(apiKey, id, awaiting('awaiting_budget'));
    expect(paused.pending).toMatchObject({ kind: 'budget', spentUsd: 0.04, budgetUsd: 0.05 });
    expect(paused.costUsd).toBeLessThanOrEqual(0.05);
    expect((await h.post(apiKey, `/api/issues/${id}/budget`, { budgetUsd: 0.03, reviewer: ADMIN_REVIEWER })).status).toBe(409);
    // Spending more is an admin's decision by default: a reviewer is refused, by the workflow's own check.
    const byReviewer = await h.post(apiKey, `/api/issues/${id}/budget`, { budgetUsd: 1, reviewer: REVIEWER });
    expect(byReviewer).toMatchObject({ status: 403, body: { error: { message: expect.stringContaining('alice (reviewer) may not raise a budget') } } });
    const raised = await h.post(apiKey, `/api/issues/${id}/budget`, { budgetUsd: 1, reviewer: ADMIN_REVIEWER });
    expect(raised).toMatchObject({ status: 200, body: { budgetUsd: 1 } });
    const issue = await h.waitForEnd(apiKey, id);
    expect(issue.status).toBe('completed');
    expect((await getIssue(h.db.db, organizationId, id))?.budgetUsd).toBe('1.0000');
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-budget');
  });

  it('a loop that must wait for a budget raise before its first turn enters its stage first: lists show it while people decide', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ finalApproval: 'never' });
    const usage = { input_tokens: 39_500, output_tokens: 100, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    // Classify is cheap; triage costs $0.04, so research's first call (assumed to cost as much) does not fit $0.05.
    h.fake.onTool('submit_classification', reply.classify({ complexity: 1 }));
    h.fake.onTool('submit_triage', { ...reply.triage(), usage } as never);
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));
    const researchBefore = h.fake.requests.filter((request) => request.key === 'submit_research').length;
    const { id, workflowId } = await h.submit(apiKey, { budgetUsd: 0.05 });

    const paused = await h.waitFor(apiKey, id, awaiting('awaiting_budget'));
    expect(paused).toMatchObject({ stage: 'research', pending: { kind: 'budget' } });
    // The row people list from is in the stage, and the stage's step is open, before any research call.
    expect(await getIssue(h.db.db, organizationId, id)).toMatchObject({ stage: 'research', status: 'awaiting_budget' });
    expect((await listSteps(h.db.db, organizationId, id)).map((step) => [step.stage, step.status])).toContainEqual(['research', 'running']);
    expect(h.fake.requests.filter((request) => request.key === 'submit_research').length).toBe(researchBefore);

    expect((await h.post(apiKey, `/api/issues/${id}/budget`, { budgetUsd: 1, reviewer: ADMIN_REVIEWER })).status).toBe(200);
    expect(await h.waitForEnd(apiKey, id)).toMatchObject({ status: 'completed' });
    // One research step: the loop's first turn did not open it again.
    expect((await listSteps(h.db.db, organizationId, id)).filter((step) => step.stage === 'research')).toHaveLength(1);
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-budget-before-first-turn');
  });

  it('cancel mid-code stops the model call (the HTTP request is aborted) and records cancelled', async () => {
    const { apiKey } = await h.newOrganization();
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', { ...reply.change(), delayMs: 20_000 } as never);
    const { id, workflowId } = await h.submit(apiKey);
    await h.waitFor(apiKey, id, () => requestsFor('submit_change').length > 0);
    const cancelled = await h.post(apiKey, `/api/issues/${id}/cancel`);
    expect(cancelled.status).toBe(202);
    const issue = await h.waitForEnd(apiKey, id);
    expect(issue.status).toBe('cancelled');
    const codeRequest = requestsFor('submit_change')[0];
    await waitUntil(() => codeRequest?.aborted === true);
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-cancelled');
  });

  it('retries a 429 after its retry-after and completes', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ finalApproval: 'never' });
    h.fake.onTool('submit_classification', { error: { status: 429, type: 'rate_limit_error', message: 'slow down' }, headers: { 'retry-after': '2' } }, reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool('submit_research', reply.research());
    const { id } = await h.submit(apiKey);
    const issue = await h.waitForEnd(apiKey, id);
    expect(issue.status).toBe('completed');
    const classify = requestsFor('submit_classification');
    expect(classify[1]!.receivedAt - classify[0]!.receivedAt).toBeGreaterThanOrEqual(1900);
    const calls = await listLlmCalls(h.db.db, organizationId, id);
    expect(calls.filter((c) => c.stage === 'classify').map((c) => [c.status, c.attempt])).toEqual([
      ['error', 1],
      ['ok', 2],
    ]);
  });

  it('repairs an invalid final answer once, and fails cleanly when it stays invalid', async () => {
    const repaired = await h.newOrganization({ finalApproval: 'never' });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool('submit_research', reply.research({ rootCause: '' }), reply.research());
    const first = await h.submit(repaired.apiKey);
    expect((await h.waitForEnd(repaired.apiKey, first.id)).status).toBe('completed');
    const repairTurn = requestsFor('submit_research').at(-1);
    expect(JSON.stringify(repairTurn?.body.messages)).toMatch(/"tool_result".*at rootCause.*"is_error":true/);

    const broken = await h.newOrganization({ finalApproval: 'never' });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool('submit_research', reply.research({ rootCause: '' }), reply.research({ filesInvolved: 'src' }));
    const second = await h.submit(broken.apiKey);
    const issue = await h.waitForEnd(broken.apiKey, second.id);
    expect(issue.status).toBe('failed');
    expect(issue.error).toMatch(/^research failed: research agent's answer is still invalid after 1 repair/);
  });

  it('refuses paths outside the repository as tool errors the agent can recover from', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ finalApproval: 'never' });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool(
      'submit_research',
      reply.calls(['read_file', { path: '../../package.json' }], ['read_file', { path: '/etc/passwd' }], ['no_such_tool', {}]),
      reply.research(),
    );
    const { id } = await h.submit(apiKey);
    expect((await h.waitForEnd(apiKey, id)).status).toBe('completed');
    const calls = await listToolCalls(h.db.db, { organizationId, issueId: id });
    const refused = calls.filter((c) => c.isError === 1 && c.executions === 1).map((c) => c.output);
    expect(refused.sort()).toEqual(['path leaves the repository: ../../package.json', 'absolute paths are not allowed: /etc/passwd'].sort());
    // A tool the stage was not offered is answered without ever running.
    const unknown = calls.find((c) => c.name === 'no_such_tool');
    expect(unknown).toMatchObject({ isError: 1, executions: 0 });
    expect(unknown?.output).toMatch(/^no_such_tool is not available in the research stage; available: list_files, read_file, search_files, ask_clarification/);
  });

  it('stops after research when the plan has no code agent (free plans)', async () => {
    const { apiKey } = await h.newOrganization({ allowedAgents: ['research'] });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    const { id } = await h.submit(apiKey);
    const issue = await h.waitForEnd(apiKey, id);
    expect(issue.status).toBe('completed');
    expect(issue.result['summary']).toMatch(/not part of this organization's plan/);
    expect(requestsFor('submit_change')).toHaveLength(0);
  });

  it('continues as new when history grows, and still completes', async () => {
    const { apiKey } = await h.newOrganization({ historyEventThreshold: 20, finalApproval: 'never' });
    scriptHappyPath(h.fake);
    const { id, workflowId } = await h.submit(apiKey);
    const issue = await h.waitForEnd(apiKey, id);
    expect(issue).toMatchObject({ status: 'completed', error: null });
    const runs: string[] = [];
    for await (const run of h.temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run.runId);
    expect(runs.length).toBeGreaterThan(1);
    const artifacts = await listArtifacts(h.db.db, issue.workflowId.split(':')[1]!, id);
    expect(artifacts).toHaveLength(3);
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Upserts that set no search attribute to a new value (the patch's own TemporalChangeVersion
 * aside): a run started with 'search-attributes-on-change' has none.
 */
/** The activity types a history schedules, in order. */
function scheduledActivities(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}

/** The ids of the patch markers a history records, in order. */
function patchMarkers(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return [];
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    return [(JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { id: string }).id];
  });
}

function redundantUpserts(history: temporal.api.history.v1.IHistory): number[] {
  const shown = new Map<string, string>();
  const text = (data: Uint8Array | null | undefined) => Buffer.from(data ?? []).toString('utf8');
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields ?? {};
  for (const [name, payload] of Object.entries(started)) shown.set(name, text(payload.data));
  const redundant: number[] = [];
  for (const event of history.events ?? []) {
    const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    if (!fields) continue;
    const changes = Object.entries(fields).filter(([name]) => name !== 'TemporalChangeVersion');
    if (changes.length === 0) continue;
    if (changes.every(([name, payload]) => shown.get(name) === text(payload.data))) redundant.push(Number(event.eventId));
    for (const [name, payload] of changes) shown.set(name, text(payload.data));
  }
  return redundant;
}
