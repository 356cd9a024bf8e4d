import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DatabaseHandle } from '../../src/db/client';
import { getOrganization, issueApiKey, findPrincipalByApiKey } from '../../src/db/organizations';
import { addReviewer, findReviewer } from '../../src/db/people';
import { testEnv } from '../support/env';
import { createTestOrganization, openTestDatabase } from '../support/harness';

/**
 * `npm run admin` as an operator runs it (a child process on the real database): settings that
 * cannot be silently reset by a typo, secrets that are never printed, people who can be listed
 * and removed, and no second copy of the embedded database behind a running `npm run dev`.
 */
describe('admin commands', () => {
  let db: DatabaseHandle;
  let organizationId: string;
  const root = path.join(__dirname, '../..');

  beforeAll(async () => {
    db = await openTestDatabase();
    ({ organization: { id: organizationId } } = await createTestOrganization(db));
  });
  afterAll(() => db.close());

  async function admin(args: string[], env: Record<string, string | undefined> = { DATABASE_URL: testEnv('databaseUrl') }) {
    const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'src/main/admin.ts', ...args], { cwd: root, env: merged }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }
  const settings = async () => (await getOrganization(db.db, organizationId))!.settings as Record<string, unknown>;

  it('patches settings strictly, shows the change, and masks secrets', async () => {
    const set = await admin(['settings:set', organizationId, JSON.stringify({ budgetUsd: 7, erp: { webhookSecret: 'a-very-long-secret-value-1234' } })]);
    expect(set).toMatchObject({ code: 0, stdout: expect.stringContaining('budgetUsd: (unset) → 7') });
    expect(set.stdout).not.toContain('a-very-long-secret');

    // The typo of issue 15: refused by name, and nothing is reset.
    const typo = await admin(['settings:patch', organizationId, JSON.stringify({ budgetUSD: 10 })]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('budgetUSD: not a setting (check its spelling)');
    expect(await settings()).toMatchObject({ budgetUsd: 7 });
    const invalid = await admin(['settings:patch', organizationId, JSON.stringify({ limits: { issuesPerHour: 0 } })]);
    expect(invalid).toMatchObject({ code: 1, stderr: expect.stringContaining('limits.issuesPerHour') });

    // A patch merges: the secret and the budget stay; null removes a key.
    const patched = await admin(['settings:patch', organizationId, JSON.stringify({ maxReviewRounds: 1, erp: { callbackUrl: 'https://erp.example/cb' } })]);
    expect(patched.stdout).toContain('maxReviewRounds: (unset) → 1');
    expect(patched.stdout).toContain('erp.callbackUrl: (unset) → "https://erp.example/cb"');
    expect(await settings()).toEqual({ budgetUsd: 7, maxReviewRounds: 1, erp: { webhookSecret: 'a-very-long-secret-value-1234', callbackUrl: 'https://erp.example/cb' } });
    expect((await admin(['settings:patch', organizationId, '{"maxReviewRounds": null}'])).stdout).toContain('maxReviewRounds: 1 → (unset)');
    expect((await admin(['settings:patch', organizationId, '{"budgetUsd": 7}'])).stdout).toContain('no change');
    expect((await admin(['settings:patch', organizationId, '{budgetUsd: 7}'])).stderr).toContain('not JSON');

    const shown = await admin(['settings:get', organizationId]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ budgetUsd: 7, erp: { webhookSecret: '••••••••34', callbackUrl: 'https://erp.example/cb' } });
  }, 60_000);

  it('sets notification channels with the outbound URL rules, and never prints their secrets', async () => {
    const { organization } = await createTestOrganization(db);
    const slackUrl = 'https://hooks.slack.com/services/T0A1B2C3D/B0XYZ1234/cliSLACKtoken123456';
    const plain = await admin(['settings:patch', organization.id, JSON.stringify({ notifications: { slack: { webhookUrl: 'http://hooks.slack.com/services/T/B/X' } } })]);
    expect(plain).toMatchObject({ code: 1, stderr: expect.stringContaining('notifications.slack.webhookUrl: must be an https URL') });
    const internal = await admin(['settings:patch', organization.id, JSON.stringify({ notifications: { webhook: { url: 'https://169.254.169.254/latest', secret: 'cli-signing-secret-0123456' } } })]);
    expect(internal).toMatchObject({ code: 1, stderr: expect.stringContaining('169.254.169.254 is a link-local address') });
    const set = await admin(['settings:patch', organization.id, JSON.stringify({ notifications: { slack: { webhookUrl: slackUrl } } })]);
    expect(set.code).toBe(0);
    // OUTBOUND_ALLOW_PRIVATE: a receiver on this machine, for local testing.
    const local = await admin(['settings:patch', organization.id, JSON.stringify({ notifications: { webhook: { url: 'http://127.0.0.1:4000/hook', secret: 'cli-signing-secret-0123456' } } })], {
      DATABASE_URL: testEnv('databaseUrl'),
      OUTBOUND_ALLOW_PRIVATE: 'true',
    });
    expect(local.code).toBe(0);
    const shown = await admin(['settings:get', organization.id]);
    for (const output of [local.stdout, set.stdout, shown.stdout]) {
      expect(output).not.toContain('cli-signing-secret');
      expect(output).not.toContain('cliSLACKtoken');
    }
    expect(JSON.parse(shown.stdout)).toMatchObject({ notifications: { webhook: { url: 'http://127.0.0.1:4000/hook', secret: '••••••••56' }, slack: { webhookUrl: '••••••••56' } } });
  }, 60_000);

  it('lists organizations and reviewers, and removing a reviewer revokes the keys acting as them', async () => {
    await addReviewer(db.db, { organizationId, userId: 'erin', name: 'Erin', role: 'reviewer' });
    const personal = await issueApiKey(db.db, organizationId, 'erin-laptop', { scopes: ['review'], reviewerUserId: 'erin' });
    expect((await admin(['org:list'])).stdout).toContain(organizationId);
    expect((await admin(['reviewer:list', organizationId])).stdout).toMatch(/erin.*Erin.*reviewer/);
    const removed = await admin(['reviewer:remove', organizationId, 'erin']);
    expect(removed).toMatchObject({ code: 0, stdout: expect.stringContaining(`revoked their personal keys ${personal.id}`) });
    expect(await findReviewer(db.db, organizationId, 'erin')).toBeUndefined();
    expect(await findPrincipalByApiKey(db.db, personal.key)).toBeUndefined();
    expect(await admin(['reviewer:remove', organizationId, 'erin'])).toMatchObject({ code: 1, stderr: expect.stringContaining('erin is not a reviewer') });
  }, 60_000);

  it('refuses to open the embedded database another live process holds, and takes over a dead one’s lock', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'embedded-'));
    try {
      const lock = path.join(dataDir, 'pglite.lock');
      // As `npm run dev` (this test's own, live, process) would have written it.
      writeFileSync(lock, JSON.stringify({ pid: process.pid, command: 'dev.ts', since: '2026-12-04T06:00:00.000Z' }));
      const busy = await admin(['org:list'], { DATABASE_URL: undefined, DATA_DIR: dataDir });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`is open in another process (pid ${process.pid}: dev.ts`);
      expect(busy.stderr).toContain('Stop that process first');
      expect(busy.stderr).toContain(`delete ${lock}`);
      // A lock left by a process that is gone does not stand in the way.
      writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 - 7, command: 'dev.ts', since: '2026-12-04T06:00:00.000Z' }));
      expect(await admin(['org:list'], { DATABASE_URL: undefined, DATA_DIR: dataDir })).toMatchObject({ code: 0 });
      // A fresh clone has no data directory: the first command makes it.
      expect(await admin(['org:list'], { DATABASE_URL: undefined, DATA_DIR: path.join(dataDir, 'fresh', 'data') })).toMatchObject({ code: 0 });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('pauses and resumes an organization\'s agents, refusing bad stages and a switch it cannot send', async () => {
    const env = { DATABASE_URL: testEnv('databaseUrl'), TEMPORAL_ADDRESS: testEnv('temporalAddress') };
    const paused = await admin(['agents:pause', organizationId, '--stages', 'code,review', '--reason', 'model regression'], env);
    expect(paused).toMatchObject({ code: 0, stdout: expect.stringContaining(`${organizationId}: running; disabled stages: code, review; reason: model regression (by cli `) });
    expect(paused.stdout).toContain(`sent to running issues by workflow agent-controls:${organizationId}`);
    const state = await admin(['agents:state', organizationId], env);
    expect(state.stdout).toContain('in effect: running; disabled stages: code, review; reason: model regression');
    expect(state.stdout).toContain('installation: running; disabled stages: none');

    expect(await admin(['agents:pause', organizationId, '--stages', 'deploy'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('stages: classify, triage, research, code, review') });
    expect(await admin(['agents:pause', 'no-such-org'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('no organization no-such-org') });
    // Without Temporal the installation's switch is refused before anything is stored.
    expect(await admin(['agents:pause', '--all'], { DATABASE_URL: testEnv('databaseUrl'), TEMPORAL_ADDRESS: undefined })).toMatchObject({ code: 1, stderr: expect.stringContaining('TEMPORAL_ADDRESS is not set') });
    expect((await admin(['agents:state', '--all'], env)).stdout).toContain('installation: running; disabled stages: none');

    const resumed = await admin(['agents:resume', organizationId], env);
    expect(resumed).toMatchObject({ code: 0, stdout: expect.stringContaining(`${organizationId}: running; disabled stages: none`) });
  });
});
