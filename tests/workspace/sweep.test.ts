import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseHandle } from '../../src/db/client';
import { insertIssueIfAbsent, recordIssueOutcome } from '../../src/db/issues';
import { mirrorDir, prepareWorkspace, workspaceDir } from '../../src/workspace/git';
import { sweepWorkspaces } from '../../src/workspace/sweep';
import { createTransferStore } from '../../src/workspace/transfers';
import { makeBareRepository } from '../support/git-fixture';
import { createTestOrganization, newTestIssue, openTestDatabase } from '../support/harness';
import { SAMPLE_REPO } from '../support/pipeline';

/** The workspace sweep on real directories and the real issues table. */
describe('workspace sweep', () => {
  let db: DatabaseHandle;
  let tmp: string;
  let remote: string;
  let cleanupRemote: () => void;
  let organizationId: string;

  beforeAll(async () => {
    db = await openTestDatabase();
    ({ remote, cleanup: cleanupRemote } = await makeBareRepository(SAMPLE_REPO));
    organizationId = (await createTestOrganization(db)).organization.id;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-'));
  });
  afterAll(async () => {
    cleanupRemote();
    fs.rmSync(tmp, { recursive: true, force: true });
    await db.close();
  });

  async function issueWithRepositories() {
    const { issue } = await insertIssueIfAbsent(db.db, newTestIssue(organizationId));
    const spec = { workspacesRoot: path.join(tmp, 'workspaces'), mirrorsRoot: path.join(tmp, 'mirrors'), organizationId, issueId: issue.id, remote, baseBranch: 'main' };
    await prepareWorkspace(spec);
    return { issue, spec };
  }

  it('removes what belongs to ended or unknown issues and idle workspaces; keeps running work', async () => {
    const running = await issueWithRepositories();
    const ended = await issueWithRepositories();
    const idle = await issueWithRepositories();
    await recordIssueOutcome(db.db, { organizationId, issueId: ended.issue.id }, { status: 'completed', summary: 'done', error: null });
    const orphan = path.join(tmp, 'workspaces', organizationId, '00000000-0000-4000-8000-000000000000');
    fs.mkdirSync(orphan, { recursive: true });
    const longAgo = new Date(Date.now() - 10 * 3_600_000);
    fs.utimesSync(workspaceDir(idle.spec), longAgo, longAgo);

    // Bundles handed to and from a workspace pool: an ended issue's go, a running one's stay.
    const transfers = createTransferStore(path.join(tmp, 'transfers'));
    const bundle = (name: string) => {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, name);
      return file;
    };
    const runningTransfer = await transfers.put({ organizationId, issueId: running.issue.id }, bundle('running.bundle'));
    const endedTransfer = await transfers.put({ organizationId, issueId: ended.issue.id }, bundle('ended.bundle'));

    const removed = await sweepWorkspaces({ db: db.db, workspacesDir: path.join(tmp, 'workspaces'), mirrorsDir: path.join(tmp, 'mirrors'), transferDir: transfers.root, ttlMs: 3_600_000 });
    expect(removed).toEqual({ workspaces: 3, mirrors: 1, transfers: 1 });
    await expect(transfers.open(runningTransfer, { organizationId, issueId: running.issue.id })).resolves.toEqual(expect.any(String));
    await expect(transfers.open(endedTransfer, { organizationId, issueId: ended.issue.id })).rejects.toThrow('is not in');
    expect(fs.existsSync(workspaceDir(running.spec))).toBe(true);
    expect(fs.existsSync(mirrorDir(running.spec))).toBe(true);
    expect(fs.existsSync(workspaceDir(ended.spec))).toBe(false);
    expect(fs.existsSync(mirrorDir(ended.spec))).toBe(false);
    expect(fs.existsSync(orphan)).toBe(false);
    // The idle issue goes on: its mirror stays, and its workspace is cloned again on next use.
    expect(fs.existsSync(workspaceDir(idle.spec))).toBe(false);
    expect(fs.existsSync(mirrorDir(idle.spec))).toBe(true);
    const again = await prepareWorkspace(idle.spec);
    expect(again.created).toBe(true);
  });
});
