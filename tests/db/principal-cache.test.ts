import { eq } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client';
import { findPrincipalByApiKey, issueApiKey, type Principal, revokeApiKey } from '../../src/db/organizations';
import { organizations } from '../../src/db/schema';
import { createPrincipalCache, listeningPrincipalCache, type PrincipalCache } from '../../src/identity/principal-cache';
import { createAccessService } from '../../src/identity/service';
import { accessChangesHeard } from '../support/access-changes';
import { createTestOrganization, openTestDatabase } from '../support/harness';

/**
 * The API authenticates keys from a per-process cache. Its danger is a revoked key or a
 * lowered limit that keeps working: these tests change keys and settings through a second
 * connection — as the admin CLI or another API process would — and require the cache to
 * stop serving the old answer as soon as Postgres announces the change.
 */
describe('principal cache', () => {
  let api: DatabaseHandle; // the API process's connection, which the cache listens on
  let admin: DatabaseHandle; // another process changing keys and settings
  let cache: PrincipalCache;
  let loads: number;
  let access: ReturnType<typeof createAccessService>;

  beforeAll(async () => {
    api = await openTestDatabase();
    admin = await openTestDatabase();
    cache = await listeningPrincipalCache(api);
    const counting = { ...cache, get: (key: string, load: (key: string) => Promise<Principal | undefined>) => cache.get(key, (k) => ((loads += 1), load(k))) };
    access = createAccessService(api.db, { principals: counting });
  });
  beforeEach(() => {
    loads = 0;
  });
  afterAll(async () => {
    await cache.close();
    await api.close();
    await admin.close();
  });

  /** Polls until `check` holds; the notification is asynchronous but takes milliseconds. */
  async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
    const started = Date.now();
    for (;;) {
      if (await check()) return Date.now() - started;
      if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('answers repeated requests without a statement', async () => {
    const { organization, apiKey } = await createTestOrganization(api);
    await accessChangesHeard(api); // the key's own creation is announced too: heard before caching
    for (let n = 0; n < 5; n += 1) expect((await access.authenticate(apiKey))?.organization.id).toBe(organization.id);
    expect(loads).toBe(1);
  });

  it('refuses a key revoked by another process within a second, and never serves it again', async () => {
    const { organization } = await createTestOrganization(api);
    const key = await issueApiKey(admin.db, organization.id, 'to revoke', { scopes: ['issues:write'] });
    expect(await access.authenticate(key.key)).toBeDefined();
    expect(await access.authenticate(key.key)).toBeDefined(); // now cached
    await revokeApiKey(admin.db, organization.id, key.id);
    const took = await within(1_000, async () => (await access.authenticate(key.key)) === undefined);
    expect(took).toBeLessThan(1_000);
    for (let n = 0; n < 3; n += 1) expect(await access.authenticate(key.key)).toBeUndefined();
  });

  it('sees new settings and plan written by another process', async () => {
    const { organization, apiKey } = await createTestOrganization(api);
    expect((await access.authenticate(apiKey))?.organization.settings).toEqual({});
    await admin.db.update(organizations).set({ settings: { limits: { issuesPerHour: 1 } }, tier: 'free' }).where(eq(organizations.id, organization.id));
    await within(1_000, async () => {
      const principal = await access.authenticate(apiKey);
      return JSON.stringify(principal?.organization.settings) === JSON.stringify({ limits: { issuesPerHour: 1 } }) && principal?.organization.tier === 'free';
    });
  });

  it("drops only the changed organization's entries", async () => {
    const one = await createTestOrganization(api);
    const other = await createTestOrganization(api);
    // The keys' own creation is announced too: a late announcement would drop what is cached next.
    await accessChangesHeard(api);
    await access.authenticate(one.apiKey);
    await access.authenticate(other.apiKey);
    loads = 0;
    await admin.db.update(organizations).set({ settings: { finalApproval: 'never' } }).where(eq(organizations.id, one.organization.id));
    await within(1_000, async () => (await access.authenticate(one.apiKey))?.organization.settings.finalApproval === 'never');
    const loadsForOne = loads;
    await access.authenticate(other.apiKey);
    expect(loads).toBe(loadsForOne); // the other organization still comes from the cache
  });

  it('never caches unknown keys, so guesses cannot fill it', async () => {
    const before = cache.size;
    for (let n = 0; n < 20; n += 1) expect(await access.authenticate(`ak_guess${n}`)).toBeUndefined();
    expect(cache.size).toBe(before);
  });
});

describe('principal cache rules (no database)', () => {
  const principal = (organizationId: string): Principal =>
    ({ organization: { id: organizationId, settings: {} }, key: { id: 'k', name: 'k', scopes: ['issues:read'], reviewerUserId: null } }) as unknown as Principal;

  it('is bypassed until it is listening, and starts empty on every reconnection', async () => {
    const cache = createPrincipalCache();
    let loads = 0;
    const load = async () => ((loads += 1), principal('o1'));
    await cache.get('ak_1', load);
    await cache.get('ak_1', load);
    expect(loads).toBe(2); // not listening yet: every call reads
    cache.onConnected();
    await cache.get('ak_1', load);
    await cache.get('ak_1', load);
    expect(loads).toBe(3);
    cache.onConnected(); // notifications may have been missed while reconnecting
    await cache.get('ak_1', load);
    expect(loads).toBe(4);
  });

  it('does not cache a lookup that an invalidation overtook (a revocation racing a read)', async () => {
    const cache = createPrincipalCache();
    cache.onConnected();
    let release!: () => void;
    const slowLoad = () => new Promise<Principal>((resolve) => (release = () => resolve(principal('o1'))));
    const pending = cache.get('ak_1', slowLoad);
    cache.invalidateOrganization('o1'); // the key was revoked while the read was in flight
    release();
    await pending;
    expect(cache.size).toBe(0);
  });

  it('expires entries after the TTL and keeps at most maxEntries', async () => {
    let now = 0;
    const cache = createPrincipalCache({ ttlMs: 1_000, maxEntries: 2, now: () => now });
    cache.onConnected();
    let loads = 0;
    const load = async () => ((loads += 1), principal('o1'));
    await cache.get('ak_1', load);
    now = 999;
    await cache.get('ak_1', load);
    expect(loads).toBe(1);
    now = 1_000;
    await cache.get('ak_1', load);
    expect(loads).toBe(2);
    await cache.get('ak_2', load);
    await cache.get('ak_3', load);
    expect(cache.size).toBe(2);
  });
});

// The uncached path stays as it was (the route tests use it): a sanity check that both agree.
it('the cached and uncached lookups agree', async () => {
  const db = await openTestDatabase();
  const cache = await listeningPrincipalCache(db);
  try {
    const { apiKey } = await createTestOrganization(db);
    const cached = await createAccessService(db.db, { principals: cache }).authenticate(apiKey);
    expect(cached).toEqual(await findPrincipalByApiKey(db.db, apiKey));
  } finally {
    await cache.close();
    await db.close();
  }
});
