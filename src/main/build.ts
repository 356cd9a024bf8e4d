import { createSkillBuildService } from '../builds/service';
import type { WorkspacePoolPolicy } from '../../workflows/shared/workspace-pool';
import { createControlsService } from '../controls/service';
import { useStateSource } from '../metrics/state';
import { LIMITER_WORKFLOW_ID, limiterStateQuery } from '../../workflows/limiter';
import { createFeedbackService } from '../feedback/service';
import { createInboxService } from '../inbox/service';
import type { Client } from '@temporalio/client';
import { temporalRuns, type WorkflowRuns } from '../temporal/runs';
import { type ApiDeps, createApp } from '../api/app';
import type { Database, DatabaseHandle } from '../db/client';
import { createIssueChangeFeed } from '../issues/changes';
import { createDeliveryLogService } from '../erp/delivery-log';
import { createNotificationSettingsService } from '../notifications/settings';
import { type OutboundPolicy, STRICT_OUTBOUND } from '../outbound/url-policy';
import type { PeopleDirectory } from '../identity/people-directory';
import type { PrincipalCache } from '../identity/principal-cache';
import { createAccessService } from '../identity/service';
import { createErpWebhookHandler } from '../issues/erp-webhook';
import { createGitHubWebhookHandler } from '../issues/github-webhook';
import { createIssueService } from '../issues/service';
import { createScheduleService } from '../skills/schedules';
import { createSkillService } from '../skills/service';

/**
 * The one wiring of the API's services and app, shared by the composition roots
 * (src/main/services.ts from Config) and the test harness (tests/support/pipeline.ts), so a
 * service added here is added everywhere. Takes clients; constructs none.
 */

export interface ServiceDeps {
  db: Database;
  /** Schedules use it directly; workflow runs go through `runs` (made from it unless given). */
  temporal: Client;
  runs?: WorkflowRuns;
  /** Where issue and skill workflows are started. */
  taskQueue: string;
  namespace: string;
  /** Base of the tracking URLs handed out. */
  publicBaseUrl: string;
  /** Web UI links for operators; omitted when unknown. */
  temporalUiUrl?: string;
  /** Global cap of running pipelines; undefined = unlimited. */
  maxConcurrentPipelines?: number;
  /** Issues' repository work goes to the workspace pool; undefined = the orchestration worker does it. */
  workspacePool?: WorkspacePoolPolicy;
  /** How long a live status query may take before the answer comes from Postgres. */
  queryTimeoutMs?: number;
  /** Authenticates API keys from this cache instead of a statement per request. */
  principals?: PrincipalCache;
  /** Finds the people requests act for here (a notification-fed cache) instead of a statement per request. */
  people?: PeopleDirectory;
  /** Where status callbacks and notifications may be sent (OUTBOUND_ALLOW_PRIVATE); strict when absent. */
  outbound?: OutboundPolicy;
}

export function buildServices(deps: ServiceDeps) {
  const { db, temporal, taskQueue } = deps;
  const outbound = deps.outbound ?? STRICT_OUTBOUND;
  const runs = deps.runs ?? temporalRuns(temporal, deps.queryTimeoutMs !== undefined ? { readDeadlineMs: deps.queryTimeoutMs } : {});
  const issues = createIssueService({
    db,
    runs,
    taskQueue,
    publicBaseUrl: deps.publicBaseUrl,
    namespace: deps.namespace,
    ...(deps.temporalUiUrl !== undefined ? { temporalUiUrl: deps.temporalUiUrl } : {}),
    ...(deps.maxConcurrentPipelines !== undefined ? { maxConcurrentPipelines: deps.maxConcurrentPipelines } : {}),
    ...(deps.workspacePool ? { workspacePool: deps.workspacePool } : {}),
  });
  const skills = createSkillService({ db, runs, taskQueue });
  return {
    runs,
    issues,
    skills,
    builds: createSkillBuildService({ db, runs, taskQueue, skills }),
    schedules: createScheduleService({ db, temporal, taskQueue }),
    access: createAccessService(db, { ...(deps.principals ? { principals: deps.principals } : {}), ...(deps.people ? { people: deps.people } : {}) }),
    deliveries: createDeliveryLogService(db, { publicBaseUrl: deps.publicBaseUrl, outbound }),
    notificationSettings: createNotificationSettingsService(db, { outbound }),
    controls: createControlsService({ db, runs, taskQueue }),
    feedback: createFeedbackService(db),
    inbox: createInboxService(db),
  };
}

export type Services = ReturnType<typeof buildServices>;

/** What the reviewer console needs beyond the services: where it is served, and the database's notifications for its live timeline. */
export interface ConsoleOptions {
  publicBaseUrl: string;
  listen?: DatabaseHandle['listen'];
}

/** The HTTP app over the services, with both webhooks (and the reviewer console, given `console`). */
export function buildApp(
  services: Services,
  deps: { db: Database; console?: ConsoleOptions } & Pick<ApiDeps, 'health'> & Partial<Pick<ApiDeps, 'sandbox' | 'log' | 'logError' | 'metricsToken'>>,
) {
  const { runs, ...routed } = services;
  const limiterState = () => runs.query(LIMITER_WORKFLOW_ID, limiterStateQuery);
  // What /metrics reads when scraped: Postgres, and the limiter's slots (a query, when it answers in time).
  useStateSource({
    db: deps.db,
    slots: async () => {
      const state = await limiterState();
      return state ? { running: state.running.length, waiting: state.waiting.length } : undefined;
    },
  });
  return createApp({
    ...routed,
    idempotencyStore: deps.db,
    erpWebhook: createErpWebhookHandler({ db: deps.db, runs, issues: services.issues }),
    githubWebhook: createGitHubWebhookHandler({ db: deps.db, issues: services.issues }),
    health: deps.health,
    ...(deps.console
      ? {
          console: {
            db: deps.db,
            publicBaseUrl: deps.console.publicBaseUrl,
            slots: limiterState,
            ...(deps.console.listen ? { feed: createIssueChangeFeed(deps.console.listen) } : {}),
          },
        }
      : {}),
    ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.logError ? { logError: deps.logError } : {}),
    ...(deps.metricsToken ? { metricsToken: deps.metricsToken } : {}),
  });
}
