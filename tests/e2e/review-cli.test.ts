import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { createAdaptorServer } from '@hono/node-server';
import { issueApiKey } from '../../src/db/organizations';
import { allRepliesUsed, ADMIN_REVIEWER, type PipelineHarness, reply, REVIEWER, SAMPLE_REPO, startPipelineHarness } from '../support/pipeline';
import { makeBareRepository } from '../support/git-fixture';

/**
 * `npm run review` as a reviewer runs it: a child process talking HTTP to the API (served here
 * from the harness's app) with a personal key, working an issue from the inbox to its end on
 * the real Temporal server.
 */
describe('the reviewer CLI', () => {
  let h: PipelineHarness;
  let server: ReturnType<typeof createAdaptorServer>;
  let url: string;
  beforeAll(async () => {
    h = await startPipelineHarness();
    server = createAdaptorServer({
      fetch: async (request: Request) => h.request(request.url, { method: request.method, headers: request.headers, ...(request.body ? { body: await request.text() } : {}) }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });
  afterEach(() => {
    const used = allRepliesUsed(h.fake);
    h.fake.reset();
    expect(used).toBe(true);
  });

  const review = (apiKey: string | undefined, ...args: string[]) => {
    const env = { ...process.env, ORCHESTRATOR_URL: url, ...(apiKey ? { ORCHESTRATOR_API_KEY: apiKey } : {}) };
    if (!apiKey) delete env['ORCHESTRATOR_API_KEY'];
    return promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'src/main/review.ts', ...args], { cwd: path.join(__dirname, '../..'), env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  };

  it('shows what waits for me, and approves it to the end', async () => {
    const { organizationId, apiKey } = await h.newOrganization({ planApproval: 'required', finalApproval: 'required' });
    const { key: alice } = await issueApiKey(h.db.db, organizationId, 'alice laptop', { scopes: ['review'], reviewerUserId: REVIEWER });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    const issue = await h.submit(apiKey, { title: 'Invoice totals off by a cent' });
    await h.waitFor(apiKey, issue.id, (view) => view.pending?.kind === 'approval');

    const inbox = await review(alice, 'inbox');
    expect(inbox).toMatchObject({ code: 0, stdout: expect.stringContaining(`Waiting for ${REVIEWER} (reviewer):`) });
    expect(inbox.stdout).toMatch(new RegExp(`${issue.id}\\s+plan approval\\s+until `));
    expect(inbox.stdout).toContain('Invoice totals off by a cent');
    const shown = await review(alice, 'show', issue.id);
    expect(shown.stdout).toContain('WAITING for plan approval until');

    // Wrong usage and refusals say what to do.
    expect(await review(alice, 'changes', issue.id)).toMatchObject({ code: 2, stderr: expect.stringContaining('changes needs --comment') });
    expect(await review(alice, 'approve', issue.id, '--gate', 'final')).toMatchObject({ code: 1, stderr: expect.stringContaining('409') });
    expect(await review(alice, 'budget', issue.id, '5')).toMatchObject({ code: 1 }); // a reviewer may not raise budgets, and none is asked for
    expect(await review(alice, 'budget', issue.id, 'lots')).toMatchObject({ code: 2, stderr: expect.stringContaining('budget needs the new total in USD') });
    expect(await review(alice, 'show', '00000000-0000-4000-8000-000000000000')).toMatchObject({ code: 1, stderr: expect.stringContaining('no issue or skill run') });
    expect(await review(undefined, 'inbox')).toMatchObject({ code: 2, stderr: expect.stringContaining('ORCHESTRATOR_API_KEY is not set') });
    expect(await review(alice, 'frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command frobnicate') });

    h.fake.onTool('submit_change', reply.change());
    h.fake.onTool('submit_review', reply.review('approve'));
    const approved = await review(alice, 'approve', issue.id, '--comment', 'plan looks right');
    expect(approved).toMatchObject({ code: 0, stdout: expect.stringContaining(`plan gate: approve by ${REVIEWER} — plan looks right`) });
    await h.waitFor(apiKey, issue.id, (view) => view.pending?.kind === 'approval' && (view.pending as { gate: string }).gate === 'final');
    expect((await review(alice, 'inbox')).stdout).toMatch(new RegExp(`${issue.id}\\s+final approval`));
    expect((await review(alice, 'approve', issue.id)).code).toBe(0);
    expect(await h.waitForEnd(apiKey, issue.id)).toMatchObject({ status: 'completed', decisions: [{ reviewer: REVIEWER }, { reviewer: REVIEWER }] });
    expect((await review(alice, 'inbox')).stdout).toContain(`Nothing waits for ${REVIEWER} (reviewer).`);
    expect(ADMIN_REVIEWER).toBeTruthy();
  });

  it('interrupts a running agent and sends it a message', async () => {
    const { organizationId, apiKey } = await h.newOrganization();
    const { key: alice } = await issueApiKey(h.db.db, organizationId, 'alice laptop', { scopes: ['review'], reviewerUserId: REVIEWER });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage({ route: 'research' }));
    h.fake.onTool('submit_research', { ...reply.call('list_files', {}), delayMs: 2_000 }, reply.research());
    const issue = await h.submit(apiKey);
    await h.waitFor(apiKey, issue.id, (view) => view.currentStep === 'research: model turn 1');

    const interrupted = await review(alice, 'interrupt', issue.id, '--reason', 'wait');
    expect(interrupted).toMatchObject({ code: 0, stdout: expect.stringContaining(`INTERRUPTED by ${REVIEWER}: wait`) });
    expect(await review(alice, 'message', issue.id)).toMatchObject({ code: 2, stderr: expect.stringContaining('message needs the text') });
    expect(await review(alice, 'message', issue.id, 'x', '--tier', 'huge')).toMatchObject({ code: 2, stderr: expect.stringContaining('--tier is small, medium or large') });
    expect(await review(alice, 'message', issue.id, 'x', '--tier', 'large')).toMatchObject({ code: 1, stderr: expect.stringContaining('403') });
    const sent = await review(alice, 'message', issue.id, 'Look at src/invoice.js first');
    expect(sent).toMatchObject({ code: 0, stdout: expect.stringContaining(`message from ${REVIEWER} (waiting for the next turn): Look at src/invoice.js first`) });
    expect(await h.waitForEnd(apiKey, issue.id)).toMatchObject({ status: 'completed' });
  });

  it('denies a command the approval policy holds, with the reason the agent reads', async () => {
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    try {
      const { organizationId, apiKey } = await h.newOrganization({ finalApproval: 'never', repository: { remote, baseBranch: 'main', host: 'local', commandApproval: 'untrusted' } });
      const { key: alice } = await issueApiKey(h.db.db, organizationId, 'alice laptop', { scopes: ['review'], reviewerUserId: REVIEWER });
      h.fake.onTool('submit_classification', reply.classify());
      h.fake.onTool('submit_triage', reply.triage());
      h.fake.onTool('submit_research', reply.research());
      h.fake.onTool('submit_change', reply.call('run_command', { argv: ['rm', '-rf', 'src'] }), reply.change({ diff: '' }));
      h.fake.onTool('submit_review', reply.review('approve'));
      const issue = await h.submit(apiKey);
      await h.waitFor(apiKey, issue.id, (view) => view.pending?.kind === 'command');

      expect((await review(alice, 'show', issue.id)).stdout).toContain('WAITING for approval to run `rm -rf src` (dangerous: deletes recursively or by force)');
      expect(await review(alice, 'reject', issue.id)).toMatchObject({ code: 2, stderr: expect.stringContaining('reject a command with --comment') });
      const denied = await review(alice, 'reject', issue.id, '--comment', 'keep the sources');
      expect(denied).toMatchObject({ code: 0, stdout: expect.stringContaining(`command \`rm -rf src\`: deny by ${REVIEWER} — keep the sources`) });
      expect(await h.waitForEnd(apiKey, issue.id)).toMatchObject({ status: 'completed' });
    } finally {
      cleanup();
    }
  });
});
