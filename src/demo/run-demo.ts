import { randomBytes } from 'node:crypto';
import type { CommandSandbox } from '../sandbox/sandbox';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { listToolCalls } from '../db/agent-transcripts';
import { latestArtifact } from '../db/artifacts';
import type { DatabaseHandle } from '../db/client';
import { issueCostTotals } from '../db/llm-calls';
import { createOrganization, issueApiKey } from '../db/organizations';
import { addReviewer } from '../db/people';
import { localPullRequests, organizations } from '../db/schema';
import { type FakeReply, startFakeAnthropic } from '../fakes/fake-anthropic';
import type { IssueView } from '../issues/service';
import { buildApp, buildServices } from '../main/build';
import { createAnthropicClient } from '../llm/anthropic';
import { createIssueWorker } from '../temporal/worker';
import { git } from '../workspace/git';

/**
 * The offline demo: a real bug in examples/invoice-service, fixed end to end by the real
 * pipeline — HTTP API, Temporal, activities, workspace, tests, review, approval, pull
 * request — with RECORDED model replies served by the local fake Claude.
 */

export const EXAMPLE_REPOSITORY = path.resolve(__dirname, '../../examples/invoice-service');
export const RECORDED_SCRIPT = path.resolve(__dirname, '../../examples/invoice-service.recorded-claude.json');
const REVIEWER = 'demo-reviewer';

export interface DemoOptions {
  temporal: { client: Client; connection: NativeConnection; namespace: string };
  db: DatabaseHandle;
  /** Scratch space: the bare "remote" and the workspaces. */
  workDir: string;
  workflowBundle?: { codePath: string };
  /** Where the example's tests and git run (the configured sandbox). */
  sandbox: CommandSandbox;
  log: (line: string) => void;
  timeoutMs?: number;
}

export interface DemoResult {
  issueId: string;
  organizationId: string;
  status: string;
  pullRequestUrl: string | null;
  branch: string;
  diff: string;
  testsBefore: string;
  testsAfter: string;
  costUsd: number;
  modelCalls: number;
}

interface RecordedScript {
  issue: Record<string, unknown>;
  replies: Record<string, FakeReply[]>;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { db, log } = options;
  const script = JSON.parse(fs.readFileSync(RECORDED_SCRIPT, 'utf8')) as RecordedScript;
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const taskQueue = `demo-${run}`;
  const cleanups: Array<() => Promise<unknown>> = [];

