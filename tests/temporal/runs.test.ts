import { AppError } from '../../src/errors';
import { temporalRuns, type StartRun, type WorkflowRuns } from '../../src/temporal/runs';
import { contextUpdatedSignal, decisionUpdate, searchAttributes, statusQuery } from '../../workflows/definitions';
import { connectTemporal, type TemporalHarness, uniqueId } from '../support/harness';
import { InMemoryRuns } from '../support/in-memory-runs';

/**
 * The WorkflowRuns contract, held by both implementations: the Temporal adapter against the
 * real dev server (no worker polls these task queues, so nothing runs), and the in-memory
 * fake the API tests use. A rule that differs between them fails here, not in production.
 */
let temporal: TemporalHarness;
beforeAll(async () => {
  temporal = await connectTemporal();
});
afterAll(async () => {
  await temporal.close();
});

const implementations: Array<[string, () => { runs: WorkflowRuns; terminate(workflowId: string): Promise<void> }]> = [
  [
    'Temporal',
    () => ({
      runs: temporalRuns(temporal.client, { readDeadlineMs: 300 }),
      terminate: async (workflowId) => void (await temporal.client.workflow.getHandle(workflowId).terminate('test')),
    }),
  ],
  [
    'in memory',
    () => {
      const runs = new InMemoryRuns();
      return { runs, terminate: async (workflowId) => runs.end(workflowId, 'TERMINATED') };
    },
  ],
];

describe.each(implementations)('WorkflowRuns (%s)', (_name, make) => {
  const request = (overrides: Partial<StartRun> = {}): StartRun => ({
    workflowType: 'issueWorkflow',
    workflowId: uniqueId('runs-contract'),
    taskQueue: uniqueId('tq-runs-contract'),
    args: [{ probe: true }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    searchAttributes: [{ key: searchAttributes.organizationId, value: 'org-contract' }],
    staticSummary: 'contract probe',
    ...overrides,
  });

  it('starts a run once: a running one is kept, under either conflict policy', async () => {
    const { runs, terminate } = make();
    const start = request();
    await runs.start(start);
    expect(await runs.status(start.workflowId)).toBe('RUNNING');
    await expect(runs.start(start)).resolves.toBeUndefined();
    const { workflowIdConflictPolicy: _policy, ...withoutPolicy } = start;
    await expect(runs.start(withoutPolicy)).resolves.toBeUndefined();
    // Still the first run: ending it ends the only one.
    await terminate(start.workflowId);
    expect(await runs.status(start.workflowId)).toBe('TERMINATED');
  });

  it('never starts an ended run again with REJECT_DUPLICATE, and reports how it ended', async () => {
    const { runs, terminate } = make();
    const start = request();
    await runs.start(start);
    await terminate(start.workflowId);
    expect(await runs.status(start.workflowId)).toBe('TERMINATED');
    await runs.start(start);
    expect(await runs.status(start.workflowId)).toBe('TERMINATED');
  });

  it('answers reads of a run no worker serves, or of no run, with nothing — in time', async () => {
    const { runs } = make();
    const start = request();
    await runs.start(start);
    const began = Date.now();
    expect(await runs.query(start.workflowId, statusQuery)).toBeUndefined();
    expect(Date.now() - began).toBeLessThan(2_500);
    expect(await runs.query(uniqueId('missing'), statusQuery)).toBeUndefined();
    expect(await runs.status(uniqueId('missing'))).toBe('not_found');
  });

  it('signals and cancels running runs; signals to ended runs and cancels of unknown ones are not_found', async () => {
    const { runs, terminate } = make();
    const start = request();
    await runs.start(start);
    expect(await runs.signal(start.workflowId, contextUpdatedSignal, { updatedBy: 'erp', fields: ['priority'] })).toBe('sent');
    expect(await runs.cancel(start.workflowId)).toBe('requested');
    await terminate(start.workflowId);
    expect(await runs.signal(start.workflowId, contextUpdatedSignal, { updatedBy: 'erp', fields: [] })).toBe('not_found');
    expect(await runs.cancel(start.workflowId)).toBe('requested'); // taken and ignored, as Temporal does
    expect(await runs.cancel(uniqueId('missing'))).toBe('not_found');
  });

  it('refuses an update to an ended or unknown run with a 409 that says so', async () => {
    const { runs, terminate } = make();
    const start = request();
    await runs.start(start);
    await terminate(start.workflowId);
    const decision = { decision: 'approve' as const, reviewer: 'alice' };
    for (const workflowId of [start.workflowId, uniqueId('missing')]) {
      const refusal = await runs.update(workflowId, decisionUpdate, decision, 'the issue has already ended').catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(AppError);
      expect(refusal).toMatchObject({ code: 'CONFLICT', message: 'the issue has already ended' });
    }
  });
});

it('the Temporal adapter hands search attributes and the summary to the server', async () => {
  const runs = temporalRuns(temporal.client);
  const workflowId = uniqueId('runs-contract');
  await runs.start({
    workflowType: 'issueWorkflow',
    workflowId,
    taskQueue: uniqueId('tq-runs-contract'),
    args: [],
    searchAttributes: [
      { key: searchAttributes.organizationId, value: 'org-contract' },
      { key: searchAttributes.awaitingHuman, value: false },
    ],
    staticSummary: 'contract probe',
  });
  const description = await temporal.client.workflow.getHandle(workflowId).describe();
  expect(description.typedSearchAttributes.get(searchAttributes.organizationId)).toBe('org-contract');
  expect(description.typedSearchAttributes.get(searchAttributes.awaitingHuman)).toBe(false);
  expect(await description.staticSummary()).toBe('contract probe');
  await temporal.client.workflow.getHandle(workflowId).terminate('test');
});
