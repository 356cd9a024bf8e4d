import { and, eq } from 'drizzle-orm';
import type { Database } from './client';
import { sideEffects } from './schema';

/**
 * The exactly-once ledger. An activity that causes an external effect records it here
 * under (workflow id, effect) right after it happens, and looks here first on every attempt.
 * The window between "happened" and "recorded" is closed by asking the outside world
 * (e.g. "is there a pull request for this branch?") before acting.
 */
export async function findEffect(db: Database, workflowId: string, effect: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await db
    .select({ result: sideEffects.result })
    .from(sideEffects)
    .where(and(eq(sideEffects.workflowId, workflowId), eq(sideEffects.effect, effect)));
  return row?.result;
}

/** Records an effect; if one was recorded first, that one wins and is returned. */
export async function recordEffect(
  db: Database,
  entry: { organizationId: string; workflowId: string; effect: string; result: Record<string, unknown> },
): Promise<Record<string, unknown>> {
  const [inserted] = await db.insert(sideEffects).values(entry).onConflictDoNothing().returning({ result: sideEffects.result });
  return inserted?.result ?? (await findEffect(db, entry.workflowId, entry.effect)) ?? entry.result;
}
