import type { DatabaseHandle } from '../db/client';

/** The NOTIFY channel migration 0011's (and 0019's) triggers send an organization's id on. */
export const ACCESS_CHANGED_CHANNEL = 'access_changed';

export interface OrganizationCacheOptions {
  /** Upper bound on staleness should a notification be lost in transit (default 60 s). */
  ttlMs?: number;
  /** Entries kept at most; the oldest go first (default 10 000). */
  maxEntries?: number;
  now?: () => number;
}

export interface OrganizationCache<Value> {
  /** The value under `key`: from the cache when fresh, else from `load` (then cached unless undefined). */
  get(key: string, load: () => Promise<Value | undefined>): Promise<Value | undefined>;
  /** Drops an organization's entries (its settings, keys or people changed). */
  invalidateOrganization(organizationId: string): void;
  /** Drops everything (the change feed reconnected: what it missed is unknown). */
  clear(): void;
  readonly size: number;
  /** Stops listening for changes; the cache is bypassed from then on. */
  close(): Promise<void>;
}

/**
 * A per-process cache of what an organization's access rests on (its API keys' principals,
 * its people and their roles), each entry belonging to one organization.
 *
 * Contract: a change — a revoked key, new scopes or settings, a person removed or given
 * another role — is seen by every process within the time a NOTIFY takes to arrive
 * (milliseconds), because Postgres triggers announce it on `access_changed` (migrations 0011
 * and 0019) and the cache drops that organization's entries. The cache is used only while it
 * is listening; when the listening connection is re-established everything is dropped
 * (notifications sent meanwhile are lost), and an entry never outlives `ttlMs` either way.
 *
 * Misses (`load` answering undefined: an unknown key, a name that is nobody) are never
 * cached: a stranger's guesses cannot fill memory, and what is added works at once.
 */
export function createOrganizationCache<Value>(
  organizationOf: (value: Value) => string,
  options: OrganizationCacheOptions = {},
): OrganizationCache<Value> & { onConnected(): void } {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: Value; expiresAt: number }>();
  let listening = false;
  let closed = false;
  // Bumped by every invalidation: a load that began before one must not be cached after it,
  // or a revocation racing a lookup would be undone for a whole TTL.
  let generation = 0;

  return {
    async get(key, load) {
      if (!listening || closed) return load();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now()) return hit.value;
      entries.delete(key);
      const startedAt = generation;
      const value = await load();
      if (value !== undefined && startedAt === generation && listening && !closed) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(key, { value, expiresAt: now() + ttlMs });
      }
      return value;
    },
    invalidateOrganization(organizationId) {
      generation += 1;
      for (const [key, entry] of entries) if (organizationOf(entry.value) === organizationId) entries.delete(key);
    },
    clear() {
      generation += 1;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
    onConnected() {
      generation += 1;
      entries.clear();
      listening = true;
    },
    async close() {
      closed = true;
      entries.clear();
    },
  };
}

/**
 * A cache fed by the database's change notifications. Resolves once listening; if listening
 * fails the error is raised (a cache that can't hear revocations must not exist).
 */
export async function listeningOrganizationCache<Value>(
  database: Pick<DatabaseHandle, 'listen'>,
  organizationOf: (value: Value) => string,
  options: OrganizationCacheOptions = {},
): Promise<OrganizationCache<Value>> {
  const cache = createOrganizationCache(organizationOf, options);
  const stop = await database.listen(
    ACCESS_CHANGED_CHANNEL,
    (organizationId) => cache.invalidateOrganization(organizationId),
    () => cache.onConnected(),
  );
  return {
    get: cache.get,
    invalidateOrganization: cache.invalidateOrganization,
    clear: cache.clear,
    get size() {
      return cache.size;
    },
    async close() {
      await cache.close();
      await stop();
    },
  };
}
