import { createHash } from 'node:crypto';
import type { DatabaseHandle } from '../db/client';
import type { Principal } from '../db/organizations';
import { createOrganizationCache, listeningOrganizationCache, type OrganizationCache, type OrganizationCacheOptions } from './organization-cache';

export type PrincipalCacheOptions = OrganizationCacheOptions;

export interface PrincipalCache extends Omit<OrganizationCache<Principal>, 'get'> {
  /** The principal of `apiKey`: from the cache when fresh, else from `load` (and then cached). */
  get(apiKey: string, load: (apiKey: string) => Promise<Principal | undefined>): Promise<Principal | undefined>;
}

/**
 * A per-process cache of API keys' principals (organization with its settings, the key's
 * scopes) so a request does not pay a statement to authenticate. How it stays current, and
 * what it never holds, is organization-cache.ts's contract. Entries are keyed by the key's
 * SHA-256, never by the key itself.
 */
export function createPrincipalCache(options: PrincipalCacheOptions = {}): PrincipalCache & { onConnected(): void } {
  return byKeyDigest(createOrganizationCache(organizationOfPrincipal, options));
}

/** A principal cache fed by the database's change notifications (see organization-cache.ts). */
export async function listeningPrincipalCache(database: Pick<DatabaseHandle, 'listen'>, options: PrincipalCacheOptions = {}): Promise<PrincipalCache> {
  return byKeyDigest(await listeningOrganizationCache(database, organizationOfPrincipal, options));
}

const organizationOfPrincipal = (principal: Principal) => principal.organization.id;
const digest = (apiKey: string) => createHash('sha256').update(apiKey).digest('base64url');

/** The cache with entries keyed by the key's digest; everything else is the cache's own. */
function byKeyDigest<Cache extends OrganizationCache<Principal>>(cache: Cache): Omit<Cache, 'get'> & PrincipalCache {
  return {
    ...cache, // invalidateOrganization, clear, close (and onConnected): closures, not methods on `this`
    get size() {
      return cache.size;
    },
    get: (apiKey: string, load: (apiKey: string) => Promise<Principal | undefined>) => cache.get(digest(apiKey), () => load(apiKey)),
  };
}
