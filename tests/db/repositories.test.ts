import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { agentMessageWrite, agentMessageWriteReturningSeq, loadLoopTranscript, putAgentMessage, registerToolCalls, storeToolResult, toolCallsWrite } from '../../src/db/agent-transcripts';
import { artifactWrite, listArtifacts, saveArtifact } from '../../src/db/artifacts';
import { type DatabaseHandle, migrateDatabase, openDatabase } from '../../src/db/client';
import { getIssue, insertIssueIfAbsent, issueStageWrite, listIssues, type NewIssue, recordIssueOutcome, submitIssue } from '../../src/db/issues';
import { issueCostTotals, recordLlmCall } from '../../src/db/llm-calls';
import { appendLog, listLogs, logWrite } from '../../src/db/logs';
import { createQuestion } from '../../src/db/people';
import { enterStage } from '../../src/db/stage-entry';
import { PendingWrites, writeTogether } from '../../src/db/together';
import { createOrganization, findOrganizationByApiKey, issueApiKey, revokeApiKey } from '../../src/db/organizations';
import { feedback } from '../../src/db/schema';
import { completeStep, listSteps, startStep, stepCompletedWrite, stepFailedWrite } from '../../src/db/steps';
import { testEnv } from '../support/env';
import { newTestIssue, uniqueId } from '../support/harness';

/**
 * The same repository suite on both drivers, through the real migrations: Postgres (the
 * test database) and embedded PGlite (what `npm run dev` uses without DATABASE_URL).
 */
