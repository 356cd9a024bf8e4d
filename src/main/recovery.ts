import type { Database } from '../db/client';
import { purgeExpiredIdempotencyKeys } from '../db/idempotency';
import type { IssueService } from '../issues/service';
import type { Logger } from '../logger';
import type { SkillService } from '../skills/service';

/**
 * The API's recovery sweep, at start-up and then every `intervalMs`: an API process that died
 * between writing a row and starting its workflow leaves an issue `queued` or an invocation
 * `pending` with no workflow; a terminated skill run leaves its invocation `running`. The
 * sweep starts the first two and records the third as failed. It also deletes expired
 * Idempotency-Key records. Every step is idempotent, so several API processes may sweep at once.
 */
export function startRecoverySweep(
  services: { issues: IssueService; skills: SkillService; db: Database },
  log: Logger,
  options: { intervalMs?: number; issuesOlderThanSeconds?: number; invocationsOlderThanSeconds?: number } = {},
): () => void {
  // Issues after 15 s: a submission answered 202 while Temporal was away starts within ~30 s of
  // its return when the backlog is small; a large one drains 100 issues a sweep, 8 starts at a
  // time (starting is idempotent: racing an API's own in-flight start costs one call).
  // Invocations after 60 s: each check of a running one is a Temporal describe and a write.
  const issuesOlderThanSeconds = options.issuesOlderThanSeconds ?? 15;
  const invocationsOlderThanSeconds = options.invocationsOlderThanSeconds ?? 60;
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    // Each part on its own: one failing does not stop the other.
    const parts = [
      ['issues', () => services.issues.recoverUnstarted(issuesOlderThanSeconds)],
      ['skill invocations', () => services.skills.recoverUnfinished(invocationsOlderThanSeconds)],
      ['idempotency keys', async () => ({ expired: await purgeExpiredIdempotencyKeys(services.db) })],
    ] as const;
    for (const [name, recover] of parts) {
      try {
        const counts: Record<string, number> = await recover();
        if (Object.values(counts).some((count) => count > 0)) log.info(`recovery sweep: ${name}`, counts);
      } catch (error) {
        log.warn(`recovery sweep of ${name} failed; the next one retries`, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    running = false;
  };
  void sweep();
  const timer = setInterval(() => void sweep(), options.intervalMs ?? 15_000);
  timer.unref();
  return () => clearInterval(timer);
}
