import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { eq } from 'drizzle-orm';
import { insertIssueIfAbsent } from '../../src/db/issues';
import { agentMessages, agentToolCalls, issueLogs, issues, issueSteps } from '../../src/db/schema';
import { listToolCalls } from '../../src/db/agent-transcripts';
import { openDatabase } from '../../src/db/client';
import { testEnv } from '../support/env';
import { issueCostTotals } from '../../src/db/llm-calls';
import { createAnthropicClient } from '../../src/llm/anthropic';
import { newTestIssue, testWorkspaceDeps } from '../support/harness';
import { MODELS, type PipelineHarness, reply, startPipelineHarness } from '../support/pipeline';

/** A worker's activity set over the harness's database and fake Claude (each call: a worker of its own). */
const activitiesOn = (h: PipelineHarness) =>
  createActivities({
    db: h.db.db,
    llm: createAnthropicClient({ apiKey: 'k', baseUrl: h.fake.url, timeoutMs: 10_000 }),
    models: MODELS,
    maxOutputTokens: 1024,
    ...testWorkspaceDeps(),
  });

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
    const activities = activitiesOn(h);
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

  /**
   * A worker keeps the transcripts of the loops it runs, so a turn does not read back what it
   * wrote (issue 13); a tool always reads its call from Postgres. Postgres stays the truth when another worker took part: each case runs
   * on two workers (two activity sets, two caches) and checks what the model was sent.
   */
  describe('on two workers', () => {
    type TurnResult = Awaited<ReturnType<ReturnType<typeof createActivities>['agentModelTurn']>>;
    const worker = () =>
      activitiesOn(h);
    async function loopOn(a: ReturnType<typeof worker>) {
      const { organizationId } = await h.newOrganization({});
      const { issue } = await insertIssueIfAbsent(h.db.db, newTestIssue(organizationId));
      const loop = { organizationId, issueId: issue.id, loopId: `${issue.id}:research:0`, stage: 'research' as const, round: 0 };
      const { stepId } = (await new MockActivityEnvironment().run(a.startAgentLoop, { ...loop, modelTier: 'medium' as const })) as { stepId: string };
      const turn = (n: number) => ({ ...loop, turn: n, modelTier: 'medium' as const, forceFinal: false, stepId });
      return { loop, turn, issue };
    }
    const sent = (from: number) => h.fake.requests.slice(from).map((request) => request.body as { messages: Array<{ role: string; content: unknown }> });
    const stored = (loopId: string) => h.db.db.select().from(agentMessages).where(eq(agentMessages.loopId, loopId)).orderBy(agentMessages.seq);

    it('a turn on another worker reads the transcript the first one wrote', async () => {
      const [a, b] = [worker(), worker()];
      const { loop, turn, issue } = await loopOn(a);
      // Written as the stage is entered: a worker of the previous release reads it back too.
      expect((await stored(loop.loopId)).map((message) => [message.seq, message.role])).toEqual([[0, 'user']]);
      h.fake.onTool('submit_research', reply.research());
      const before = h.fake.requests.length;
      const result = (await new MockActivityEnvironment({ attempt: 1 }).run(b.agentModelTurn, turn(0))) as TurnResult;
      expect(result.kind).toBe('final');
      const [request] = sent(before);
      expect(JSON.stringify(request!.messages[0])).toContain(issue.title);
      expect((await stored(loop.loopId)).map((message) => [message.seq, message.role])).toEqual([
        [0, 'user'],
        [1, 'assistant'],
      ]);
    });

    it("a tool answered on another worker reaches the next turn: the first worker's copy is not used", async () => {
      const [a, b] = [worker(), worker()];
      const { loop, turn } = await loopOn(a);
      h.fake.onTool('submit_research', reply.call('read_file', { path: 'README.md' }), reply.research());
      const before = h.fake.requests.length;
      const first = (await new MockActivityEnvironment({ attempt: 1 }).run(a.agentModelTurn, turn(0))) as TurnResult;
      expect(first.kind).toBe('tools');
      const toolUseId = (first as Extract<TurnResult, { kind: 'tools' }>).toolCalls[0]!.toolUseId;
      await new MockActivityEnvironment({ attempt: 1 }).run(b.runAgentTool, { ...loop, toolUseId });
      // The same call scheduled again (a reset run) on a, which registered it: it does not run twice.
      expect(await new MockActivityEnvironment({ attempt: 1 }).run(a.runAgentTool, { ...loop, toolUseId })).toMatchObject({ executed: false });
      await new MockActivityEnvironment({ attempt: 1 }).run(a.agentModelTurn, turn(1));
      const second = sent(before)[1]!;
      expect(second.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
      expect(JSON.stringify(second.messages[2])).toContain(toolUseId);
      expect(JSON.stringify(second.messages[2])).toContain('tool_result');
    });

    it('a turn another worker already answered keeps the stored answer, and counts both calls', async () => {
      const [a, b] = [worker(), worker()];
      const { loop, turn } = await loopOn(a);
      // b answers turn 0 first; then a, whose copy does not know.
      h.fake.onTool('submit_research', reply.research({ rootCause: 'stored first' }), reply.research({ rootCause: 'came second' }));
      const onB = (await new MockActivityEnvironment({ attempt: 1 }).run(b.agentModelTurn, turn(0))) as TurnResult;
      const onA = (await new MockActivityEnvironment({ attempt: 1 }).run(a.agentModelTurn, turn(0))) as TurnResult;
      const answer = (await stored(loop.loopId)).find((message) => message.seq === 1)!;
      expect(JSON.stringify(answer.content)).toContain('stored first');
      expect(onA.kind).toBe('final');
      // The turn cost both calls: what llm_calls recorded for the issue, and more than b's alone.
      expect(onA.costUsd).toBeCloseTo((await issueCostTotals(h.db.db, loop.organizationId, loop.issueId)).costUsd, 9);
      expect(onA.costUsd).toBeGreaterThan(onB.costUsd);
    });
  });
});