const drivers: Array<[string, () => Promise<{ handle: DatabaseHandle; cleanup: () => void }>]> = [
  ['postgres', async () => ({ handle: await openDatabase({ url: testEnv('databaseUrl'), pgliteDir: '' }), cleanup: () => undefined })],
  [
    'pglite',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-'));
      return {
        handle: await openDatabase({ url: undefined, pgliteDir: dir }),
        cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  ],
];

describe.each(drivers)('repositories on %s', (_driver, open) => {
  let handle: DatabaseHandle;
  let cleanup: () => void;
  let orgId: string;

  beforeAll(async () => {
    ({ handle, cleanup } = await open());
    await migrateDatabase(handle);
    orgId = (await createOrganization(handle.db, { id: uniqueId('org'), name: 'Acme', tier: 'pro' })).id;
  }, 120_000);
  afterAll(async () => {
    await handle.close();
    cleanup();
  });

  const newIssue = (overrides: Partial<NewIssue> = {}): NewIssue => newTestIssue(orgId, overrides);

  it('applies migrations idempotently', async () => {
    await expect(migrateDatabase(handle)).resolves.toBeUndefined();
  });

  it('stores one issue per business key, however many concurrent inserts', async () => {
    const issue = newIssue();
    const results = await Promise.all(Array.from({ length: 20 }, () => insertIssueIfAbsent(handle.db, issue)));
    expect(new Set(results.map((result) => result.issue.id)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
  });

  it('submits in one compiled statement: inserts within the guard, answers a repeat with the first, refuses past a limit', async () => {
    const org = (await createOrganization(handle.db, { id: uniqueId('org'), name: 'Submitter', tier: 'pro' })).id;
    const open = { perHour: null, perDay: null, dailySpendUsd: null, monthlySpendUsd: null, allowed: true };
    const first = newTestIssue(org, { budgetUsd: '2.5000', context: { module: 'billing', nested: { a: [1, 2] } } });
    const key = { source: first.source, externalId: first.externalId };
    const made = await submitIssue(handle.db, first, key, open);
    expect(made.existing).toBeUndefined();
    expect(made.inserted).toMatchObject({ organizationId: org, externalId: first.externalId, context: { nested: { a: [1, 2] } }, status: 'queued' });
    expect(Number(made.inserted?.budgetUsd)).toBe(2.5);
    expect(made.windows).toMatchObject({ hour: { count: 0 }, day: { count: 0 } });
    expect(made.spent).toEqual({ today: 0, month: 0 });
    // The same business key again: the first, nothing inserted.
    const repeat = await submitIssue(handle.db, first, key, open);
    expect(repeat.inserted).toBeUndefined();
    expect(repeat.existing?.id).toBe(made.inserted?.id);
    // No business key (an Idempotency-Key-less API submission): a new row each time.
    const unkeyed = await submitIssue(handle.db, newTestIssue(org), undefined, open);
    expect(unkeyed.inserted).toBeDefined();
    expect(unkeyed.windows.hour.count).toBe(1);
    // Two issues this hour: a limit of two refuses the third, a refused guard refuses any.
    expect((await submitIssue(handle.db, newTestIssue(org), undefined, { ...open, perHour: 2 })).inserted).toBeUndefined();
    expect((await submitIssue(handle.db, newTestIssue(org), undefined, { ...open, perDay: 3 })).inserted).toBeDefined();
    expect((await submitIssue(handle.db, newTestIssue(org), undefined, { ...open, allowed: false })).inserted).toBeUndefined();
    expect((await submitIssue(handle.db, newTestIssue(org), undefined, { ...open, dailySpendUsd: 0 })).inserted).toBeUndefined();
    expect((await listIssues(handle.db, org, { limit: 100, offset: 0 })).total).toBe(3);
  });

  it('scopes reads to the organization', async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue());
    const other = await createOrganization(handle.db, { id: uniqueId('org'), name: 'Other' });
    expect(await getIssue(handle.db, orgId, issue.id)).toMatchObject({ id: issue.id });
    expect(await getIssue(handle.db, other.id, issue.id)).toBeUndefined();
    expect((await listIssues(handle.db, other.id, { limit: 100, offset: 0 })).total).toBe(0);
  });

  it('filters and pages the issue list', async () => {
    const org = await createOrganization(handle.db, { id: uniqueId('org'), name: 'Lists' });
    const make = (type: string, priority: string, module: string) =>
      insertIssueIfAbsent(handle.db, newIssue({ organizationId: org.id, type, priority, module }));
    await make('bug', 'high', 'billing');
    await make('bug', 'low', 'crm');
    await make('feature', 'high', 'billing');
    const { issue: done } = await make('task', 'medium', 'crm');
    await recordIssueOutcome(handle.db, { organizationId: org.id, issueId: done.id }, { status: 'completed', summary: 'ok', error: null });

    const list = (query: Parameters<typeof listIssues>[2]) => listIssues(handle.db, org.id, query);
    expect((await list({ type: 'bug', limit: 20, offset: 0 })).total).toBe(2);
    expect((await list({ priority: 'high', module: 'billing', limit: 20, offset: 0 })).total).toBe(2);
    expect((await list({ status: 'completed', limit: 20, offset: 0 })).items.map((i) => i.id)).toEqual([done.id]);
    const firstPage = await list({ limit: 3, offset: 0 });
    const secondPage = await list({ limit: 3, offset: 3 });
    expect(firstPage).toMatchObject({ total: 4, limit: 3, offset: 0 });
    expect(firstPage.items).toHaveLength(3);
    expect(secondPage.items).toHaveLength(1);
    expect(new Set([...firstPage.items, ...secondPage.items].map((i) => i.id)).size).toBe(4);
  });

  it('writes an issue\'s outcome and its log line together, once', async () => {
    const org = await createOrganization(handle.db, { id: uniqueId('org'), name: 'Outcomes' });
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue({ organizationId: org.id }));
    const ref = { organizationId: org.id, issueId: issue.id };
    const outcome = { status: 'failed' as const, summary: 'code failed', error: 'code failed: tests red' };
    await recordIssueOutcome(handle.db, ref, outcome);
    await recordIssueOutcome(handle.db, ref, outcome); // an activity retry

    expect(await getIssue(handle.db, org.id, issue.id)).toMatchObject({ status: 'failed', error: 'code failed: tests red' });
    const logs = await listLogs(handle.db, org.id, issue.id);
    expect(logs.map((log) => [log.level, log.message])).toEqual([['ERROR', 'issue failed: code failed: tests red']]);

    // Another organization's id never matches: no row changes and no log line appears.
    await recordIssueOutcome(handle.db, { organizationId: orgId, issueId: issue.id }, { status: 'completed', summary: 'x', error: null });
    expect(await getIssue(handle.db, org.id, issue.id)).toMatchObject({ status: 'failed' });
    expect(await listLogs(handle.db, orgId, issue.id)).toEqual([]);
  });

  it('authenticates API keys by hash and stops accepting revoked ones', async () => {
    const key = await issueApiKey(handle.db, orgId, 'ci', { scopes: ['issues:write'] });
    expect(key.key.startsWith(key.prefix)).toBe(true);
    expect((await findOrganizationByApiKey(handle.db, key.key))?.id).toBe(orgId);
    expect(await findOrganizationByApiKey(handle.db, `${key.key}x`)).toBeUndefined();
    expect(await findOrganizationByApiKey(handle.db, 'not-a-key')).toBeUndefined();
    const stored = await handle.db.execute(sql`select count(*)::int as n from api_keys where key_hash = ${key.key}`);
    expect(JSON.stringify(stored)).toContain('0'); // the plaintext key is not stored
    expect(await revokeApiKey(handle.db, orgId, key.id)).toBe(true);
    expect(await findOrganizationByApiKey(handle.db, key.key)).toBeUndefined();
  });

  it('keeps one step row per (issue, stage, round) across attempts', async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue());
    const step = { organizationId: orgId, issueId: issue.id, stage: 'research', round: 0, agentType: 'researcher', model: 'm' };
    const first = await startStep(handle.db, { ...step, attempt: 1 });
    const second = await startStep(handle.db, { ...step, attempt: 2 });
    expect(second.id).toBe(first.id);
    await completeStep(handle.db, second.id, 'found it');
    const steps = await listSteps(handle.db, orgId, issue.id);
    expect(steps).toEqual([expect.objectContaining({ attempts: 2, status: 'completed', summary: 'found it' })]);
  });

  it('enters a stage in one statement: issue, step (reopened by a retry), log line and context; never across organizations', async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue({ title: 'Enter me' }));
    const ref = { organizationId: orgId, issueId: issue.id };
    await createQuestion(handle.db, { id: randomUUID(), ...ref, stage: 'triage', question: 'Which invoices?', policy: 'human' });
    const step = { stage: 'research' as const, round: 0, agentType: 'researcher', model: 'm', message: 'research agent started' };
    const first = await enterStage(handle.db, ref, { ...step, attempt: 1 }, { withContext: true });
    expect(first?.issue).toMatchObject({ id: issue.id, title: 'Enter me', stage: 'research', status: 'processing', budgetUsd: issue.budgetUsd });
    expect(first?.issue.context).toEqual(issue.context);
    expect(first?.context.questions.map((q) => q.question)).toEqual(['Which invoices?']);
    const retried = await enterStage(handle.db, ref, { ...step, attempt: 2 });
    expect(retried?.stepId).toBe(first?.stepId);
    expect(retried?.context).toEqual({ questions: [], decisions: [], artifacts: [] }); // not asked for
    expect(await listSteps(handle.db, orgId, issue.id)).toEqual([expect.objectContaining({ id: first?.stepId, attempts: 2, status: 'running' })]);
    expect((await listLogs(handle.db, orgId, issue.id)).map((log) => [log.stepId, log.message])).toEqual([
      [first?.stepId, 'research agent started'],
      [first?.stepId, 'research agent started'],
    ]);
    const entered = await getIssue(handle.db, orgId, issue.id);
    expect(entered).toMatchObject({ stage: 'research', status: 'processing' });
    // The first stage entry is what records that the workflow exists (the recovery sweep reads it).
    expect(issue.workflowStartedAt).toBeNull();
    expect(entered?.workflowStartedAt).not.toBeNull();

    const stranger = await createOrganization(handle.db, { id: uniqueId('org'), name: 'Stranger' });
    expect(await enterStage(handle.db, { organizationId: stranger.id, issueId: issue.id }, { ...step, stage: 'code', attempt: 1 })).toBeUndefined();
    expect(await listSteps(handle.db, orgId, issue.id)).toHaveLength(1);
  });

  it('sends writes together: all or none, with the RETURNING rows asked for', async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue());
    const ref = { organizationId: orgId, issueId: issue.id };
    const step = await startStep(handle.db, { ...ref, stage: 'code', round: 0, agentType: 'coder', model: 'm', attempt: 1 });
    const artifact = artifactWrite(handle.db, { ...ref, stepId: step.id, type: 'CODE_CHANGE', name: 'proposed-change', content: 'v1' });
    const writes = new PendingWrites(handle.db);
    writes.add(stepCompletedWrite(handle.db, step.id, 'done'), logWrite(handle.db, { ...ref, stepId: step.id, level: 'INFO', message: 'code completed' }), undefined);
    const { artifact: row } = await writes.flush({ artifact });
    expect(row?.['id']).toEqual((await listArtifacts(handle.db, orgId, issue.id))[0]?.id);
    expect(await listSteps(handle.db, orgId, issue.id)).toEqual([expect.objectContaining({ status: 'completed', summary: 'done' })]);
    expect(writes.size).toBe(0);

    // One write fails (a log line for a step that does not exist): nothing of the batch is written.
    const failing = writeTogether(handle.db, [
      stepFailedWrite(handle.db, step.id, 'should not stick'),
      logWrite(handle.db, { ...ref, stepId: randomUUID(), level: 'INFO', message: 'orphan' }),
    ]);
    await expect(failing).rejects.toThrow();
    expect(await listSteps(handle.db, orgId, issue.id)).toEqual([expect.objectContaining({ status: 'completed', error: null })]);
    expect((await listLogs(handle.db, orgId, issue.id)).map((log) => log.message)).toEqual(['code completed']);

    // A failed flush keeps its writes; after a failed step only the essential ones (paid calls) are sent.
    const afterFailure = new PendingWrites(handle.db);
    afterFailure.addEssential(logWrite(handle.db, { ...ref, level: 'INFO', message: 'model call recorded' }));
    afterFailure.add(logWrite(handle.db, { ...ref, stepId: randomUUID(), level: 'INFO', message: 'orphan' }));
    await expect(afterFailure.flush()).rejects.toThrow();
    expect(afterFailure.size).toBe(2);
    await afterFailure.salvage();
    expect(afterFailure.size).toBe(0);
    expect((await listLogs(handle.db, orgId, issue.id)).map((log) => log.message)).toEqual(['model call recorded', 'code completed']);
  });

  it("reads a loop's messages and tool calls in one statement, JSON values as they were stored", async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue());
    const loop = { organizationId: orgId, issueId: issue.id, loopId: `${issue.id}:research:0` };
    await putAgentMessage(handle.db, loop, 0, 'user', 'true'); // a string that is also JSON text stays a string
    await putAgentMessage(handle.db, loop, 1, 'assistant', [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a.ts' } }]);
    await registerToolCalls(handle.db, loop, [{ toolUseId: 't1', name: 'read_file', input: { path: 'a.ts' } }]);
    await storeToolResult(handle.db, loop, 't1', { output: 'contents', isError: false, executed: true });
    await putAgentMessage(handle.db, { ...loop, loopId: `${issue.id}:code:0` }, 0, 'user', 'another loop');

    const { messages, toolCalls } = await loadLoopTranscript(handle.db, loop);
    expect(messages.map((message) => [message.seq, message.role, message.content])).toEqual([
      [0, 'user', 'true'],
      [1, 'assistant', [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a.ts' } }]],
    ]);
    expect(toolCalls).toEqual([expect.objectContaining({ toolUseId: 't1', input: { path: 'a.ts' }, output: 'contents', isError: 0, executions: 1 })]);
    expect(await loadLoopTranscript(handle.db, { ...loop, organizationId: 'org-nobody' })).toEqual({ messages: [], toolCalls: [] });
  });

  it('sends compiled writes as their builders would: NULLs, defaults, conflicts and RETURNING rows', async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue({ module: null }));
    const ref = { organizationId: orgId, issueId: issue.id };
    const loop = { ...ref, loopId: `${issue.id}:code:0` };
    // Absent data and step are NULL, not JSON null; two at once are numbered apart.
    await writeTogether(handle.db, [logWrite(handle.db, { ...ref, level: 'INFO', message: 'first' }), logWrite(handle.db, { ...ref, level: 'WARN', message: 'second', data: { n: 2 } })]);
    const nulls = await handle.db.execute(sql`select count(*)::int as n from issue_logs where issue_id = ${issue.id} and data is null and step_id is null`);
    expect((Array.isArray(nulls) ? nulls : (nulls as { rows: unknown[] }).rows)[0]).toEqual({ n: 1 });
    const lines = (await listLogs(handle.db, orgId, issue.id)).map((log) => [log.message, log.level, log.data]);
    expect(lines.sort()).toEqual([['first', 'INFO', null], ['second', 'WARN', { n: 2 }]]);

    // The answer's message gives back its seq when it stored it, nothing when it was there already.
    const answer = () => agentMessageWriteReturningSeq(handle.db, loop, 1, 'assistant', [{ type: 'text', text: 'hi' }]);
    expect(await writeTogether(handle.db, [agentMessageWrite(handle.db, loop, 0, 'user', 'go')], { answer: answer() })).toEqual({ answer: { seq: 1 } });
    expect(await writeTogether(handle.db, [], { answer: answer() })).toEqual({});

    // Tool calls: one settled at once (completed, its result kept), one to run (defaults); a
    // second registration settles the open one and leaves the settled one as it was.
    await writeTogether(handle.db, [
      toolCallsWrite(handle.db, loop, [
        { toolUseId: 'a', name: 'write_file', input: { path: 'x' }, result: { output: 'refused', isError: true } },
        { toolUseId: 'b', name: 'read_file', input: {} },
      ]),
    ]);
    const calls = async () => (await loadLoopTranscript(handle.db, loop)).toolCalls.map((call) => [call.toolUseId, call.output, call.isError, call.completedAt !== null]);
    expect(await calls()).toEqual([['a', 'refused', 1, true], ['b', null, 0, false]]);
    await writeTogether(handle.db, [
      toolCallsWrite(handle.db, loop, [
        { toolUseId: 'a', name: 'write_file', input: { path: 'x' }, result: { output: 'changed', isError: false } },
        { toolUseId: 'b', name: 'read_file', input: {}, result: { output: 'not run', isError: true } },
        { toolUseId: 'c', name: 'read_file', input: { path: 'y' } },
      ]),
    ]);
    expect(await calls()).toEqual([['a', 'refused', 1, true], ['b', 'not run', 1, true], ['c', null, 0, false]]);

    // The issue's stage: the classifier's module only fills a gap, results merge, absent ones change nothing.
    await writeTogether(handle.db, [issueStageWrite(handle.db, ref, { stage: 'classify', module: 'billing', result: { classification: { type: 'bug' } } })]);
    await writeTogether(handle.db, [issueStageWrite(handle.db, ref, { stage: 'triage', module: 'other', result: { triage: { complexity: 2 } } })]);
    await writeTogether(handle.db, [issueStageWrite(handle.db, ref, { stage: 'research', status: 'awaiting_answer' })]);
    expect(await getIssue(handle.db, orgId, issue.id)).toMatchObject({
      stage: 'research',
      status: 'awaiting_answer',
      module: 'billing',
      result: { classification: { type: 'bug' }, triage: { complexity: 2 } },
    });

    // A model call's record: its id back, its absent request NULL, its cost exact.
    const id = await recordLlmCall(handle.db, { ...ref, stepId: null, stage: 'code', model: 'm', status: 'ok', attempt: 1, usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.00125, durationMs: 7 });
    const recorded = await handle.db.execute(sql`select cost_usd::text as cost, request is null as no_request from llm_calls where id = ${id}`);
    expect((Array.isArray(recorded) ? recorded : (recorded as { rows: unknown[] }).rows)[0]).toEqual({ cost: '0.001250', no_request: true });
  });

  it('replaces an artifact written again by a retried step', async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue());
    const step = await startStep(handle.db, {
      organizationId: orgId, issueId: issue.id, stage: 'code', round: 0, agentType: 'coder', model: 'm', attempt: 1,
    });
    const artifact = { organizationId: orgId, issueId: issue.id, stepId: step.id, type: 'CODE_CHANGE' as const, name: 'proposed-change' };
    const firstId = await saveArtifact(handle.db, { ...artifact, content: 'v1', diffPatch: '-a\n+b' });
    const secondId = await saveArtifact(handle.db, { ...artifact, content: 'v2', diffPatch: '-a\n+c' });
    expect(secondId).toBe(firstId);
    expect(await listArtifacts(handle.db, orgId, issue.id)).toEqual([
      expect.objectContaining({ content: 'v2', diffPatch: '-a\n+c', type: 'CODE_CHANGE' }),
    ]);
  });

  it('adds up token usage and cost per issue', async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue());
    const call = {
      organizationId: orgId, issueId: issue.id, stepId: null, stage: 'classify', model: 'claude-haiku-4-5', status: 'ok' as const, attempt: 1, durationMs: 5,
    };
    await recordLlmCall(handle.db, { ...call, usage: { inputTokens: 100, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 50 }, costUsd: 0.000163 });
    await recordLlmCall(handle.db, { ...call, usage: { inputTokens: 20, outputTokens: 10, cacheReadTokens: 50, cacheWriteTokens: 0 }, costUsd: 0.000075 });
    expect(await issueCostTotals(handle.db, orgId, issue.id)).toEqual({
      calls: 2, inputTokens: 120, outputTokens: 20, cacheReadTokens: 50, cacheWriteTokens: 50, costUsd: 0.000238,
    });
  });

  it('keeps logs newest first', async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue());
    await appendLog(handle.db, { organizationId: orgId, issueId: issue.id, level: 'INFO', message: 'first' });
    await appendLog(handle.db, { organizationId: orgId, issueId: issue.id, level: 'WARN', message: 'second', data: { n: 2 } });
    expect((await listLogs(handle.db, orgId, issue.id)).map((log) => log.message)).toEqual(['second', 'first']);
  });

  it('refuses feedback outside the ERP rating and outcome values', async () => {
    const { issue } = await insertIssueIfAbsent(handle.db, newIssue());
    const row = { organizationId: orgId, issueId: issue.id, outcome: 'SOLVED' as const, tags: ['ui'] };
    await expect(handle.db.insert(feedback).values({ ...row, rating: 5 })).resolves.toBeDefined();
    await expect(handle.db.insert(feedback).values({ ...row, rating: 6 })).rejects.toThrow();
    await expect(handle.db.insert(feedback).values({ ...row, rating: 3, outcome: 'MEH' as never })).rejects.toThrow();
  });

  it('rejects an issue id that names nothing', async () => {
    expect(await getIssue(handle.db, orgId, randomUUID())).toBeUndefined();
  });
});
