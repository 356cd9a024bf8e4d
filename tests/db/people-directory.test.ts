import { eq } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../../src/db/client';
import { addReviewer, removeReviewer } from '../../src/db/people';
import { organizations } from '../../src/db/schema';
import { listeningPeopleDirectory, type PeopleDirectory } from '../../src/identity/people-directory';
import { createPeopleActivities } from '../../activities/people';
import { accessChangesHeard } from '../support/access-changes';
import { testEnv } from '../support/env';
import { createTestOrganization, eventually, openTestDatabase } from '../support/harness';

/**
 * The API and the worker find people (who is a reviewer, with which role, and what the
 * organization lets each role do) in a notification-fed cache. Its danger is a removed or
 * demoted person who keeps acting: these tests change people and settings through a second
 * connection — as the admin CLI or another process would — and require the cache to stop
 * serving the old answer once Postgres announces the change (migrations 0011 and 0019).
 */
describe('people directory', () => {
  let worker: DatabaseHandle; // the caching process's connection (its statements on reviewers counted)
  let admin: DatabaseHandle; // another process changing people and settings
  let people: PeopleDirectory;
  let statements = 0;

  beforeAll(async () => {
    worker = await openDatabase({ url: testEnv('databaseUrl'), pgliteDir: '', poolSize: 2, onQuery: (query) => void (query.includes('"reviewers"') && (statements += 1)) });
    admin = await openTestDatabase();
    people = await listeningPeopleDirectory(worker);
  });
  afterAll(async () => {
    await people.close();
    await worker.close();
    await admin.close();
  });

  /** Until `check` holds, for at most a second: the notification is asynchronous but takes milliseconds. */
  const within = (check: () => Promise<boolean>) => eventually(check, (held) => held, 1_000);

  async function organizationWith(userId: string, role: 'reviewer' | 'admin' = 'reviewer') {
    const { organization } = await createTestOrganization(admin);
    await addReviewer(admin.db, { organizationId: organization.id, userId, name: userId, role });
    await accessChangesHeard(worker); // the additions are announced too: heard before anything is cached
    return organization.id;
  }

  it('answers repeated checks without a statement, the role and the settings from one', async () => {
    const organizationId = await organizationWith('rita');
    await admin.db.update(organizations).set({ settings: { permissions: { answer: ['admin'] } } }).where(eq(organizations.id, organizationId));
    await accessChangesHeard(worker);
    statements = 0;
    for (let n = 0; n < 5; n += 1) {
      expect(await people.find(organizationId, 'rita')).toMatchObject({ reviewer: { userId: 'rita', role: 'reviewer' }, settings: { permissions: { answer: ['admin'] } } });
    }
    expect(statements).toBe(1);
  });

  it("the worker's reviewer check refuses a person demoted, then removed, by another process", async () => {
    const organizationId = await organizationWith('ada', 'admin');
    await admin.db.update(organizations).set({ settings: { permissions: { approveFinal: ['admin'] } } }).where(eq(organizations.id, organizationId));
    const { verifyReviewer } = createPeopleActivities({ db: worker.db, people } as never);
    const check = () => verifyReviewer({ organizationId, reviewer: 'ada', action: 'approveFinal' });
    await within(async () => (await check()).allowed);
    expect(await check()).toEqual({ allowed: true, role: 'admin' }); // cached now

    await admin.db.execute(`update reviewers set role = 'reviewer' where organization_id = '${organizationId}' and user_id = 'ada'`);
    await within(async () => !(await check()).allowed);
    expect(await check()).toEqual({ allowed: false, role: 'reviewer', reason: `ada (reviewer) may not decide at the final gate in organization ${organizationId}` });

    await removeReviewer(admin.db, organizationId, 'ada');
    await within(async () => (await check()).role === null);
    expect(await check()).toEqual({ allowed: false, role: null, reason: `ada is not a reviewer of organization ${organizationId}` });
  });

  it('sees permissions changed by another process', async () => {
    const organizationId = await organizationWith('sam');
    const { verifyReviewer } = createPeopleActivities({ db: worker.db, people } as never);
    const check = () => verifyReviewer({ organizationId, reviewer: 'sam', action: 'cancel' });
    expect((await check()).allowed).toBe(true);
    await admin.db.update(organizations).set({ settings: { permissions: { cancel: ['admin'] } } }).where(eq(organizations.id, organizationId));
    await within(async () => !(await check()).allowed);
  });

  it("drops only the changed organization's people, and never caches a name that is nobody", async () => {
    const one = await organizationWith('kim');
    const other = await organizationWith('kim');
    await people.find(one, 'kim');
    await people.find(other, 'kim');
    await addReviewer(admin.db, { organizationId: one, userId: 'lee', name: 'Lee' });
    await within(async () => {
      statements = 0;
      await people.find(one, 'kim');
      return statements === 1; // reloaded: the organization changed
    });
    statements = 0;
    await people.find(other, 'kim');
    expect(statements).toBe(0); // the other organization still comes from the cache

    statements = 0;
    for (let n = 0; n < 3; n += 1) expect(await people.find(one, 'mallory')).toBeUndefined();
    expect(statements).toBe(3);
    // Another organization's person is not this one's, cached or not.
    expect(await people.find(one, 'kim')).toMatchObject({ reviewer: { organizationId: one } });
    const stranger = await organizationWith('zed');
    expect(await people.find(one, 'zed')).toBeUndefined();
    expect(await people.find(stranger, 'zed')).toBeDefined();
  });
});