/**
 * A loop opened by its first model turn (workflows/issue/agents.ts, issue 13): the turn enters
 * the stage and writes the loop's first message with its answer, as startAgentLoop did in an
 * activity of its own. Its retries keep the same promises as any turn's.
 */
describe('a loop opened by its first turn', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(() => h.close());

  type TurnResult = Awaited<ReturnType<ReturnType<typeof createActivities>['agentModelTurn']>>;
  async function newLoop() {
    const { organizationId } = await h.newOrganization({});
    const { issue } = await insertIssueIfAbsent(h.db.db, newTestIssue(organizationId));
    const loop = { organizationId, issueId: issue.id, loopId: `${issue.id}:research:0`, stage: 'research' as const, round: 0 };
    return { issue, loop, firstTurn: { ...loop, turn: 0, modelTier: 'medium' as const, forceFinal: false, start: {} } };
  }
  const stored = (loopId: string) => h.db.db.select().from(agentMessages).where(eq(agentMessages.loopId, loopId)).orderBy(agentMessages.seq);
  const sentMessages = (index: number) => (h.fake.requests[index]!.body as { messages: Array<{ role: string; content: unknown }> }).messages;

  it('enters the stage, sends the first message and stores it with the answer; later turns use the step it returns', async () => {
    const { issue, loop, firstTurn } = await newLoop();
    const activities = activitiesOn(h);
    h.fake.onTool('submit_research', reply.call('read_file', { path: 'README.md' }), reply.research());
    const before = h.fake.requests.length;
    const first = (await new MockActivityEnvironment({ attempt: 1 }).run(activities.agentModelTurn, firstTurn)) as TurnResult;
    expect(first.kind).toBe('tools');
    // The stage is entered: the issue is in it, its step runs, the log says so.
    const [row] = await h.db.db.select().from(issues).where(eq(issues.id, issue.id));
    expect(row).toMatchObject({ stage: 'research', status: 'processing' });
    const steps = await h.db.db.select().from(issueSteps).where(eq(issueSteps.issueId, issue.id));
    expect(steps.map((step) => [step.stage, step.status, step.id])).toEqual([['research', 'running', first.stepId]]);
    const logs = await h.db.db.select().from(issueLogs).where(eq(issueLogs.issueId, issue.id));
    expect(logs.map((line) => line.message)).toContain(`research agent started (round 0, model ${MODELS.medium})`);
    // The model got the issue in the first message, which is stored with the answer.
    expect(JSON.stringify(sentMessages(before)[0])).toContain(issue.title);
    expect((await stored(loop.loopId)).map((message) => [message.seq, message.role])).toEqual([
      [0, 'user'],
      [1, 'assistant'],
    ]);
    // The next turn, on another worker, reads the same transcript back and works on the same step.
    const toolUseId = (first as Extract<TurnResult, { kind: 'tools' }>).toolCalls[0]!.toolUseId;
    const other = activitiesOn(h);
    await new MockActivityEnvironment({ attempt: 1 }).run(other.runAgentTool, { ...loop, toolUseId });
    const second = (await new MockActivityEnvironment({ attempt: 1 }).run(other.agentModelTurn, { ...loop, turn: 1, modelTier: 'medium' as const, forceFinal: false, stepId: first.stepId })) as TurnResult;
    expect(second.kind).toBe('final');
    expect(second.stepId).toBeUndefined();
    expect(sentMessages(before + 1).map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    // The same first message (the later request marks it for the prompt cache, as blocks).
    const textOf = (message: { content: unknown }) =>
      typeof message.content === 'string' ? message.content : (message.content as Array<{ text?: string }>).map((block) => block.text ?? '').join('');
    expect(textOf(sentMessages(before + 1)[0]!)).toEqual(textOf(sentMessages(before)[0]!));
    const [step] = await h.db.db.select().from(issueSteps).where(eq(issueSteps.issueId, issue.id));
    expect(step).toMatchObject({ id: first.stepId, status: 'completed' });
  });

  it('a retry after the model call failed opens the same step again and writes the first message once', async () => {
    const { issue, loop, firstTurn } = await newLoop();
    const activities = activitiesOn(h);
    h.fake.onTool('submit_research', { error: { status: 400, type: 'invalid_request_error', message: 'scripted failure' } }, reply.research());
    await expect(new MockActivityEnvironment({ attempt: 1 }).run(activities.agentModelTurn, firstTurn)).rejects.toThrow();
    // Nothing of the loop is stored: the failed attempt wrote its model call's record only.
    expect(await stored(loop.loopId)).toEqual([]);
    const retried = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.agentModelTurn, firstTurn)) as TurnResult;
    expect(retried.kind).toBe('final');
    expect((await stored(loop.loopId)).map((message) => [message.seq, message.role])).toEqual([
      [0, 'user'],
      [1, 'assistant'],
    ]);
    const steps = await h.db.db.select().from(issueSteps).where(eq(issueSteps.issueId, issue.id));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ id: retried.stepId, status: 'completed', attempts: 2 });
  });

  it('a retry after its answer was stored (the worker died before reporting) pays nothing and reports the same step', async () => {
    const { loop, firstTurn } = await newLoop();
    h.fake.onTool('submit_research', reply.call('read_file', { path: 'README.md' }));
    const before = h.fake.requests.length;
    const first = (await new MockActivityEnvironment({ attempt: 1 }).run(activitiesOn(h).agentModelTurn, firstTurn)) as TurnResult;
    const retried = (await new MockActivityEnvironment({ attempt: 2 }).run(activitiesOn(h).agentModelTurn, firstTurn)) as TurnResult;
    expect(h.fake.requests.length - before).toBe(1);
    expect(retried).toMatchObject({ kind: 'tools', stepId: first.stepId, costUsd: first.costUsd });
    expect((await stored(loop.loopId)).map((message) => message.seq)).toEqual([0, 1]);
  });

  it('stores the answer with all it settles in one statement: a refused call with its refusal, the output, the step completed', async () => {
    const statements: string[] = [];
    const counted = await openDatabase({ url: testEnv('databaseUrl'), pgliteDir: '', poolSize: 2, onQuery: (query) => statements.push(query) });
    try {
      const activities = createActivities({
        db: counted.db,
        llm: createAnthropicClient({ apiKey: 'k', baseUrl: h.fake.url, timeoutMs: 10_000 }),
        models: MODELS,
        maxOutputTokens: 1024,
        ...testWorkspaceDeps(),
      });
      const { issue, loop, firstTurn } = await newLoop();
      const research = reply.research() as { input: unknown };
      // A research agent may not write: its write_file is refused, and the final answer next to it is taken.
      h.fake.onTool('submit_research', { calls: [{ name: 'write_file', input: { path: 'src/x.js', content: 'x' } }, { name: 'submit_research', input: research.input }] });
      const result = (await new MockActivityEnvironment({ attempt: 1 }).run(activities.agentModelTurn, firstTurn)) as TurnResult;
      expect(result.kind).toBe('final');
      const touchingCalls = statements.filter((text) => text.includes('"agent_tool_calls"'));
      expect(touchingCalls).toHaveLength(1);
      for (const table of ['"llm_calls"', '"agent_messages"', '"artifacts"', '"issue_steps"', '"issue_logs"']) expect(touchingCalls[0]).toContain(table);
      const calls = await listToolCalls(h.db.db, { organizationId: loop.organizationId, issueId: issue.id, loopId: loop.loopId });
      expect(calls.map((call) => [call.name, call.isError, call.output?.slice(0, 20)])).toEqual(
        expect.arrayContaining([
          ['write_file', 1, expect.stringContaining('write_file')],
          ['submit_research', 0, 'accepted'],
        ]),
      );
      const logs = (await h.db.db.select().from(issueLogs).where(eq(issueLogs.issueId, issue.id))).map((line) => line.message);
      expect(logs).toEqual(expect.arrayContaining([expect.stringContaining('which this stage does not offer: refused'), expect.stringContaining('research completed')]));
      expect(await h.db.db.select().from(issueSteps).where(eq(issueSteps.issueId, issue.id))).toEqual([expect.objectContaining({ id: result.stepId, status: 'completed' })]);
    } finally {
      await counted.close();
    }
  });

  it('a retry of a turn whose calls were registered without their results (a release that wrote them apart) gives them their results', async () => {
    const { loop, firstTurn } = await newLoop();
    const activities = activitiesOn(h);
    const research = reply.research() as { input: unknown };
    h.fake.onTool('submit_research', { calls: [{ name: 'write_file', input: { path: 'src/x.js', content: 'x' } }, { name: 'submit_research', input: research.input }] });
    await new MockActivityEnvironment({ attempt: 1 }).run(activities.agentModelTurn, firstTurn);
    // As the previous release left it when its worker died between its two statements.
    await h.db.db.update(agentToolCalls).set({ output: null, isError: 0, completedAt: null }).where(eq(agentToolCalls.loopId, loop.loopId));
    const before = h.fake.requests.length;
    const retried = (await new MockActivityEnvironment({ attempt: 2 }).run(activitiesOn(h).agentModelTurn, firstTurn)) as TurnResult;
    expect(retried.kind).toBe('final');
    expect(h.fake.requests.length).toBe(before);
    const calls = await listToolCalls(h.db.db, { organizationId: loop.organizationId, issueId: loop.issueId, loopId: loop.loopId });
    expect(calls.map((call) => [call.name, call.output === null])).toEqual(expect.arrayContaining([['write_file', false], ['submit_research', false]]));
  });

  it('refuses an issue of another organization, writing nothing', async () => {
    const { issue, firstTurn } = await newLoop();
    const { organizationId: otherOrganization } = await h.newOrganization({});
    const before = h.fake.requests.length;
    await expect(
      new MockActivityEnvironment({ attempt: 1 }).run(activitiesOn(h).agentModelTurn, { ...firstTurn, organizationId: otherOrganization }),
    ).rejects.toThrow(/not found/);
    expect(h.fake.requests.length).toBe(before);
    const [row] = await h.db.db.select().from(issues).where(eq(issues.id, issue.id));
    expect(row!.stage).not.toBe('research');
    expect(await h.db.db.select().from(issueSteps).where(eq(issueSteps.issueId, issue.id))).toEqual([]);
  });
});

