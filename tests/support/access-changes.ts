import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client';
import { ACCESS_CHANGED_CHANNEL } from '../../src/identity/organization-cache';

/**
 * Resolves once every access change committed before the call has been delivered to the
 * caches listening through `listener` — a barrier, not a guess at how long NOTIFY takes.
 *
 * Why it holds: Postgres queues notifications in commit order, and postgres.js hands each one
 * to a connection's listeners in the order they subscribed. So a marker sent now, heard by a
 * listener added after the caches on the same handle, arrives after the caches have handled
 * every earlier announcement. The marker names no organization, so it drops nothing.
 */
export async function accessChangesHeard(listener: DatabaseHandle, timeoutMs = 5_000): Promise<void> {
  const marker = `barrier-${randomUUID()}`;
  let heard!: () => void;
  const arrived = new Promise<void>((resolve) => (heard = resolve));
  const stop = await listener.listen(ACCESS_CHANGED_CHANNEL, (payload) => payload === marker && heard(), () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await listener.db.execute(sql`select pg_notify(${ACCESS_CHANGED_CHANNEL}, ${marker})`);
    await Promise.race([
      arrived,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no notification arrived within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
    await stop();
  }
}
