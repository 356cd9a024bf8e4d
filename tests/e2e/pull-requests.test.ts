import type { ChildProcess } from 'node:child_process';
import { and, eq } from 'drizzle-orm';
import { listToolCalls } from '../../src/db/agent-transcripts';
import { latestArtifact } from '../../src/db/artifacts';
import { localPullRequests, sideEffects } from '../../src/db/schema';
import { type FakeGitHub, startFakeGitHub } from '../../src/fakes/fake-github';
import { branchName, git } from '../../src/workspace/git';
import { makeBareRepository } from '../support/git-fixture';
import { recordHistoryIfAsked, testWorkspaceDeps } from '../support/harness';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { createAnthropicClient } from '../../src/llm/anthropic';
import { MODELS, type PipelineHarness, reply, REVIEWER, SAMPLE_REPO, startPipelineHarness, startWorkerProcess } from '../support/pipeline';

const FIX = {
  path: 'src/invoice.js',
  oldText: '    total += Math.round(line.quantity * line.unitPriceCents);\n  }\n  return total;',
  newText: '    total += line.quantity * line.unitPriceCents;\n  }\n  return Math.round(total);',
};

/** Scripts a code agent that runs the failing tests, fixes the bug, and runs them again. */
function scriptFix(h: PipelineHarness): void {
  h.fake.onTool('submit_classification', reply.classify());
  h.fake.onTool('submit_triage', reply.triage());
  h.fake.onTool('submit_research', reply.call('read_file', { path: 'src/invoice.js' }), reply.research());
  h.fake.onTool(
    'submit_change',
    reply.call('run_command', { argv: ['node', '--test'] }),
    reply.call('edit_file', FIX),
    reply.calls(['run_command', { argv: ['node', '--test'] }], ['diff', {}]),
    reply.change({ diff: '' }),
  );
  h.fake.onTool('submit_review', reply.calls(['diff', {}]), reply.review('approve'));
}

describe('workspace and pull requests', () => {
  let h: PipelineHarness;
  let github: FakeGitHub;
  const cleanups: Array<() => void> = [];
  beforeAll(async () => {
    github = await startFakeGitHub({ token: 'ghp_test_token' });
    h = await startPipelineHarness({ githubApiUrl: github.url });
  });
  afterAll(async () => {
    await h.close();
    await github.close();
    for (const cleanup of cleanups) cleanup();
  });
  afterEach(() => h.fake.reset());

  async function organizationWithRepository(host: 'local' | 'github') {
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    cleanups.push(cleanup);
    const org = await h.newOrganization({
      repository: {
        remote,
        baseBranch: 'main',
        host,
        ...(host === 'github' ? { github: { owner: 'acme', repo: 'invoices' } } : {}),
        testCommand: ['node', '--test'],
        allowedCommands: [['node', '--test']],
        commandTimeoutSeconds: 60,
        pullRequest: { draft: true, labels: ['agent', 'bug'] },
      },
    });
    return { ...org, remote };
  }

  it('fixes the bug in its workspace, tests fail then pass, and opens one pull request after approval (local host)', async () => {
    const { organizationId, apiKey, remote } = await organizationWithRepository('local');
    scriptFix(h);
    const { id, workflowId } = await h.submit(apiKey);
    const waiting = await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_approval');
    expect(waiting.pullRequestUrl).toBeNull(); // nothing is published before the final approval
    expect(waiting.branch).toBe(branchName(organizationId, id));

    expect((await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER })).status).toBe(200);
    const issue = await h.waitForEnd(apiKey, id);
    expect(issue).toMatchObject({ status: 'completed', pullRequestUrl: 'local://remote.git/pull/1' });

    const runs = (await listToolCalls(h.db.db, { organizationId, issueId: id })).filter((c) => c.name === 'run_command');
    expect(runs.map((c) => c.output?.split('\n')[1])).toEqual(['exit code 1', 'exit code 0']); // failing, then passing

    const change = await latestArtifact(h.db.db, organizationId, id, 'CODE_CHANGE');
    expect(change?.diffPatch).toContain('+  return Math.round(total);');
    expect(change?.metadata).toMatchObject({ testsPassed: true, filesChanged: ['src/invoice.js'] });

    const branch = branchName(organizationId, id);
    const log = await git(remote, ['log', '--format=%s', branch]);
    expect(log.split('\n')[0]).toBe('fix: Invoice totals are off by one cent');
    const [pr] = await h.db.db.select().from(localPullRequests).where(eq(localPullRequests.head, branch));
    expect(pr).toMatchObject({ number: 1, base: 'main', draft: 1, labels: ['agent', 'bug'] });
    expect(pr?.body).toMatch(/## Tests\n```\nnode --test: passed/);
    expect(pr?.body).toContain(`/api/issues/${id}`);
    await recordHistoryIfAsked(h.temporal.client, workflowId, 'pipeline-pull-request');
  });

  it('opens the GitHub pull request through octokit, once, comments on the GitHub issue, and reuses what exists', async () => {
    const { organizationId, apiKey } = await organizationWithRepository('github');
    scriptFix(h);
    const { id } = await h.submit(apiKey, { source: 'github', externalId: '77' });
    await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_approval');
    expect((await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER })).status).toBe(200);
    const issue = await h.waitForEnd(apiKey, id);
    const branch = branchName(organizationId, id);
    const pulls = github.pulls.filter((pull) => pull.head.ref === branch);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ base: { ref: 'main' }, draft: true, labels: ['agent', 'bug'] });
    expect(issue.pullRequestUrl).toBe(pulls[0]!.html_url);
    // The GitHub issue that started it hears where the fix is.
    expect(github.comments).toEqual(expect.arrayContaining([expect.objectContaining({ issue: 77, body: `Opened ${pulls[0]!.html_url} for this issue.` })]));

    // Published again (a retried or replayed activity): the ledger answers, nothing new is created.
    const posts = () => github.requests.filter((request) => request === 'POST /repos/acme/invoices/pulls').length;
    const postsBefore = posts();
    const activities = createActivities({
      db: h.db.db,
      llm: createAnthropicClient({ apiKey: 'k', baseUrl: h.fake.url, timeoutMs: 1000 }),
      models: MODELS,
      maxOutputTokens: 1024,
      ...testWorkspaceDeps(github.url),
    });
    const again = (await new MockActivityEnvironment().run(activities.publishChange, {
      organizationId,
      issueId: id,
      workflowId: issue.workflowId,
    })) as { url: string };
    expect(again.url).toBe(pulls[0]!.html_url);
    expect(posts()).toBe(postsBefore);
    expect(github.pulls.filter((pull) => pull.head.ref === branch)).toHaveLength(1);
    const effects = await h.db.db.select().from(sideEffects).where(eq(sideEffects.workflowId, issue.workflowId));
    // Each effect once: the comment, the PR, the push, and the round's test outcome (tests run once per round).
    expect(effects.map((effect) => effect.effect).sort()).toEqual(['issue_comment', 'pull_request', 'push', 'tests:round-0']);
    expect(github.comments.filter((comment) => comment.issue === 77)).toHaveLength(1);
  });

  it('finds a pull request opened before (by head branch) instead of opening a second', async () => {
    const { organizationId, apiKey } = await organizationWithRepository('github');
    scriptFix(h);
    const { id } = await h.submit(apiKey);
    await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_approval');
    const branch = branchName(organizationId, id);
    github.pulls.push({
      number: github.pulls.length + 1,
      html_url: `https://github.example/acme/invoices/pull/${github.pulls.length + 1}`,
      head: { ref: branch },
      base: { ref: 'main' },
      title: 'opened earlier',
      body: '',
      draft: true,
      state: 'open',
      labels: [],
    });
    expect((await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER })).status).toBe(200);
    const issue = await h.waitForEnd(apiKey, id);
    expect(github.pulls.filter((pull) => pull.head.ref === branch)).toHaveLength(1);
    expect(issue.pullRequestUrl).toBe(github.pulls.find((pull) => pull.head.ref === branch)?.html_url);
    const [effect] = await h.db.db
      .select()
      .from(sideEffects)
      .where(and(eq(sideEffects.workflowId, issue.workflowId), eq(sideEffects.effect, 'pull_request')));
    expect(effect?.result).toMatchObject({ created: false });
  });
});