/**
 * Classify and triage are one model call each. Their retry after an attempt that stored its
 * answer (the worker died before reporting it) returns the stored answer and its cost, without
 * a second call: before, they called the model again.
 */
describe('a retried single-call stage', () => {
  let h: PipelineHarness;
  beforeAll(async () => {
    h = await startPipelineHarness();
  });
  afterAll(() => h.close());

  it('classify and triage reuse what their first attempt stored, and report its cost once', async () => {
    const { organizationId } = await h.newOrganization({});
    const { issue } = await insertIssueIfAbsent(h.db.db, newTestIssue(organizationId));
    const activities = activitiesOn(h);
    const usage = { input_tokens: 10_000, output_tokens: 1_000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    h.fake.onTool('submit_classification', { ...reply.classify({ complexity: 8 }), usage } as never);
    h.fake.onTool('submit_triage', { ...reply.triage({ route: 'answer', answer: 'Round per line.' }), usage } as never);
    const requestsBefore = h.fake.requests.length;
    const input = { organizationId, issueId: issue.id, round: 0, modelTier: 'small' as const };

    type Classified = Awaited<ReturnType<typeof activities.classifyIssue>>;
    const classified = (await new MockActivityEnvironment({ attempt: 1 }).run(activities.classifyIssue, input)) as Classified;
    const classifiedAgain = await new MockActivityEnvironment({ attempt: 2 }).run(activities.classifyIssue, input);
    const triaged = await new MockActivityEnvironment({ attempt: 1 }).run(activities.triageIssue, input);
    const triagedAgain = await new MockActivityEnvironment({ attempt: 3 }).run(activities.triageIssue, input);

    expect(h.fake.requests.length - requestsBefore).toBe(2); // one call per stage
    // haiku: 10 000 × $1/MTok + 1 000 × $5/MTok = $0.015
    expect(classified.costUsd).toBeCloseTo(0.015, 6);
    expect(classifiedAgain).toEqual(classified);
    expect(triagedAgain).toEqual(triaged);
    expect(triaged).toMatchObject({ route: 'answer' });
    expect((await issueCostTotals(h.db.db, organizationId, issue.id)).costUsd).toBeCloseTo(0.03, 6);
  });

  it('a retry after an attempt that stored nothing calls the model', async () => {
    const { organizationId } = await h.newOrganization({});
    const { issue } = await insertIssueIfAbsent(h.db.db, newTestIssue(organizationId));
    const activities = activitiesOn(h);
    h.fake.onTool('submit_classification', reply.classify());
    const requestsBefore = h.fake.requests.length;
    const result = await new MockActivityEnvironment({ attempt: 2 }).run(activities.classifyIssue, { organizationId, issueId: issue.id, round: 0, modelTier: 'small' as const });
    expect(result).toMatchObject({ complexity: 5 });
    expect(h.fake.requests.length - requestsBefore).toBe(1);
  });
});