  try {
    // 1. The "remote": a bare copy of the example repository.
    const remote = await makeBareRemote(EXAMPLE_REPOSITORY, path.join(options.workDir, 'remotes', `invoice-service-${run}.git`));
    log(`repository   ${remote} (a bare copy of examples/invoice-service; base branch main)`);

    // 2. An organization that works on it, with a reviewer and a key.
    const organizationId = `demo-${run}`;
    await createOrganization(db.db, { id: organizationId, name: 'Demo organization', tier: 'enterprise' });
    await db.db
      .update(organizations)
      .set({
        settings: {
          clarification: 'autonomous',
          finalApproval: 'required',
          repository: { remote, baseBranch: 'main', host: 'local', testCommand: ['node', '--test'], allowedCommands: [['node', '--test']] },
        },
      })
      .where(eq(organizations.id, organizationId));
    await addReviewer(db.db, { organizationId, userId: REVIEWER, name: 'Demo reviewer' });
    const { key } = await issueApiKey(db.db, organizationId, 'demo', { scopes: ['issues:write', 'review'], reviewerUserId: REVIEWER });

    // 3. The fake Claude with the recorded replies, a worker and the HTTP API.
    const fake = await startFakeAnthropic();
    cleanups.push(() => fake.close());
    for (const [queue, replies] of Object.entries(script.replies)) fake.onTool(queue, ...replies);
    const activities = createActivities({
      db: db.db,
      llm: createAnthropicClient({ apiKey: undefined, baseUrl: fake.url, timeoutMs: 60_000 }),
      models: { small: 'claude-haiku-4-5', medium: 'claude-sonnet-4-6', large: 'claude-opus-4-6' },
      maxOutputTokens: 4096,
      workspacesDir: path.join(options.workDir, 'workspaces'),
      mirrorsDir: path.join(options.workDir, 'git-mirrors'),
      sandbox: options.sandbox,
      github: { token: undefined, apiUrl: 'https://api.github.com' },
      publicBaseUrl: 'http://127.0.0.1',
    });
    const { worker } = await createIssueWorker({
      connection: options.temporal.connection,
      namespace: options.temporal.namespace,
      taskQueue,
      activities,
      workflowBundle: options.workflowBundle,
    });
    const workerRun = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });
    const services = buildServices({ db: db.db, temporal: options.temporal.client, taskQueue, publicBaseUrl: 'http://127.0.0.1', namespace: options.temporal.namespace });
    const app = buildApp(services, { db: db.db, health: async () => ({}) });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    const api = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const call = async (method: string, urlPath: string, body?: unknown) => {
      const response = await fetch(`${api}${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${method} ${urlPath} answered ${response.status}: ${JSON.stringify(json)}`);
      return json;
    };

    // 4. Submit through the HTTP API, approve when asked, wait for the pull request.
    const submitted = await call('POST', '/api/issues', { ...script.issue, externalId: `${String(script.issue['externalId'])}-${run}` });
    const issueId = String(submitted['id']);
    log(`issue        ${issueId} submitted over HTTP (POST ${api}/api/issues) → workflow ${String(submitted['workflowId'])}`);
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    let issue = (await call('GET', `/api/issues/${issueId}`)) as unknown as IssueView;
    let lastStep = '';
    while (!['completed', 'failed', 'rejected', 'cancelled', 'needs_info', 'approval_expired'].includes(issue.status)) {
      if (Date.now() > deadline) throw new Error(`demo timed out; the issue is ${issue.status} (${issue.currentStep})`);
      if (issue.currentStep !== lastStep) {
        log(`  … ${issue.status.padEnd(17)} ${issue.currentStep}`);
        lastStep = issue.currentStep;
      }
      if (issue.status === 'awaiting_approval' && issue.pending?.kind === 'approval') {
        log(`  … approving the ${issue.pending.gate} gate as ${REVIEWER} (POST /api/issues/${issueId}/approval)`);
        await call('POST', `/api/issues/${issueId}/approval`, { decision: 'approve', reviewer: REVIEWER, comment: 'Approved by the demo' });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      issue = (await call('GET', `/api/issues/${issueId}`)) as unknown as IssueView;
    }

    // 5. What happened, from Postgres.
    const runs = (await listToolCalls(db.db, { organizationId, issueId })).filter((c) => c.name === 'run_command' && c.output);
    const change = await latestArtifact(db.db, organizationId, issueId, 'CODE_CHANGE');
    const cost = await issueCostTotals(db.db, organizationId, issueId);
    const branch = String(change?.metadata['branch'] ?? '');
    const [pr] = await db.db.select().from(localPullRequests).where(eq(localPullRequests.head, branch));
    return {
      issueId,
      organizationId,
      status: issue.status,
      pullRequestUrl: issue.pullRequestUrl ?? (pr ? `local pull request #${pr.number}` : null),
      branch,
      diff: change?.diffPatch ?? '',
      testsBefore: runs[0]?.output ?? '(not run)',
      testsAfter: String(change?.metadata['testSummary'] ?? runs.at(-1)?.output ?? '(not run)'),
      costUsd: cost.costUsd,
      modelCalls: cost.calls,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

async function makeBareRemote(source: string, target: string): Promise<string> {
  const seed = `${target}.seed`;
  fs.rmSync(seed, { recursive: true, force: true });
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(source, seed, { recursive: true });
  await git(seed, ['init', '--quiet', '--initial-branch', 'main']);
  await git(seed, ['add', '--all']);
  await git(seed, ['commit', '--quiet', '-m', 'invoice-service: initial import'], { config: ['user.name=Demo', 'user.email=demo@example.com'] });
  await git(path.dirname(target), ['clone', '--quiet', '--bare', seed, target]);
  fs.rmSync(seed, { recursive: true, force: true });
  return target;
}

/** The demo's report, for people. */
export function formatDemoReport(result: DemoResult): string {
  const firstLines = (text: string, n: number) => text.split('\n').slice(0, n).join('\n');
  return [
    '',
    '══ Demo result (model responses were RECORDED, served by a local fake Claude) ══',
    `status        ${result.status}`,
    `pull request  ${result.pullRequestUrl ?? '(none)'}`,
    `branch        ${result.branch}`,
    `cost          $${result.costUsd.toFixed(4)} over ${result.modelCalls} model calls (priced as if real)`,
    '',
    'tests before the fix (the agent ran them):',
    indent(firstLines(result.testsBefore, 12)),
    '',
    'tests after the fix (run before the commit):',
    indent(firstLines(result.testsAfter, 12)),
    '',
    'diff:',
    indent(result.diff.trimEnd()),
    '',
  ].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
