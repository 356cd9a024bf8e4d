import { Hono } from 'hono';
import type { ControlsService } from '../../controls/service';
import type { IssueService } from '../../issues/service';
import { keyHasScope } from '../../identity/scopes';
import { APP_VERSION } from '../../version';
import { type Authenticate, bearerKey, unauthorized } from '../auth';
import { errorBody } from '../errors';

/** The scopes whose keys may read their organization's counts on /health. */
const STATS_SCOPES = ['issues:write', 'review', 'admin'] as const;
/** A probe answers within this even if the key check or the counts hang. */
const STATS_TIMEOUT_MS = 2_000;

/**
 * Probes for load balancers, orchestrators and the ERP (none needs a key):
 *
 *   GET /live    the process answers (liveness: restart it if not)
 *   GET /ready   this instance can serve: its database answers (readiness: send it traffic).
 *                Temporal and the workers are shared by every instance and not needed to
 *                accept an issue (it is started when Temporal is back), so they are not part
 *                of it: taking every instance out of rotation for them would only turn
 *                accepted submissions into refused ones.
 *   GET /health  the ERP's health contract: healthy / degraded (503) with every check
 *                (database, temporal, workers), the version and uptime, the sandbox mode;
 *                with an API key of a scope that works issues (issues:write, review, admin),
 *                also that key's organization's counts — pending, running, waiting for
 *                people, failed in the last hour. Another tenant's never show. `agents`:
 *                the installation's kill switch and stage flags (with such a key: as they
 *                apply to that organization, its own included); never a failing check. An
 *                Authorization header that is not a valid key is a 401, a key of another
 *                scope a 403: the caller asked for counts.
 *
 * The checks come from a cache refreshed in the background (src/main/health.ts), so every probe
 * answers at once, even while a dependency hangs.
 */
export function healthRoutes(deps: {
  health: () => Promise<Record<string, boolean>>;
  authenticate: Authenticate;
  issues: Pick<IssueService, 'healthStats'>;
  sandbox?: { mode: 'bubblewrap' | 'off'; warning?: string };
  controls?: Pick<ControlsService, 'installation' | 'state'>;
}) {
  const startedAt = Date.now();
  return new Hono()
    .get('/live', (c) => c.json({ status: 'ok' }))
    .get('/ready', async (c) => {
      const { database = false } = await deps.health();
      return c.json({ status: database ? 'ready' : 'degraded', checks: { database } }, database ? 200 : 503);
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
      // The kill switch is not a failing check: paused agents are the operator's decision.
      const controls = deps.controls;
      if (controls && checks['database'] !== false) {
        const installation = await withinTimeout(() => controls.installation());
        if (installation) body['agents'] = { paused: installation.paused, disabledStages: installation.disabledStages, reason: installation.reason };
      }
      const header = c.req.header('authorization');
      if (header !== undefined) {
        const key = bearerKey(header);
        if (key === undefined) return unauthorized(c);
        // Without the database the key cannot be checked nor the counts read: the answer is the
        // degraded status alone, never a hang or a 500.
        if (checks['database'] !== false) {
          const principal = await withinTimeout(() => deps.authenticate(key));
          if (principal === undefined) return unauthorized(c);
          if (principal && !STATS_SCOPES.some((scope) => keyHasScope(principal.key.scopes, scope))) {
            return c.json(errorBody(c, 'FORBIDDEN', `This API key lacks one of the scopes ${STATS_SCOPES.join(', ')}, which reading the counts on /health requires; call it without a key for the status alone.`), 403);
          }
          if (principal) {
            body['stats'] = (await withinTimeout(() => deps.issues.healthStats(principal.organization.id))) ?? undefined;
            const state = controls ? await withinTimeout(() => controls.state(principal.organization.id)) : null;
            if (state) body['agents'] = state.effective;
          }
        }
      }
      return c.json(body, healthy ? 200 : 503);
    });
}

/** What `work` resolves to, or null when it fails (also synchronously) or takes longer than STATS_TIMEOUT_MS. */
async function withinTimeout<T>(work: () => Promise<T>): Promise<T | null> {
  const promise = Promise.resolve().then(work);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), STATS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise.catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
