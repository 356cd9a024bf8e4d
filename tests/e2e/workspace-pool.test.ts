import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listToolCalls } from '../../src/db/agent-transcripts';
import { latestArtifact } from '../../src/db/artifacts';
import { listLogs } from '../../src/db/logs';
import type { CommandSandbox, SandboxCommand } from '../../src/sandbox/sandbox';
import { createWorkspaceWorkers, hostQueueName, type WorkspaceWorkers } from '../../src/temporal/workspace-workers';
import { createTransferStore } from '../../src/workspace/transfers';
import { requireActivityPollers } from '../../src/temporal/pollers';
import { makeBareRepository } from '../support/git-fixture';
import { eventually, recordHistoryIfAsked, testSandbox, uniqueId } from '../support/harness';
import { testEnv } from '../support/env';
import { type PipelineHarness, pipelineSuite, reply, REVIEWER, SAMPLE_REPO } from '../support/pipeline';

/**
 * Worker pools (README "Worker pools") on the real Temporal server: the orchestration worker
 * (database, model key, code-host token) never runs a command on repository content; a
 * workspace worker started with no secret in its environment clones, edits, runs the
 * commands and the tests and commits, and the pull request is opened from what it committed.
 * An issue whose capability has no worker says so and waits; a workspace stays on the host
 * that opened it, and when that host is gone it is opened again on another, from the last commit.
 */

/** The orchestration worker's sandbox: it records what it is asked to run (it must be nothing). */
function recordingSandbox(inner: CommandSandbox): { sandbox: CommandSandbox; ran: string[][] } {
  const ran: string[][] = [];
  const sandbox: CommandSandbox = {
    kind: inner.kind,
    ...(inner.fileOwner ? { fileOwner: inner.fileOwner } : {}),
    describe: () => inner.describe(),
    run: (command: SandboxCommand) => {
      ran.push(command.argv);
      return inner.run(command);
    },
    stopWorkspace: (hostPath: string) => inner.stopWorkspace(hostPath),
  };
  return { sandbox, ran };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'workspace-pool-'));
fs.chmodSync(tmp, 0o755);
const transferDir = path.join(tmp, 'transfers');
const poolQueue = uniqueId('workspace');
const orchestration = recordingSandbox(testSandbox());

