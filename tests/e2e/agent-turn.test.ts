import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { insertIssueIfAbsent } from '../../src/db/issues';
import { issueCostTotals } from '../../src/db/llm-calls';
import { createAnthropicClient } from '../../src/llm/anthropic';
import { newTestIssue, testWorkspaceDeps } from '../support/harness';
import { MODELS, type PipelineHarness, reply, startPipelineHarness } from '../support/pipeline';

/**
 * The model turn issue stages and skill runs share (activities/agent-turn.ts): a retry of a
 * turn whose answer was already stored — the worker died after the call, before reporting —
 * pays nothing and still reports the call's cost, once, so the workflow's live costUsd matches
 * what llm_calls says was spent. Before the two were one, a retried issue turn reported $0.
 */
describe('a retried agent turn', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(() => h.close());

  it('an issue turn reuses the stored answer and reports its recorded cost, with one model call', async () => {
    const { organizationId } = await h.newOrganization({});
    const { issue } = await insertIssueIfAbsent(h.db.db, newTestIssue(organizationId));
    const activities = createActivities({
      db: h.db.db,
      llm: createAnthropicClient({ apiKey: 'k', baseUrl: h.fake.url, timeoutMs: 10_000 }),
      models: MODELS,
      maxOutputTokens: 1024,
      ...testWorkspaceDeps(),
    });
    const loop = { organizationId, issueId: issue.id, loopId: `${issue.id}:research:0`, stage: 'research' as const, round: 0 };
    const { stepId } = (await new MockActivityEnvironment().run(activities.startAgentLoop, { ...loop, modelTier: 'medium' as const })) as { stepId: string };
    const usage = { input_tokens: 10_000, output_tokens: 1_000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    h.fake.onTool('submit_research', { ...reply.research(), usage } as never);
    const requestsBefore = h.fake.requests.length;

    const turn = { ...loop, turn: 0, modelTier: 'medium' as const, forceFinal: false, stepId };
    type TurnResult = Awaited<ReturnType<typeof activities.agentModelTurn>>;
    const first = (await new MockActivityEnvironment({ attempt: 1 }).run(activities.agentModelTurn, turn)) as TurnResult;
    const retried = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.agentModelTurn, turn)) as TurnResult;

    expect(h.fake.requests.length - requestsBefore).toBe(1);
    // sonnet: 10 000 × $3/MTok + 1 000 × $15/MTok = $0.045
    expect(first.costUsd).toBeCloseTo(0.045, 6);
    expect(retried.costUsd).toBeCloseTo(first.costUsd, 9);
    expect(retried.kind).toBe(first.kind);
    expect((await issueCostTotals(h.db.db, organizationId, issue.id)).costUsd).toBeCloseTo(0.045, 6);
  });
});
