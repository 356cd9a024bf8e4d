import { WorkflowNotFoundError } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import { insertIssueIfAbsent } from '../../src/db/issues';
import { agentInvocations, issues } from '../../src/db/schema';
import { createIssueService } from '../../src/issues/service';
import { installSkillLibrary } from '../../src/skills/library';
import { createSkillService } from '../../src/skills/service';
import { temporalRuns } from '../../src/temporal/runs';
import { issueWorkflowId } from '../../workflows/definitions';
import { createTestInvocation, eventually, uniqueId } from '../support/harness';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline';

/**
 * The API's recovery sweep: rows an API process wrote just before it died (no workflow yet)
 * get their workflow; a skill run whose workflow was terminated is recorded as failed.
 */

jest.setTimeout(60_000);

describe('the recovery sweep', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(() => h.close());

  const backdate = (table: typeof issues | typeof agentInvocations, id: string) =>
    h.db.db.update(table).set({ createdAt: sql`now() - interval '5 minutes'` }).where(eq(table.id, id));

  it('starts what a crashed API left unstarted, and records terminated skill runs as failed', async () => {
    const { organizationId, apiKey } = await h.newOrganization();
    await installSkillLibrary(h.db.db, organizationId);
    const issuesService = createIssueService({ db: h.db.db, runs: temporalRuns(h.temporal.client), taskQueue: h.taskQueue, publicBaseUrl: 'http://x', namespace: 'default' });
    const skills = createSkillService({ db: h.db.db, runs: temporalRuns(h.temporal.client), taskQueue: h.taskQueue });

    // An issue inserted, then the API died before starting its workflow.
    const externalId = uniqueId('crashed');
    const { issue } = await insertIssueIfAbsent(h.db.db, {
      organizationId,
      source: 'erp',
      externalId,
      type: 'question',
      priority: 'low',
      title: 'Left behind by a crash',
      description: '',
      module: null,
      context: {},
      budgetUsd: '1.0000',
      workflowId: issueWorkflowId(organizationId, 'erp', externalId),
    });
    // A skill invocation written, then the same.
    const invocationId = await createTestInvocation(h.db, organizationId, { clientId: 'c1' });
    await expect(h.temporal.client.workflow.getHandle(issue.workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    // Too recent to touch: the API that wrote them may still be starting them.
    expect(await issuesService.recoverUnstarted(60, { organizationId })).toEqual({ started: 0, errors: 0 });
    expect(await skills.recoverUnfinished(60, { organizationId })).toEqual({ started: 0, failed: 0, errors: 0 });

    await backdate(issues, issue.id);
    await backdate(agentInvocations, invocationId);
    h.fake.onTool('submit_output', { tool: 'submit_output', input: { summary: 'recovered', patterns: [], risks: [] } });
    expect(await issuesService.recoverUnstarted(60, { organizationId })).toEqual({ started: 1, errors: 0 });
    expect(await skills.recoverUnfinished(60, { organizationId })).toEqual({ started: 1, failed: 0, errors: 0 });
    // Started and marked: the next sweep has nothing to do for the issue.
    expect(await issuesService.recoverUnstarted(60, { organizationId })).toEqual({ started: 0, errors: 0 });

    // The issue's workflow exists now (what it does next is the pipeline's business).
    expect((await h.temporal.client.workflow.getHandle(issue.workflowId).describe()).type).toBe('issueWorkflow');
    const invocation = await eventually(
      () => h.getJson(apiKey, `/api/invocations/${invocationId}`) as Promise<Record<string, unknown>>,
      (view) => view['status'] === 'completed',
    );
    expect(invocation).toMatchObject({ output: { summary: 'recovered', patterns: [], risks: [] } });

    // Cancelled before it ever started: recorded as cancelled, and no sweep starts it later.
    const neverStarted = uniqueId('cancelled-early');
    const { issue: early } = await insertIssueIfAbsent(h.db.db, {
      organizationId,
      source: 'erp',
      externalId: neverStarted,
      type: 'question',
      priority: 'low',
      title: 'Cancelled before it started',
      description: '',
      module: null,
      context: {},
      budgetUsd: '1.0000',
      workflowId: issueWorkflowId(organizationId, 'erp', neverStarted),
    });
    expect(await h.post(apiKey, `/api/issues/${early.id}/cancel`)).toMatchObject({ status: 202, body: { status: 'cancelled' } });
    await backdate(issues, early.id);
    expect(await issuesService.recoverUnstarted(60, { organizationId })).toEqual({ started: 0, errors: 0 });

    // A running skill run whose workflow was terminated: failed, with how it ended.
    h.fake.onTool('submit_output', { calls: [{ name: 'request_info', input: { question: 'Which client?' } }] });
    const started = await h.post(apiKey, '/api/skills/quality-checker/invoke', { persona: 'operations-assistant', input: { deliverableId: 'd1', briefId: 'b1' } });
    const id = started.body['id'] as string;
    await eventually(
      () => h.getJson(apiKey, `/api/invocations/${id}`) as Promise<Record<string, unknown>>,
      (view) => view['liveStatus'] === 'awaiting_input',
    );
    await h.temporal.client.workflow.getHandle(started.body['workflowId'] as string).terminate('operator');
    await backdate(agentInvocations, id);
    expect(await skills.recoverUnfinished(60, { organizationId })).toMatchObject({ failed: 1 });
    const [row] = await h.db.db.select().from(agentInvocations).where(eq(agentInvocations.id, id));
    expect(row).toMatchObject({ status: 'failed', error: 'the workflow ended as terminated without recording a result' });
  });
});
