import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from './client';
import type { ApiKeyScope } from '../identity/scopes';
import { apiKeys, organizations, reviewers } from './schema';

export type Organization = typeof organizations.$inferSelect;
export type Tier = Organization['tier'];

/**
 * Organization ids appear in workflow ids (`issue:{org}:…`) and workspace paths, so ':',
 * '/', spaces and a leading '.' (no '.' or '..') are excluded.
 */
export const ORGANIZATION_ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

const API_KEY_PREFIX = 'ak_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export async function createOrganization(
  db: Database,
  input: { id: string; name: string; tier?: Tier },
): Promise<Organization> {
  if (!ORGANIZATION_ID_PATTERN.test(input.id)) {
    throw new Error(`organization id "${input.id}" must match ${ORGANIZATION_ID_PATTERN}`);
  }
  const [row] = await db
    .insert(organizations)
    .values({ id: input.id, name: input.name, tier: input.tier ?? 'free' })
    .onConflictDoNothing()
    .returning();
  if (row) return row;
  const existing = await getOrganization(db, input.id);
  if (!existing) throw new Error(`organization ${input.id} vanished during creation`);
  return existing;
}

export async function listOrganizations(db: Database): Promise<Organization[]> {
  return db.select().from(organizations).orderBy(asc(organizations.id));
}

export async function getOrganization(db: Database, id: string): Promise<Organization | undefined> {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id));
  return row;
}

export interface IssuedApiKey {
  id: string;
  /** The whole key. Shown once; only its hash is stored. */
  key: string;
  prefix: string;
}

export interface ApiKeyOptions {
  scopes: ApiKeyScope[];
  /** A personal key: it acts as this registered reviewer of the organization. */
  reviewerUserId?: string;
}

/**
 * Issues a key with the given scopes. A personal key names a registered reviewer of the same
 * organization; it cannot carry `act-as` (it speaks only for its own person).
 */
export async function issueApiKey(db: Database, organizationId: string, name: string, options: ApiKeyOptions): Promise<IssuedApiKey> {
  if (options.scopes.length === 0) throw new Error('an API key needs at least one scope');
  if (options.reviewerUserId !== undefined) {
    if (options.scopes.includes('act-as')) throw new Error('a personal key acts only as its own reviewer: it cannot have the act-as scope');
    const [reviewer] = await db
      .select({ id: reviewers.id })
      .from(reviewers)
      .where(and(eq(reviewers.organizationId, organizationId), eq(reviewers.userId, options.reviewerUserId)));
    if (!reviewer) throw new Error(`${options.reviewerUserId} is not a reviewer of organization ${organizationId} (add them with reviewer:add first)`);
  }
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const prefix = key.slice(0, API_KEY_PREFIX.length + 6);
  const [row] = await db
    .insert(apiKeys)
    .values({ organizationId, name, prefix, keyHash: hashApiKey(key), scopes: options.scopes, reviewerUserId: options.reviewerUserId ?? null })
    .returning({ id: apiKeys.id });
  if (!row) throw new Error('api key insert returned no row');
  return { id: row.id, key, prefix };
}

/** Who a request speaks as: the key's organization and what the key may do. */
export interface Principal {
  organization: Organization;
  key: { id: string; name: string; scopes: ApiKeyScope[]; reviewerUserId: string | null };
}

/** The principal of a bearer key, or undefined for unknown and revoked keys. */
export async function findPrincipalByApiKey(db: Database, key: string): Promise<Principal | undefined> {
  if (!key.startsWith(API_KEY_PREFIX)) return undefined;
  const [row] = await db
    .select({
      organization: organizations,
      key: { id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, reviewerUserId: apiKeys.reviewerUserId },
    })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)));
  return row;
}

/** The organization a bearer key belongs to, or undefined for unknown and revoked keys. */
export async function findOrganizationByApiKey(db: Database, key: string): Promise<Organization | undefined> {
  return (await findPrincipalByApiKey(db, key))?.organization;
}

export async function revokeApiKey(db: Database, organizationId: string, keyId: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.organizationId, organizationId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export async function listApiKeys(db: Database, organizationId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      reviewer: apiKeys.reviewerUserId,
      createdAt: apiKeys.createdAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.organizationId, organizationId));
}