describe('worker pools', () => {
  const suite = pipelineSuite({
    workspacePool: { taskQueue: poolQueue, capabilities: ['python'], poolPickupSeconds: 2, hostPickupSeconds: 5 },
    transferDir,
    sandbox: orchestration.sandbox,
  });
  let h: PipelineHarness;
  beforeAll(() => {
    h = suite.harness();
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function organization(settings: Record<string, unknown> = {}) {
    const { remote, cleanup } = await makeBareRepository(SAMPLE_REPO);
    suite.cleanups.push(cleanup);
    return h.newOrganization({
      finalApproval: 'never',
      repository: {
        remote,
        baseBranch: 'main',
        host: 'local',
        testCommand: ['node', '--test'],
        allowedCommands: [['node', '--test'], ['node', '-e']],
        commandTimeoutSeconds: 60,
      },
      ...settings,
    });
  }

  /** A workspace worker process, its environment only what it needs: no secret at all. */
  function startWorkspaceWorkerProcess(extra: Record<string, string> = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../../src/main/workspace-worker.ts')], {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: tmp,
        TEMPORAL_ADDRESS: testEnv('temporalAddress'),
        WORKSPACE_TASK_QUEUE: poolQueue,
        WORKSPACES_DIR: path.join(tmp, 'process-workspaces'),
        TRANSFER_DIR: transferDir,
        DATA_DIR: path.join(tmp, 'process-data'),
        SANDBOX_EGRESS_ALLOW_PRIVATE: 'true',
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, output: () => output, exited };
  }

  /** A workspace "host" in this process: its own workspaces directory, the shared transfer directory. */
  async function startHost(name: string, queues: string[]): Promise<WorkspaceWorkers & { dir: string; running: Promise<void> }> {
    const dir = path.join(tmp, `host-${name}`);
    const workers = await createWorkspaceWorkers({
      connection: h.temporal.nativeConnection,
      namespace: 'default',
      queues,
      hostQueue: hostQueueName(poolQueue),
      deps: { sandbox: testSandbox(), workspacesDir: dir, transfers: createTransferStore(transferDir) },
    });
    return { ...workers, dir, running: workers.run() };
  }

  it('refuses to start a workspace worker that holds a secret', async () => {
    const started = startWorkspaceWorkerProcess({ DATABASE_URL: 'postgres://orchestrator:hunter2@db/app', GITHUB_TOKEN: 'ghp_x', ERP_SHARED_SECRET: 'x' });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('must hold no secrets; unset DATABASE_URL, ERP_SHARED_SECRET, GITHUB_TOKEN');
    expect(started.output()).not.toContain('hunter2');
  });

  it('runs the repository work on a workspace worker without secrets; the orchestration worker runs no command', async () => {
    const worker = startWorkspaceWorkerProcess();
    try {
      const { organizationId, apiKey } = await organization();
      h.fake.onTool('submit_classification', reply.classify());
      h.fake.onTool('submit_triage', reply.triage());
      h.fake.onTool('submit_research', reply.calls(['list_files', { path: 'src' }], ['search_files', { pattern: 'Math.round' }]), reply.research());
      h.fake.onTool(
        'submit_change',
        reply.call('read_file', { path: 'src/invoice.js', startLine: 1, endLine: 20 }),
        reply.calls(
          ['edit_file', { path: 'src/invoice.js', oldText: 'total += Math.round(line.quantity * line.unitPriceCents);', newText: 'total += line.quantity * line.unitPriceCents;' }],
          ['edit_file', { path: 'src/invoice.js', oldText: '  return total;', newText: '  return Math.round(total);' }],
        ),
        reply.calls(['run_command', { argv: ['node', '-e', 'console.log(Object.keys(process.env).sort().join(","))'] }], ['diff', {}]),
        reply.change(),
      );
      h.fake.onTool('submit_review', reply.review('approve'));
      const { id, workflowId } = await h.submit(apiKey);
      const ended = await h.waitForEnd(apiKey, id, 120_000);
      expect(ended).toMatchObject({ status: 'completed' });
      await recordHistoryIfAsked(h.temporal.client, workflowId, 'issue-workspace-pool');
      expect(ended.pullRequestUrl).toEqual(expect.any(String));

      const calls = await listToolCalls(h.db.db, { organizationId, issueId: id });
      expect(calls.filter((call) => call.isError === 1)).toEqual([]);
      const command = calls.find((call) => call.name === 'run_command');
      expect(command).toMatchObject({ executions: 1, output: expect.stringContaining('exit code 0') });
      // What the command saw: the sandbox's environment, nothing of either worker's.
      expect(command?.output).not.toMatch(/DATABASE|ANTHROPIC|GITHUB|TEMPORAL/);
      expect(calls.find((call) => call.name === 'diff')?.output).toContain('+    total += line.quantity * line.unitPriceCents;');
      expect(calls.find((call) => call.name === 'search_files')?.output).toContain('src/invoice.js');

      const change = await latestArtifact(h.db.db, organizationId, id, 'CODE_CHANGE');
      expect(change?.diffPatch).toContain('+    total += line.quantity * line.unitPriceCents;');
      expect(change?.metadata).toMatchObject({ testsPassed: true, testSummary: expect.stringContaining('node --test: passed') });
      const log = (await listLogs(h.db.db, organizationId, id, 200)).map((line) => line.message);
      expect(log.some((line) => line.startsWith('workspace exported for a workspace worker'))).toBe(true);

      // Every command on repository content ran on the workspace worker, none here.
      expect(orchestration.ran).toEqual([]);
      // The issue ended: its transfers are gone from the store and (right after) its workspace from the host.
      expect(fs.existsSync(path.join(transferDir, organizationId, id))).toBe(false);
      const workspace = path.join(tmp, 'process-workspaces', organizationId, id);
      expect(await eventually(async () => fs.existsSync(workspace), (present) => !present, 20_000)).toBe(false);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });

  it('waits, visibly, while no worker serves the issue\'s capability, and goes on when one starts', async () => {
    const { apiKey } = await organization();
    h.fake.onTool('submit_classification', reply.classify({ capabilities: ['Python', 'sql'] }));
    h.fake.onTool('submit_triage', reply.triage());
    h.fake.onTool('submit_research', reply.call('read_file', { path: 'src/invoice.js' }), reply.research());
    h.fake.onTool('submit_change', reply.call('write_file', { path: 'NOTES.md', content: 'python pool\n' }), reply.change({ filesChanged: ['NOTES.md'] }));
    h.fake.onTool('submit_review', reply.review('approve'));
    const { id } = await h.submit(apiKey);
    const pythonQueue = `${poolQueue}-python`;
    const waiting = await h.waitFor(apiKey, id, (issue) => issue.currentStep === `waiting for a workspace worker on task queue ${pythonQueue}`, 60_000);
    expect(waiting.status).toBe('processing');
    // /health's workspaceWorkers check says which pool has nobody.
    await expect(requireActivityPollers(h.temporal.client, [pythonQueue])).rejects.toThrow(`no workspace worker has polled ${pythonQueue} in the last 90 s`);
    // The default pool's worker does not take it.
    const defaultHost = await startHost('default', [poolQueue]);
    const python = await startHost('python', [pythonQueue]);
    try {
      // Both pools are polled now. (The tests' server lists a poller for 3 s after its long poll
      // began, not minutes: checked as the workers start.)
      const polled = () => requireActivityPollers(h.temporal.client, [pythonQueue, poolQueue]).then(() => true, () => false);
      expect(await eventually(polled, Boolean, 10_000)).toBe(true);
      expect(await h.waitForEnd(apiKey, id, 120_000)).toMatchObject({ status: 'completed' });
      expect(fs.existsSync(defaultHost.dir) ? fs.readdirSync(defaultHost.dir) : []).toEqual([]);
    } finally {
      defaultHost.shutdown();
      python.shutdown();
      await Promise.all([defaultHost.running, python.running]);
    }
    expect(orchestration.ran).toEqual([]);
  });

  it('keeps a workspace on its host, and opens it again on another from the last commit when that host is killed', async () => {
    const { organizationId, apiKey } = await organization({ finalApproval: 'required' });
    const firstDir = path.join(tmp, 'host-first');
    const first = startWorkspaceWorkerProcess({ WORKSPACES_DIR: firstDir });
    let second: ReturnType<typeof startWorkspaceWorkerProcess> | undefined;
    try {
      h.fake.onTool('submit_classification', reply.classify());
      h.fake.onTool('submit_triage', reply.triage());
      h.fake.onTool('submit_research', reply.call('read_file', { path: 'README.md' }), reply.research());
      h.fake.onTool(
        'submit_change',
        reply.call('write_file', { path: 'ROUND1.md', content: 'first round\n' }),
        reply.change({ filesChanged: ['ROUND1.md'] }),
        reply.calls(['read_file', { path: 'ROUND1.md' }], ['write_file', { path: 'ROUND2.md', content: 'second round\n' }]),
        reply.change({ filesChanged: ['ROUND2.md'] }),
      );
      h.fake.onTool('submit_review', reply.review('approve'), reply.review('approve'));
      const { id, workflowId } = await h.submit(apiKey);
      await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_approval', 90_000);
      // Round one was made and committed on the first host.
      expect(fs.existsSync(path.join(firstDir, organizationId, id, 'ROUND1.md'))).toBe(true);

      // The first host dies (SIGKILL) while the issue waits for a person; another one starts.
      first.child.kill('SIGKILL');
      await first.exited;
      second = startWorkspaceWorkerProcess({ WORKSPACES_DIR: path.join(tmp, 'host-second') });
      expect((await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'request_changes', reviewer: REVIEWER, comment: 'Add round two' })).status).toBe(200);
      await h.waitFor(apiKey, id, (issue) => issue.status === 'awaiting_approval' && issue.round === 1, 90_000);
      expect((await h.post(apiKey, `/api/issues/${id}/approval`, { decision: 'approve', reviewer: REVIEWER })).status).toBe(200);
      expect(await h.waitForEnd(apiKey, id, 90_000)).toMatchObject({ status: 'completed' });
      await recordHistoryIfAsked(h.temporal.client, workflowId, 'issue-workspace-pool-reopened');

      // Opened again on the second host from round one's commit: round two read it there, and both rounds are in the change.
      const calls = await listToolCalls(h.db.db, { organizationId, issueId: id });
      expect(calls.find((call) => call.name === 'read_file' && JSON.stringify(call.input).includes('ROUND1.md'))).toMatchObject({ isError: 0, output: expect.stringContaining('first round') });
      const change = await latestArtifact(h.db.db, organizationId, id, 'CODE_CHANGE');
      expect(change?.diffPatch).toContain('+first round');
      expect(change?.diffPatch).toContain('+second round');
      const log = (await listLogs(h.db.db, organizationId, id, 200)).map((line) => line.message);
      expect(log.filter((line) => line.startsWith('workspace exported for a workspace worker'))).toHaveLength(2);
      expect(orchestration.ran).toEqual([]);
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGTERM');
      await Promise.all([first.exited, second?.exited]);
    }
  });
});
