import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, secretsInWorkspaceWorkerEnvironment, workspacePoolPolicy, workspaceWorkerQueues } from '../../src/config';
import { createTransferStore, TransferError } from '../../src/workspace/transfers';
import { resolvePolicy } from '../../src/contracts/policy';
import { workspaceQueueFor } from '../../workflows/shared/workspace-pool';

/** The workspace pool's configuration, routing and transfer store (README "Worker pools"). */
describe('workspace pool configuration', () => {
  it('is off unless WORKSPACE_TASK_QUEUE is set, and names the pools an API routes to', () => {
    expect(workspacePoolPolicy(loadConfig({}))).toBeUndefined();
    expect(workspacePoolPolicy(loadConfig({ WORKSPACE_TASK_QUEUE: 'ws', WORKSPACE_CAPABILITIES: 'TypeScript, python,default' }))).toEqual({
      taskQueue: 'ws',
      capabilities: ['typescript', 'python'],
      poolPickupSeconds: 60,
      hostPickupSeconds: 120,
    });
  });

  it('gives a workspace worker the queues of its capabilities, or the default pool', () => {
    expect(workspaceWorkerQueues(loadConfig({}))).toEqual(['agent-orchestrator-workspace']);
    expect(workspaceWorkerQueues(loadConfig({ WORKSPACE_TASK_QUEUE: 'ws', WORKSPACE_CAPABILITIES: 'python,default' }))).toEqual(['ws-python', 'ws']);
  });

  it('refuses capability names that are not queue suffixes, and bad queue names', () => {
    expect(() => loadConfig({ WORKSPACE_CAPABILITIES: 'c++,ok' })).toThrow(ConfigError);
    expect(() => loadConfig({ WORKSPACE_CAPABILITIES: '../x' })).toThrow(/WORKSPACE_CAPABILITIES: \.\.\/x/);
    expect(() => loadConfig({ WORKSPACE_TASK_QUEUE: 'a queue' })).toThrow(/WORKSPACE_TASK_QUEUE/);
  });

  it('finds every secret a workspace worker must not hold, and lets Temporal\'s own credential through', () => {
    const env = {
      PATH: '/usr/bin',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_API_KEY: 'tmprl-key',
      DATABASE_URL: 'postgres://x',
      PGPASSWORD: 'pw',
      ANTHROPIC_API_KEY: 'sk-ant',
      GITHUB_TOKEN: 'ghp',
      ERP_WEBHOOK_SECRET: 's',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=v',
      SOME_PASSWORD: 'p',
      AWS_SECRET_ACCESS_KEY: 'k',
      EMPTY_TOKEN: '',
    };
    expect(secretsInWorkspaceWorkerEnvironment(env)).toEqual(['ANTHROPIC_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'DATABASE_URL', 'ERP_WEBHOOK_SECRET', 'GITHUB_TOKEN', 'OTEL_EXPORTER_OTLP_HEADERS', 'PGPASSWORD', 'SOME_PASSWORD']);
    expect(secretsInWorkspaceWorkerEnvironment({ PATH: '/usr/bin', TEMPORAL_API_KEY: 'k', WORKSPACES_DIR: '/w' })).toEqual([]);
  });

  it('routes an issue to the pool of its first capability that has one, else the default', () => {
    const pool = { taskQueue: 'ws', capabilities: ['python', 'typescript'] };
    expect(workspaceQueueFor(pool, ['sql', ' TypeScript ', 'python'])).toBe('ws-typescript');
    expect(workspaceQueueFor(pool, ['rust'])).toBe('ws');
    expect(workspaceQueueFor(pool, [])).toBe('ws');
    // The organization's own come first; one without a pool is passed over.
    expect(workspaceQueueFor({ ...pool, preferred: ['go', 'python'] }, ['typescript'])).toBe('ws-python');
  });

  it("puts the organization's repository capabilities into the pool's policy, and refuses bad names", () => {
    const pool = { taskQueue: 'ws', capabilities: ['python'] };
    expect(resolvePolicy('pro', { repository: { capabilities: ['python'] } }, { workspacePool: pool }).workspacePool).toEqual({ ...pool, preferred: ['python'] });
    expect(resolvePolicy('pro', {}, { workspacePool: pool }).workspacePool).toEqual(pool);
    expect(resolvePolicy('pro', { repository: { capabilities: ['python'] } }).workspacePool).toBeUndefined();
    expect(() => resolvePolicy('pro', { repository: { capabilities: ['Py Thon'] } })).toThrow();
  });
});

describe('transfer store', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'transfers-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function file(content: string): string {
    const at = path.join(root, `in-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(at, content);
    return at;
  }

  it('hands over a file by its ref, and removes an issue\'s files', async () => {
    const store = createTransferStore(path.join(root, 'store'));
    const source = file('bundle bytes');
    const ref = await store.put({ organizationId: 'org-1', issueId: 'issue-1' }, source);
    expect(fs.existsSync(source)).toBe(false);
    expect(ref).toMatchObject({ key: expect.stringMatching(/^org-1\/issue-1\/[0-9a-f-]{36}\.bundle$/), bytes: 12 });
    expect(fs.readFileSync(await store.open(ref, { organizationId: 'org-1', issueId: 'issue-1' }), 'utf8')).toBe('bundle bytes');
    // A ref handed back for another issue (or tenant) is refused.
    await expect(store.open(ref, { organizationId: 'org-2', issueId: 'issue-1' })).rejects.toThrow("is not issue issue-1's");
    await store.removeIssue({ organizationId: 'org-1', issueId: 'issue-1' });
    await expect(store.open(ref, { organizationId: 'org-1', issueId: 'issue-1' })).rejects.toThrow(/is not in/);
  });

  it('refuses a file changed after it was handed over', async () => {
    const store = createTransferStore(path.join(root, 'store'));
    const ref = await store.put({ organizationId: 'org-1', issueId: 'issue-1' }, file('the real bundle'));
    fs.writeFileSync(path.join(store.root, ref.key), 'the real bundlE');
    await expect(store.open(ref, { organizationId: 'org-1', issueId: 'issue-1' })).rejects.toThrow(new TransferError(`transfer ${ref.key} does not match its digest: refused`));
  });

  it('refuses keys and owners that would leave the store', async () => {
    const store = createTransferStore(path.join(root, 'store'));
    fs.writeFileSync(path.join(root, 'secret'), 'x');
    const sha256 = 'a'.repeat(64);
    await expect(store.open({ key: '../secret', sha256, bytes: 1 }, { organizationId: 'org', issueId: 'issue' })).rejects.toThrow(TransferError);
    await expect(store.open({ key: 'org/issue/../../../secret', sha256, bytes: 1 }, { organizationId: 'org', issueId: 'issue' })).rejects.toThrow(TransferError);
    await expect(store.put({ organizationId: '..', issueId: 'x' }, file('y'))).rejects.toThrow('invalid transfer owner');
    await expect(store.removeIssue({ organizationId: 'org', issueId: '../..' })).rejects.toThrow('invalid transfer owner');
  });
});
