import { Hono } from 'hono';
import type { IssueService } from '../../issues/service';
import { APP_VERSION } from '../../version';
import { type Authenticate, bearerKey, unauthorized } from '../auth';

/**
 * Probes for load balancers, orchestrators and the ERP (none needs a key):
 *
 *   GET /live    the process answers (liveness: restart it if not)
 *   GET /ready   every dependency check passes (readiness: send it traffic); 503 with the
 *                failing check otherwise
 *   GET /health  the ERP's health contract: healthy / degraded (503) with the checks, the
 *                version and uptime, the sandbox mode; with an API key, also that key's
 *                organization's counts — pending, running, waiting for people, failed in the
 *                last hour. Counts are per organization: another tenant's never show.
 *
 * The checks come from a cache refreshed in the background (src/main/health.ts), so every probe
 * answers at once, even while a dependency hangs.
 */
export function healthRoutes(deps: {
  health: () => Promise<Record<string, boolean>>;
  authenticate: Authenticate;
  issues: Pick<IssueService, 'healthStats'>;
  sandbox?: { mode: 'bubblewrap' | 'off'; warning?: string };
}) {
  const startedAt = Date.now();
  return new Hono()
    .get('/live', (c) => c.json({ status: 'ok' }))
    .get('/ready', async (c) => {
      const checks = await deps.health();
      const ready = Object.values(checks).every(Boolean);
      return c.json({ status: ready ? 'ready' : 'degraded', checks }, ready ? 200 : 503);
    })
    .get('/health', async (c) => {
      const checks = await deps.health();
      const healthy = Object.values(checks).every(Boolean);
      const body: Record<string, unknown> = {
        status: healthy ? 'healthy' : 'degraded',
        checks,
        version: APP_VERSION,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
      };
      const key = bearerKey(c.req.header('authorization'));
      // Without the database the key cannot be checked nor the counts read: the answer is the
      // degraded status alone, never a hang or a 500.
      if (key !== undefined && checks['database'] !== false) {
        const principal = await deps.authenticate(key).catch(() => null);
        if (principal === undefined) return unauthorized(c);
        if (principal) body['stats'] = await deps.issues.healthStats(principal.organization.id).catch(() => undefined);
      }
      return c.json(body, healthy ? 200 : 503);
    });
}
