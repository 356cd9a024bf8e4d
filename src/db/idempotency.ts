import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from './client';
import { idempotencyKeys } from './schema';

/**
 * Storage for Idempotency-Key (src/api/idempotency.ts). A key is claimed by the first request
 * that carries it; its outcome is stored for replay; keys expire after `KEY_TTL_HOURS`.
 */

/** How long a key answers with its stored outcome (Stripe keeps keys 24 hours). */
export const KEY_TTL_HOURS = 24;

export type KeyClaim =
  /** `claimedAt` identifies this claim: completing or releasing it does nothing once another request took it over. */
  | { kind: 'claimed'; claimedAt: string }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'mismatch'; method: string; path: string };

export interface KeyRequest {
  organizationId: string;
  key: string;
  requestHash: string;
  method: string;
  path: string;
  /**
   * A claim older than this that never completed belongs to a request that died (an API
   * process killed mid-request): the same request may take it over.
   */
  abandonedAfterSeconds: number;
}

export async function claimIdempotencyKey(db: Database, request: KeyRequest): Promise<KeyClaim> {
  const { organizationId, key, requestHash, method, path, abandonedAfterSeconds } = request;
  const fresh = { requestHash, method, path, status: null, responseBody: null, createdAt: sql`now()`, completedAt: null };
  // One statement: a new key is inserted; an expired key, or an abandoned claim by the same
  // request, is taken over. Anything else is left as it is and read below.
  const claimed = await db
    .insert(idempotencyKeys)
    .values({ organizationId, key, requestHash, method, path })
    .onConflictDoUpdate({
      target: [idempotencyKeys.organizationId, idempotencyKeys.key],
      set: fresh,
      setWhere: sql`${idempotencyKeys.createdAt} < now() - make_interval(hours => ${KEY_TTL_HOURS}::int)
        or (${idempotencyKeys.status} is null and ${idempotencyKeys.requestHash} = ${requestHash}
            and ${idempotencyKeys.createdAt} < now() - make_interval(secs => ${abandonedAfterSeconds}::int))`,
    })
    .returning({ claimedAt: idempotencyKeys.createdAt });
  if (claimed[0]) return { kind: 'claimed', claimedAt: claimed[0].claimedAt };
  const [existing] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.organizationId, organizationId), eq(idempotencyKeys.key, key)));
  // Gone between the two statements (released by its request): the caller may simply retry.
  if (!existing) return { kind: 'in_progress' };
  if (existing.requestHash !== requestHash) return { kind: 'mismatch', method: existing.method, path: existing.path };
  if (existing.status === null) return { kind: 'in_progress' };
  return { kind: 'replay', status: existing.status, body: existing.responseBody };
}

export interface ClaimRef {
  organizationId: string;
  key: string;
  claimedAt: string;
}

const ownClaim = (ref: ClaimRef) =>
  and(eq(idempotencyKeys.organizationId, ref.organizationId), eq(idempotencyKeys.key, ref.key), isNull(idempotencyKeys.status), eq(idempotencyKeys.createdAt, ref.claimedAt));

/** Stores the outcome of the request that claimed the key (if the claim is still its own). */
export async function completeIdempotencyKey(db: Database, ref: ClaimRef, status: number, body: unknown): Promise<void> {
  await db.update(idempotencyKeys).set({ status, responseBody: body, completedAt: sql`now()` }).where(ownClaim(ref));
}

/** Frees a claim whose request did not run to an outcome worth replaying: a retry runs it again. */
export async function releaseIdempotencyKey(db: Database, ref: ClaimRef): Promise<void> {
  await db.delete(idempotencyKeys).where(ownClaim(ref));
}

/** Deletes expired keys (the recovery sweep calls it); returns how many. */
export async function purgeExpiredIdempotencyKeys(db: Database): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${KEY_TTL_HOURS}::int)`))
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}
