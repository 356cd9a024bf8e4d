import { createHash } from 'node:crypto';
import type { DatabaseHandle } from '../db/client';
import type { Principal } from '../db/organizations';

/** The NOTIFY channel migration 0011's triggers send an organization's id on. */
export const ACCESS_CHANGED_CHANNEL = 'access_changed';

export interface PrincipalCacheOptions {
  /** Upper bound on staleness should a notification be lost in transit (default 60 s). */
  ttlMs?: number;
  /** Entries kept at most; the oldest go first (default 10 000). */
  maxEntries?: number;
  now?: () => number;
}

export interface PrincipalCache {
  /** The principal of `apiKey`: from the cache when fresh, else from `load` (and then cached). */
  get(apiKey: string, load: (apiKey: string) => Promise<Principal | undefined>): Promise<Principal | undefined>;
  /** Drops an organization's entries (its settings, plan or keys changed). */
  invalidateOrganization(organizationId: string): void;
  /** Drops everything (the change feed reconnected: what it missed is unknown). */
  clear(): void;
  readonly size: number;
  /** Stops listening for changes; the cache is bypassed from then on. */
  close(): Promise<void>;
}

/**
 * A per-process cache of API keys' principals (organization with its settings, the key's
 * scopes) so a request does not pay a statement to authenticate.
 *
 * Contract: a change to a key or an organization — revocation, new scopes, new settings —
 * is seen by every process within the time a NOTIFY takes to arrive (milliseconds), because
 * Postgres triggers announce it on `access_changed` (migration 0011) and the cache drops that
 * organization's entries. The cache is used only while it is listening; when the listening
 * connection is re-established everything is dropped (notifications sent meanwhile are lost),
 * and an entry never outlives `ttlMs` either way.
 *
 * Unknown and revoked keys are never cached: a stranger's guesses cannot fill memory, and a
 * new key works at once. Entries are keyed by the key's SHA-256, never by the key itself.
 */
export function createPrincipalCache(options: PrincipalCacheOptions = {}): PrincipalCache & { onConnected(): void } {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { principal: Principal; expiresAt: number }>();
  let listening = false;
  let closed = false;
  // Bumped by every invalidation: a load that began before one must not be cached after it,
  // or a revocation racing a lookup would be undone for a whole TTL.
  let generation = 0;

  const digest = (apiKey: string) => createHash('sha256').update(apiKey).digest('base64url');

  return {
    async get(apiKey, load) {
      if (!listening || closed) return load(apiKey);
      const id = digest(apiKey);
      const hit = entries.get(id);
      if (hit && hit.expiresAt > now()) return hit.principal;
      entries.delete(id);
      const startedAt = generation;
      const principal = await load(apiKey);
      if (principal && startedAt === generation && listening && !closed) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(id, { principal, expiresAt: now() + ttlMs });
      }
      return principal;
    },
    invalidateOrganization(organizationId) {
      generation += 1;
      for (const [id, entry] of entries) if (entry.principal.organization.id === organizationId) entries.delete(id);
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
 * A principal cache fed by the database's change notifications. Resolves once listening; if
 * listening fails the error is raised (a cache that can't hear revocations must not exist).
 */
export async function listeningPrincipalCache(database: Pick<DatabaseHandle, 'listen'>, options: PrincipalCacheOptions = {}): Promise<PrincipalCache> {
  const cache = createPrincipalCache(options);
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
