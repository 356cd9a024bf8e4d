import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Database } from './client';
import type { Principal } from './organizations';
import { apiKeys, consoleSessions, organizations } from './schema';

/**
 * The reviewer console's sessions (src/console/session.ts). The browser's cookie holds a random
 * token; only its SHA-256 is stored, so a copy of this table signs nobody in. Each session is
 * bound to the key it was opened with and is checked with it on every request: revoking the
 * key ends the session.
 */

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');
const randomToken = () => randomBytes(32).toString('base64url');

export interface ConsoleSession {
  principal: Principal;
  csrfToken: string;
  expiresAt: string;
}

/** Opens a session for `principal`'s key; returns the token for the cookie (never stored). */
export async function openConsoleSession(db: Database, principal: Principal, ttlSeconds: number): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
  const token = randomToken();
  const csrfToken = randomToken();
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000).toISOString();
  // Expired sessions of the organization go with each sign-in: the table stays small without a job.
  await db.delete(consoleSessions).where(and(eq(consoleSessions.organizationId, principal.organization.id), lt(consoleSessions.expiresAt, new Date().toISOString())));
  await db.insert(consoleSessions).values({ id: digest(token), organizationId: principal.organization.id, apiKeyId: principal.key.id, csrfToken, expiresAt });
  return { token, csrfToken, expiresAt };
}

/** The session of `token` with its key's principal; undefined when unknown, expired, or its key is revoked. */
export async function findConsoleSession(db: Database, token: string): Promise<ConsoleSession | undefined> {
  const [row] = await db
    .select({
      csrfToken: consoleSessions.csrfToken,
      expiresAt: consoleSessions.expiresAt,
      organization: organizations,
      key: { id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, reviewerUserId: apiKeys.reviewerUserId },
    })
    .from(consoleSessions)
    .innerJoin(apiKeys, eq(apiKeys.id, consoleSessions.apiKeyId))
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .where(and(eq(consoleSessions.id, digest(token)), gt(consoleSessions.expiresAt, new Date().toISOString()), isNull(apiKeys.revokedAt)));
  if (!row) return undefined;
  return { principal: { organization: row.organization, key: row.key }, csrfToken: row.csrfToken, expiresAt: row.expiresAt };
}

/** Ends the session of `token` (signing out); unknown tokens are ignored. */
export async function closeConsoleSession(db: Database, token: string): Promise<void> {
  await db.delete(consoleSessions).where(eq(consoleSessions.id, digest(token)));
}