describe('a worker crash between "pull request created" and "activity completed"', () => {
  let h: PipelineHarness;
  let github: FakeGitHub;
  let child: ChildProcess | undefined;
  let cleanup: () => void = () => undefined;
  beforeAll(async () => {
    github = await startFakeGitHub({ token: 'ghp_test_token' });
    h = await startPipelineHarness({ startWorker: false, githubApiUrl: github.url });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await h.close();
    await github.close();
    cleanup();
  });

  it('leaves exactly one pull request', async () => {
    const bare = await makeBareRepository(SAMPLE_REPO);
    cleanup = bare.cleanup;
    const { organizationId, apiKey } = await h.newOrganization({
      finalApproval: 'never',
      repository: {
        remote: bare.remote,
        baseBranch: 'main',
        host: 'github',
        github: { owner: 'acme', repo: 'invoices' },
        allowedCommands: [['node', '--test']],
        commandTimeoutSeconds: 60,
        pullRequest: { draft: false, labels: [] },
      },
    });
    h.fake.onTool('submit_classification', reply.classify());
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.research());
    h.fake.onTool('submit_change', reply.call('edit_file', FIX), reply.change({ diff: '' }));
    h.fake.onTool('submit_review', reply.review('approve'));

    child = await startWorkerProcess(h, { GITHUB_API_URL: github.url });
    const killed = new Promise<void>((resolve) => {
      github.onPullCreated = () => {
        child?.kill('SIGKILL'); // the PR exists; the activity never reports back
        resolve();
      };
    });

    const { id } = await h.submit(apiKey);
    await killed;
    github.onPullCreated = undefined;
    h.startWorker();
    const issue = await h.waitForEnd(apiKey, id, 90_000);

    const branch = branchName(organizationId, id);
    expect(github.pulls.filter((pull) => pull.head.ref === branch)).toHaveLength(1);
    expect(github.requests.filter((request) => request === 'POST /repos/acme/invoices/pulls')).toHaveLength(1);
    expect(issue).toMatchObject({ status: 'completed', pullRequestUrl: github.pulls.find((p) => p.head.ref === branch)?.html_url });
  });
});
