import type { Client } from '@temporalio/client';
import { type ApiDeps, createApp } from '../api/app';
import type { Database } from '../db/client';
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
  temporal: Client;
  /** Where issue and skill workflows are started. */
  taskQueue: string;
  namespace: string;
  /** Base of the tracking URLs handed out. */
  publicBaseUrl: string;
  /** Web UI links for operators; omitted when unknown. */
  temporalUiUrl?: string;
  /** Global cap of running pipelines; undefined = unlimited. */
  maxConcurrentPipelines?: number;
  /** How long a live status query may take before the answer comes from Postgres. */
  queryTimeoutMs?: number;
}

export function buildServices(deps: ServiceDeps) {
  const { db, temporal, taskQueue } = deps;
  const optional = {
    ...(deps.queryTimeoutMs !== undefined ? { queryTimeoutMs: deps.queryTimeoutMs } : {}),
  };
  const issues = createIssueService({
    db,
    temporal,
    taskQueue,
    publicBaseUrl: deps.publicBaseUrl,
    namespace: deps.namespace,
    ...(deps.temporalUiUrl !== undefined ? { temporalUiUrl: deps.temporalUiUrl } : {}),
    ...(deps.maxConcurrentPipelines !== undefined ? { maxConcurrentPipelines: deps.maxConcurrentPipelines } : {}),
    ...optional,
  });
  return {
    issues,
    skills: createSkillService({ db, temporal, taskQueue, ...optional }),
    schedules: createScheduleService({ db, temporal, taskQueue }),
    access: createAccessService(db),
  };
}

export type Services = ReturnType<typeof buildServices>;

/** The HTTP app over the services, with both webhooks. */
export function buildApp(
  services: Services,
  deps: { db: Database; temporal: Client } & Pick<ApiDeps, 'health'> & Partial<Pick<ApiDeps, 'sandbox' | 'logError'>>,
) {
  const { issues } = services;
  return createApp({
    ...services,
    erpWebhook: createErpWebhookHandler({ db: deps.db, temporal: deps.temporal, issues }),
    githubWebhook: createGitHubWebhookHandler({ db: deps.db, issues }),
    health: deps.health,
    ...(deps.sandbox ? { sandbox: deps.sandbox } : {}),
    ...(deps.logError ? { logError: deps.logError } : {}),
  });
}
